package io.llmrelay.core.registry;

import io.llmrelay.core.api.ModelNames;
import io.llmrelay.core.backend.ModelDetails;
import io.llmrelay.core.backend.ModelInfo;
import io.llmrelay.core.config.ModelsConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Builds a {@link ModelRegistry}, in this order:
 * <ol>
 *   <li>each backend's models pass its own {@code include} (over its ids);</li>
 *   <li>each model gets its public name: the {@code mapping} key whose value is its id, else its id;</li>
 *   <li>models of the same public name (by {@link ModelKeys}) become one entry, one target per backend
 *       in config order (a backend listing both {@code x} and {@code x:latest} serves the first);</li>
 *   <li>aliases are resolved against those entries (so an alias may name a model the filters hide) and
 *       replace an entry of the same name;</li>
 *   <li>{@code models.include} and the filter file keep or drop every public name, aliases included.</li>
 * </ol>
 */
final class CatalogueBuilder {


    private final List<BackendModels> backends;
    private final ModelsConfig config;
    private final UnaryOperator<ModelInfo> describeUnlisted;
    /** key of a backend id → the public names the mapping gives it. */
    private final Map<String, List<String>> mappedNames = new HashMap<>();
    /** key of a public name → the backend id the mapping sends. */
    private final Map<String, String> mappingByKey = new HashMap<>();
    private final Set<String> backendNames = new HashSet<>();
    /** per backend: key of a public name or of an id → its target there, for aliases that pin a backend. */
    private final Map<String, Map<String, ModelRoute.Target>> targetsByBackend = new HashMap<>();
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private final List<String> unresolvedAliases = new ArrayList<>();

    /** One public model while it is being gathered: its targets, one per backend, in config order. */
    private static final class Entry {
        final String name;
        final Map<String, ModelRoute.Target> targets = new LinkedHashMap<>();

        Entry(String name) {
            this.name = name;
        }

        void add(ModelRoute.Target t) {
            targets.putIfAbsent(t.backend(), t);
        }
    }

    CatalogueBuilder(List<BackendModels> backends, ModelsConfig config, UnaryOperator<ModelInfo> describeUnlisted) {
        this.backends = List.copyOf(backends);
        this.config = config;
        this.describeUnlisted = describeUnlisted;
    }

    ModelRegistry build() {
        readMapping();
        List<ListlessFallback.Listless> listless = new ArrayList<>();
        for (BackendModels b : backends) {
            if (!backendNames.add(b.backend())) {
                throw new IllegalArgumentException("two backends are named '" + b.backend() + "'; names must be unique");
            }
            NameFilter include = NameFilter.of(b.include());
            if (b.listless()) {
                listless.add(new ListlessFallback.Listless(b.backend(), include));
            }
            gather(b, include);
        }
        NameFilter include = NameFilter.of(config.include());
        NameFilter filter = NameFilter.of(config.filter());
        ListlessFallback fallback = new ListlessFallback(listless, mappingByKey,
                name -> include.keeps(name) && filter.keeps(name), describeUnlisted);
        Map<String, Entry> all = new LinkedHashMap<>(entries);
        addAliases(all, fallback, listless);
        List<ModelRoute> routes = new ArrayList<>(all.size());
        for (Entry e : all.values()) {
            if (include.keeps(e.name) && filter.keeps(e.name)) {
                List<ModelRoute.Target> targets = List.copyOf(e.targets.values());
                routes.add(new ModelRoute(e.name, listing(e.name, targets), targets));
            }
        }
        return new ModelRegistry(routes, fallback, unresolvedAliases);
    }

    private void readMapping() {
        for (Map.Entry<String, String> m : config.mapping().entrySet()) {
            String name = m.getKey();
            String id = m.getValue();
            if (name == null || name.isBlank() || id == null || id.isBlank()) {
                throw new IllegalArgumentException("model mapping '" + name + "' → '" + id
                        + "': both the public name and the backend's model id are required");
            }
            String before = mappingByKey.putIfAbsent(ModelKeys.of(name), id);
            if (before != null) {
                throw new IllegalArgumentException("model mapping names '" + name + "' twice (names ignore case, and"
                        + " 'x' is 'x:latest'): it cannot mean both '" + before + "' and '" + id + "'");
            }
            mappedNames.computeIfAbsent(ModelKeys.of(id), k -> new ArrayList<>(1)).add(name);
        }
    }

    private void gather(BackendModels b, NameFilter include) {
        Map<String, ModelRoute.Target> mine = targetsByBackend.computeIfAbsent(b.backend(), k -> new HashMap<>());
        for (ModelInfo m : b.models()) {
            if (!include.keeps(m.id())) {
                continue;
            }
            ModelRoute.Target target = new ModelRoute.Target(b.backend(), m.id(), m, true);
            mine.putIfAbsent(ModelKeys.of(m.id()), target);
            for (String name : mappedNames.getOrDefault(ModelKeys.of(m.id()), List.of(m.id()))) {
                mine.putIfAbsent(ModelKeys.of(name), target);
                entries.computeIfAbsent(ModelKeys.of(name), k -> new Entry(name)).add(target);
            }
        }
    }

