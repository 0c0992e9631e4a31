package io.llmrelay.core.registry;

import io.llmrelay.core.api.ModelNames;
import io.llmrelay.core.backend.ModelInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * Where a name nobody lists goes: to every backend whose list cannot be read and whose
 * {@code include} lets it through, each receiving the name as it would be sent without a list
 * (the mapping's backend id, else the name without the {@code :latest} a client added). The
 * catalogue's own filters still apply, so a name hidden from listings is not served this way either.
 */
final class ListlessFallback {

    /** A backend that gives no list, with its own filter. */
    record Listless(String backend, NameFilter include) {}

    private final List<Listless> backends;
    private final Map<String, String> mappingByKey;
    private final Predicate<String> catalogueKeeps;
    private final UnaryOperator<ModelInfo> describeUnlisted;

    ListlessFallback(List<Listless> backends, Map<String, String> mappingByKey, Predicate<String> catalogueKeeps,
            UnaryOperator<ModelInfo> describeUnlisted) {
        this.backends = List.copyOf(backends);
        this.mappingByKey = Map.copyOf(mappingByKey);
        this.catalogueKeeps = catalogueKeeps;
        this.describeUnlisted = describeUnlisted;
    }

    boolean none() {
        return backends.isEmpty();
    }

    /** The id a backend without a list receives for {@code name}. */
    String sentFor(String name) {
        String mapped = mappingByKey.get(ModelKeys.of(name));
        return mapped != null ? mapped : ModelNames.withoutLatestTag(name);
    }

    /** A target on {@code backend} for {@code name}, or null when its filter keeps the name out. */
    ModelRoute.Target target(Listless backend, String name) {
        String sent = sentFor(name);
        return backend.include().keeps(sent)
                ? new ModelRoute.Target(backend.backend(), sent, describeUnlisted.apply(ModelInfo.unlisted(sent)), false)
                : null;
    }

    Optional<ModelRoute> route(String requested) {
        if (backends.isEmpty() || requested.isEmpty() || !catalogueKeeps.test(requested)) {
            return Optional.empty();
        }
        List<ModelRoute.Target> targets = new ArrayList<>(backends.size());
        for (Listless b : backends) {
            ModelRoute.Target t = target(b, requested);
            if (t != null) {
                targets.add(t);
            }
        }
        if (targets.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new ModelRoute(requested, describeUnlisted.apply(ModelInfo.unlisted(requested)), targets));
    }
}
