package io.llmrelay.core.config;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the fleet's one catalogue shows ({@code models:} in the config file). Capabilities and
 * context lengths by glob are {@link RelayConfig#modelOverrides()}.
 *
 * @param aliases a public name → the models it stands for, each {@code model} or {@code backend/model}, in order of preference
 * @param include globs over the whole catalogue, {@code "!glob"} excludes; empty keeps everything
 * @param filterFile where {@code filter} was read from (for display); null for none
 * @param filter the filter file's lines: one name or glob each ({@code "!glob"} excludes); empty keeps everything
 * @param mappingFile where {@code mapping} was read from (for display); null for none
 * @param mapping a public (Ollama-style) name → the backend's model id
 * @param fallbacks a public name → the models to try, in order, when no backend of it can serve
 */
public record ModelsConfig(Map<String, List<String>> aliases, List<String> include, Path filterFile,
        List<String> filter, Path mappingFile, Map<String, String> mapping, Map<String, List<String>> fallbacks) {

    /** Catalogue rules without fallback chains. */
    public ModelsConfig(Map<String, List<String>> aliases, List<String> include, Path filterFile,
            List<String> filter, Path mappingFile, Map<String, String> mapping) {
        this(aliases, include, filterFile, filter, mappingFile, mapping, Map.of());
    }

    public ModelsConfig {
        aliases = copy(aliases);
        fallbacks = copy(fallbacks);
        include = List.copyOf(include);
        filter = List.copyOf(filter);
        mapping = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(mapping));
    }

    private static Map<String, List<String>> copy(Map<String, List<String>> lists) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        lists.forEach((k, v) -> out.put(k, List.copyOf(v)));
        return java.util.Collections.unmodifiableMap(out);
    }

    public static ModelsConfig none() {
        return new ModelsConfig(Map.of(), List.of(), null, List.of(), null, Map.of());
    }
}
