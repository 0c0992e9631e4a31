package io.llmrelay.core.config;

import io.llmrelay.core.backend.ModelOverride;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads {@code models:}: the catalogue's aliases, include globs, filter and mapping files, the
 * operator's capabilities and context lengths by glob (as {@code --model-capabilities} and
 * {@code --model-context} write them), and the fallback chains.
 */
final class ModelsSection {

    static final List<String> KEYS = List.of("aliases", "include", "filter_file", "mapping_file", "capabilities",
            "context", "fallbacks");

    /**
     * @param models the catalogue settings
     * @param overrides capabilities first, then context lengths, each in the file's order
     */
    record Result(ModelsConfig models, List<ModelOverride> overrides) {}

    private ModelsSection() {}

    /** {@code backendNames}: the file's backends, which {@code backend/model} alias targets must name. */
    static Result read(ConfigValue value, ConfigSource source, Map<String, Integer> backendNames) {
        if (value == null) {
            return new Result(ModelsConfig.none(), List.of());
        }
        ConfigSection s = value.section(KEYS);
        ConfigValue filterKey = s.get("filter_file");
        ConfigValue mappingKey = s.get("mapping_file");
        Path filterFile = path(filterKey, source);
        Path mappingFile = path(mappingKey, source);
        ModelsConfig models = new ModelsConfig(
                aliases(s.get("aliases"), backendNames),
                ModelPatterns.read(s.get("include")),
                filterFile,
                filterFile == null ? List.of() : FilterFile.read(filterKey, filterFile),
                mappingFile,
                mappingFile == null ? Map.of() : MappingFile.read(mappingKey, mappingFile),
                FallbackChains.read(s.get("fallbacks")));
        List<ModelOverride> overrides = new ArrayList<>(capabilities(s.get("capabilities")));
        overrides.addAll(contexts(s.get("context")));
        return new Result(models, List.copyOf(overrides));
    }

    private static Path path(ConfigValue v, ConfigSource source) {
        String written = v == null ? null : v.optional();
        return written == null ? null : source.resolve(written);
    }

    private static Map<String, List<String>> aliases(ConfigValue v, Map<String, Integer> backendNames) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (v == null) {
            return out;
        }
        for (Map.Entry<String, ConfigValue> e : v.entries().entrySet()) {
            ConfigValue targets = e.getValue();
            if (e.getKey().isBlank() || e.getKey().chars().anyMatch(Character::isWhitespace)) {
                targets.problem("an alias is a model name clients send: no spaces");
                continue;
            }
            List<ConfigValue> items = targets.items();
            if (targets.isList() && items.isEmpty()) {
                targets.problem("needs the models it stands for, e.g. [qwen3:8b, gpu-1/Qwen/Qwen3-8B]");
            }
            List<String> models = new ArrayList<>();
            for (ConfigValue target : items) {
                String model = target.nonBlank();
                String problem = model == null ? null : targetProblem(model, backendNames);
                if (problem != null) {
                    target.problem(problem);
                } else if (model != null) {
                    models.add(model);
                }
            }
            out.put(e.getKey(), models);
        }
        return out;
    }

    /**
     * A target is {@code model} or {@code backend/model}. Model ids may hold a slash themselves
     * ({@code Qwen/Qwen3-8B}), so a first part that is no backend's name is part of a model id, unless it
     * is so close to a backend's name that it is a typo for one.
     */
    private static String targetProblem(String target, Map<String, Integer> backendNames) {
        int slash = target.indexOf('/');
        if (slash == 0) {
            return "'" + target + "' has nothing before its '/': write model or backend/model";
        }
        if (slash < 0) {
            return null;
        }
        String backend = target.substring(0, slash);
        if (backendNames.containsKey(backend)) {
            return slash == target.length() - 1 ? "'" + target + "' names no model after the backend" : null;
        }
        Optional<String> meant = ClosestName.to(backend, backendNames.keySet());
        return meant.map(m -> "'" + target + "': there is no backend '" + backend + "'; did you mean '" + m + "/"
                + target.substring(slash + 1) + "'? (backends: " + String.join(", ", backendNames.keySet()) + ")")
                .orElse(null);
    }

    private static List<ModelOverride> capabilities(ConfigValue v) {
        List<ModelOverride> out = new ArrayList<>();
        if (v == null) {
            return out;
        }
        for (Map.Entry<String, ConfigValue> e : v.entries().entrySet()) {
            String glob = e.getKey().trim();
            ConfigValue value = e.getValue();
            String list = value.isScalar() ? value.nonBlank() : String.join(",", value.texts());
            if (glob.isEmpty() || glob.contains("=")) {
                value.problem("a model glob, e.g. \"qwen3*\", cannot be empty or hold '='");
            } else if (list != null && list.isBlank()) {
                value.problem("needs capabilities: a list that replaces the backend's, e.g. [completion, tools], "
                        + "or +name/-name that adjust them, e.g. [+thinking, -tools]");
            } else if (list != null && list.contains("=")) {
                value.problem("capabilities are names such as tools or +thinking, not '" + list + "'");
            } else if (list != null) {
                try {
                    out.add(ModelOverride.capabilities(glob + "=" + list));
                } catch (IllegalArgumentException ex) {
                    value.problem(ex.getMessage());
                }
            }
        }
        return out;
    }

    private static List<ModelOverride> contexts(ConfigValue v) {
        List<ModelOverride> out = new ArrayList<>();
        if (v == null) {
            return out;
        }
        for (Map.Entry<String, ConfigValue> e : v.entries().entrySet()) {
            String glob = e.getKey().trim();
            ConfigValue value = e.getValue();
            int tokens = value.integer(1, Integer.MAX_VALUE, 0);
            if (glob.isEmpty() || glob.contains("=")) {
                value.problem("a model glob, e.g. \"gpt-4o*\", cannot be empty or hold '='");
            } else if (tokens > 0) {
                out.add(ModelOverride.contextLength(glob + "=" + tokens));
            }
        }
        return out;
    }
}
