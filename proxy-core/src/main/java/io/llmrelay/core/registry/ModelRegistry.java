package io.llmrelay.core.registry;

import io.llmrelay.core.api.ModelNames;
import io.llmrelay.core.backend.ModelInfo;
import io.llmrelay.core.config.ModelsConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The fleet's one model catalogue: every public model name and the backends that serve it, after
 * each backend's {@code include}, the name {@code mapping}, the {@code aliases} and the catalogue's
 * own filters (see {@link CatalogueBuilder} for the order). A model served by three backends is one
 * entry with three targets.
 *
 * <p>An immutable snapshot: rebuild it (off the request path) whenever a backend's model list changes
 * and swap the reference. Lookups are hash-map reads and safe from any thread.
 *
 * <p>Names resolve as Ollama resolves them, on every route: case does not matter and {@code name} is
 * {@code name:latest}, so a listed {@code demo:latest} answers a request for {@code demo}, and a listed
 * {@code Qwen/Qwen3-8B} one for {@code Qwen/Qwen3-8B:latest}. The exact name is tried first.
 */
public final class ModelRegistry {

    /** No backend, no model. */
    public static final ModelRegistry EMPTY = build(List.of(), ModelsConfig.none());

    private final List<ModelRoute> models;
    private final Map<String, ModelRoute> byExactName;
    private final Map<String, ModelRoute> byKey;
    private final ListlessFallback fallback;
    private final List<String> unresolvedAliases;

    ModelRegistry(List<ModelRoute> models, ListlessFallback fallback, List<String> unresolvedAliases) {
        this.models = List.copyOf(models);
        this.fallback = fallback;
        this.unresolvedAliases = List.copyOf(unresolvedAliases);
        Map<String, ModelRoute> exact = new HashMap<>(models.size() * 4);
        Map<String, ModelRoute> keyed = new HashMap<>(models.size() * 2);
        for (ModelRoute r : models) {
            exact.putIfAbsent(r.name(), r);
            exact.putIfAbsent(ModelNames.ollamaName(r.name()), r); // as listings show it: the common request
            keyed.put(ModelKeys.of(r.name()), r);
        }
        this.byExactName = exact;
        this.byKey = keyed;
    }

    /**
     * The catalogue of {@code backends} (in config order) under the rules of {@code models}. Names sent to
     * a backend without a list are described by a guess from the name.
     *
     * @throws IllegalArgumentException when the rules contradict themselves (two backends of one name, an
     *     empty pattern, a mapping or alias name given twice)
     */
    public static ModelRegistry build(List<BackendModels> backends, ModelsConfig models) {
        return build(backends, models, UnaryOperator.identity());
    }

    /**
     * As {@link #build(List, ModelsConfig)}, with {@code describeUnlisted} completing the guess made for a
     * name sent to a backend without a list (e.g. the operator's capability and context overrides).
     */
    public static ModelRegistry build(List<BackendModels> backends, ModelsConfig models,
            UnaryOperator<ModelInfo> describeUnlisted) {
        Objects.requireNonNull(models, "models");
        Objects.requireNonNull(describeUnlisted, "describeUnlisted");
        return new CatalogueBuilder(backends, models, describeUnlisted).build();
    }

    /**
     * The model a client means by {@code requested} and where it can go. A name nobody lists goes to the
     * backends without a list (if any let it through); otherwise it is empty, which is a 404.
     */
    public Optional<ModelRoute> resolve(String requested) {
        Objects.requireNonNull(requested, "requested");
        ModelRoute found = byExactName.get(requested);
        if (found == null) {
            found = byKey.get(ModelKeys.of(requested));
        }
        if (found != null) {
            return Optional.of(found);
        }
        return fallback.none() ? Optional.empty() : fallback.route(requested);
    }

    /**
     * Every listed model in the order the fleet shows them: backends in config order, each one's list in
     * its own order, then aliases; for {@code /api/tags}, {@code /v1/models} and the like.
     */
    public List<ModelRoute> models() {
        return models;
    }

    /** Aliases that stand for nothing the fleet lists now: listed nowhere, worth a warning. */
    public List<String> unresolvedAliases() {
        return unresolvedAliases;
    }

    @Override
    public String toString() {
        return "ModelRegistry[" + models.size() + " models" + (fallback.none() ? "" : ", unlisted names go to backends without a list")
                + "]";
    }
}
