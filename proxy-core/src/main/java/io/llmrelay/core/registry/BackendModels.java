package io.llmrelay.core.registry;

import io.llmrelay.core.backend.ModelInfo;
import io.llmrelay.core.config.BackendConfig;
import java.util.List;
import java.util.Objects;

/**
 * What one backend contributes to the catalogue at a given moment.
 *
 * @param backend the backend's name
 * @param models its models: discovered, or its static {@code models:} list
 * @param include its own {@code include:} globs over those models' ids ({@code "!glob"} excludes)
 * @param listless true when its list cannot be read (e.g. 401/404 on {@code /models}): it may serve
 *     names nobody lists, so such names are sent to it on trust
 */
public record BackendModels(String backend, List<ModelInfo> models, List<String> include, boolean listless) {

    public BackendModels {
        if (backend == null || backend.isBlank()) {
            throw new IllegalArgumentException("a backend needs a name");
        }
        models = List.copyOf(models);
        include = List.copyOf(include);
    }

    /** A backend whose model list is {@code models}, with its configured {@code include}. */
    public static BackendModels listed(BackendConfig config, List<ModelInfo> models) {
        return new BackendModels(config.name(), models, config.options().include(), false);
    }

    /** A backend whose list cannot be read, with its configured {@code include}. */
    public static BackendModels listless(BackendConfig config) {
        Objects.requireNonNull(config, "config");
        return new BackendModels(config.name(), List.of(), config.options().include(), true);
    }
}
