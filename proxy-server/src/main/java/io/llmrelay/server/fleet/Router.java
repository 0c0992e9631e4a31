package io.llmrelay.server.fleet;

import io.llmrelay.core.balance.BackendGroup;
import io.llmrelay.core.balance.Selection;
import io.llmrelay.core.config.RoutingConfig;
import io.llmrelay.core.registry.ModelRegistry;
import io.llmrelay.core.registry.ModelRoute;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Picks the backend for one attempt at a model: the route's backends (from the catalogue), then
 * the configured strategy over those that are up and below their cap. One {@link BackendGroup} per
 * catalogue route, built with the catalogue; a new catalogue gets a new router.
 *
 * <p>Thread-safe: any loop may select at once. A selection allocates nothing for a listed model.
 */
public final class Router {

    /** Healthy first; when none is, every backend is tried anyway (its own answer is better than none). */
    private static final Predicate<Backend> DOWN = b -> !b.health().up();
    private static final Predicate<Backend> NONE = b -> false;

    private final ModelRegistry registry;
    private final Map<String, Backend> backends;
    private final RoutingConfig routing;
    private final Map<ModelRoute, BackendGroup<Backend>> groups = new IdentityHashMap<>();
    /** Routes made per request (names sent on trust to backends without a list), by backend names. */
    private final Map<List<String>, BackendGroup<Backend>> unlistedGroups = new ConcurrentHashMap<>();

    Router(ModelRegistry registry, Map<String, Backend> backends, RoutingConfig routing) {
        this.registry = registry;
        this.backends = backends;
        this.routing = routing;
        for (ModelRoute route : registry.models()) {
            groups.put(route, BackendGroup.of(members(route), routing));
        }
    }

    public ModelRegistry registry() {
        return registry;
    }

    /** The backend to try for {@code route}, its slot taken; or why there is none. */
    public Selection<Backend> select(ModelRoute route, long stickyKey) {
        return select(route, stickyKey, NONE);
    }

    /** As {@link #select(ModelRoute, long)}, never choosing a backend {@code tried} names (one that failed this request). */
    public Selection<Backend> select(ModelRoute route, long stickyKey, Predicate<Backend> tried) {
        BackendGroup<Backend> group = groups.get(route);
        if (group == null) {
            group = unlistedGroups.computeIfAbsent(names(route), n -> BackendGroup.of(members(route), routing));
        }
        Selection<Backend> s = group.select(stickyKey, tried == NONE ? DOWN : DOWN.or(tried));
        return s.result() == Selection.Result.NONE_ELIGIBLE ? group.select(stickyKey, tried) : s;
    }

    /** The target of {@code route} on {@code backend}. */
    public static ModelRoute.Target targetOn(ModelRoute route, Backend backend) {
        for (ModelRoute.Target t : route.targets()) {
            if (t.backend().equals(backend.name())) {
                return t;
            }
        }
        throw new IllegalArgumentException(backend.name() + " does not serve " + route.name());
    }

    private List<Backend> members(ModelRoute route) {
        List<Backend> members = new ArrayList<>(route.targets().size());
        for (ModelRoute.Target t : route.targets()) {
            Backend b = backends.get(t.backend());
            if (b == null) {
                throw new IllegalStateException("the catalogue names an unknown backend " + t.backend());
            }
            members.add(b);
        }
        return members;
    }

    private static List<String> names(ModelRoute route) {
        List<String> names = new ArrayList<>(route.targets().size());
        route.targets().forEach(t -> names.add(t.backend()));
        return names;
    }
}