    private void addAliases(Map<String, Entry> all, ListlessFallback fallback, List<ListlessFallback.Listless> listless) {
        Map<String, String> aliasKeys = new HashMap<>();
        for (Map.Entry<String, List<String>> a : config.aliases().entrySet()) {
            String name = a.getKey();
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("an alias needs a name");
            }
            String before = aliasKeys.putIfAbsent(ModelKeys.of(name), name);
            if (before != null) {
                throw new IllegalArgumentException("aliases '" + before + "' and '" + name + "' name the same model"
                        + " (names ignore case, and 'x' is 'x:latest')");
            }
            Entry alias = new Entry(name);
            for (String ref : a.getValue()) {
                if (ref == null || ref.isBlank()) {
                    throw new IllegalArgumentException("alias '" + name + "' has an empty entry; write a model or backend/model");
                }
                for (ModelRoute.Target t : refer(ref.trim(), fallback, listless)) {
                    alias.add(t);
                }
            }
            if (alias.targets.isEmpty()) {
                unresolvedAliases.add(name); // listed nowhere; the name is as unknown as any other
            } else {
                all.put(ModelKeys.of(name), alias);
            }
        }
    }

    /**
     * What one alias entry stands for: {@code backend/model} pins that backend (the model named by its
     * public name or its id there; on a backend without a list, sent on trust); anything else is a model
     * of the catalogue, with all its targets, or else a backend id (one the mapping lists under another
     * name) on every backend that has it. A model id that contains a slash ({@code Qwen/Qwen3-8B}) is a
     * pin only when the part before the slash names a backend that has the rest.
     */
    private List<ModelRoute.Target> refer(String ref, ListlessFallback fallback, List<ListlessFallback.Listless> listless) {
        int slash = ref.indexOf('/');
        if (slash > 0 && slash < ref.length() - 1) {
            String backend = ref.substring(0, slash);
            String model = ref.substring(slash + 1);
            Map<String, ModelRoute.Target> there = targetsByBackend.get(backend);
            ModelRoute.Target pinned = there == null ? null : there.get(ModelKeys.of(model));
            if (pinned != null) {
                return List.of(pinned);
            }
            for (ListlessFallback.Listless l : listless) {
                if (l.backend().equals(backend)) {
                    ModelRoute.Target trusted = fallback.target(l, model);
                    if (trusted != null) {
                        return List.of(trusted);
                    }
                }
            }
        }
        Entry e = entries.get(ModelKeys.of(ref));
        if (e != null) {
            return List.copyOf(e.targets.values());
        }
        List<ModelRoute.Target> byId = new ArrayList<>(); // a backend id the mapping lists under another name
        for (BackendModels b : backends) {
            ModelRoute.Target t = targetsByBackend.get(b.backend()).get(ModelKeys.of(ref));
            if (t != null) {
                byId.add(t);
            }
        }
        return byId;
    }

    /** The first target's description under the public name, with an Ollama node's own digest and details if any target has them. */
    private static ModelInfo listing(String name, List<ModelRoute.Target> targets) {
        ModelInfo first = targets.get(0).info();
        ModelInfo out = first.withId(name);
        for (ModelRoute.Target t : targets) { // an Ollama node's own details are kept as the node says them
            ModelInfo node = t.info();
            if (node.details().hasDigest()) {
                out = out.withDetails(node.details());
                out = out.created() > 0 ? out : out.withCreated(node.created());
                break;
            }
        }
        for (ModelRoute.Target t : targets) { // what the first backend does not say, another may
            ModelInfo other = t.info();
            if (out.contextLength() == 0 && other.contextLength() > 0) {
                out = out.withContext(other.contextLength(), other.loadedContextLength());
            }
            if (out.details().equals(ModelDetails.UNKNOWN) && !other.details().equals(ModelDetails.UNKNOWN)) {
                out = out.withDetails(other.details());
            }
        }
        return named(out, first.id());
    }

    /**
     * A model listed under another name (an alias, a mapping) keeps its family and size: they are
     * guessed from the model's own id, not from the name a client uses.
     */
    private static ModelInfo named(ModelInfo listing, String modelId) {
        ModelDetails d = listing.details();
        if (listing.id().equals(modelId) || !d.family().isEmpty()) {
            return listing;
        }
        String family = ModelNames.family(modelId);
        String size = d.parameterSize().isEmpty() ? ModelNames.parameterSize(modelId) : d.parameterLabel();
        return listing.withDetails(new ModelDetails(d.sizeBytes(), d.format(), d.quantization(), d.parameterCount(),
                size, d.digest(), family, family.isEmpty() ? List.of() : List.of(family), d.parentModel()));
    }
}
