package io.llmrelay.server.fleet;

import io.llmrelay.core.balance.BackendGroup;
import io.llmrelay.core.balance.Selection;
import io.llmrelay.core.config.RoutingConfig;
import io.llmrelay.core.registry.ModelRegistry;
import io.llmrelay.core.registry.ModelRoute;
import io.llmrelay.core.resilience.BackendResilience;
import io.llmrelay.core.resilience.FleetResilience;
import io.llmrelay.core.resilience.GroupHealth;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Picks the backend for one attempt at a model: the route's backends (from the catalogue), then the
 * configured strategy over those that may be routed to and are below their cap. One {@link Group} per
 * catalogue route, built with the catalogue; a new catalogue gets a new router (the backends' state,
 * shared by every router, carries over).
 *
 * <p>Routable first: healthy by its probes, breaker closed (or its half-open trial free), not held off
 * by {@code Retry-After}, not ejected within the model's ejection cap. When none of a model's
 * backends is, those that only fail their probes or are ejected are tried anyway (a backend's own
 * answer beats none); a breaker that is open or a hold-off is always honoured, and so is a reload
 * that removed a backend (a request that began before it keeps its router, never the backend).
 *
 * <p>Thread-safe: any loop may select at once. A selection allocates nothing for a listed model.
 */
public final class Router {

    /** a backend a reload took out of the fleet is never chosen, not even by a request that began before */
    /** in panic too: a retired backend (a reload removed it), one a Retry-After holds off */
    private static final Predicate<Backend> HELD_OFF = b -> b.retired() || b.resilience().heldOff();
    private static final Predicate<Backend> NONE = b -> false;

    /** One route's backends: the strategy's state and the ejection cap, with the routable filter over them. */
    private record Group(BackendGroup<Backend> balance, GroupHealth health, Predicate<Backend> notRoutable) {}

    private final ModelRegistry registry;
    private final Map<String, Backend> backends;
    private final RoutingConfig routing;
    private final FleetResilience resilience;
    private final Map<ModelRoute, Group> groups = new IdentityHashMap<>();
    /** {@code models.fallbacks} resolved against this catalogue: a model's chain, without itself or unknown names. */
    private final Map<ModelRoute, List<ModelRoute>> fallbacks = new IdentityHashMap<>();
    /** Routes made per request (names sent on trust to backends without a list), by backend names. */
    private final Map<List<String>, Group> unlistedGroups = new ConcurrentHashMap<>();

    Router(ModelRegistry registry, Map<String, Backend> backends, RoutingConfig routing, FleetResilience resilience,
            Map<String, List<String>> fallbackChains) {
        this.registry = registry;
        this.backends = backends;
        this.routing = routing;
        this.resilience = resilience;
        for (ModelRoute route : registry.models()) {
            groups.put(route, group(route));
        }
        fallbackChains.forEach((model, chain) -> registry.resolve(model).ifPresent(route -> {
            List<ModelRoute> resolved = new ArrayList<>(chain.size());
            for (String next : chain) {
                registry.resolve(next).filter(r -> r != route && !resolved.contains(r)).ifPresent(resolved::add);
            }
            if (!resolved.isEmpty()) {
                fallbacks.put(route, List.copyOf(resolved));
            }
        }));
    }

    /**
     * The models to try, in order, when no backend of {@code route} can serve ({@code models.fallbacks});
     * empty when it has none.
     */
    public List<ModelRoute> fallbacks(ModelRoute route) {
        return fallbacks.getOrDefault(route, List.of());
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
        Selection<Backend> s = selectRoutable(route, stickyKey, tried);
        return s.result() == Selection.Result.NONE_ELIGIBLE ? selectInPanic(route, stickyKey, tried) : s;
    }

    /** Only among backends that may be routed to now (no panic): what a fallback chain tries first. */
    public Selection<Backend> selectRoutable(ModelRoute route, long stickyKey, Predicate<Backend> tried) {
        Group group = groupOf(route);
        return group.balance.select(stickyKey, tried == NONE ? group.notRoutable : group.notRoutable.or(tried));
    }

    /** Panic: any backend of {@code route} not tried, not retired and not held off by {@code Retry-After}. */
    public Selection<Backend> selectInPanic(ModelRoute route, long stickyKey, Predicate<Backend> tried) {
        return groupOf(route).balance.selectInPanic(stickyKey, tried == NONE ? HELD_OFF : HELD_OFF.or(tried));
    }

    /** True when at least one backend of {@code route} may be routed to now (within the ejection cap). */
    public boolean routable(ModelRoute route) {
        return groupOf(route).health.anyRoutable();
    }

    /**
     * Why no backend of {@code route} could be chosen ({@code name: reason} per backend kept out), and
     * when the first may be back.
     */
    public Unavailable whyUnavailable(ModelRoute route) {
        Group group = groupOf(route);
        StringBuilder why = new StringBuilder();
        long backIn = Long.MAX_VALUE;
        for (Backend b : group.balance.members()) {
            BackendResilience r = b.resilience();
            String reason = b.retired() ? "removed from the configuration" : group.health.reason(r);
            if (reason == null && !b.health().up()) {
                reason = b.health().lastError() != null ? "unhealthy: " + b.health().lastError() : "unhealthy";
            }
            if (reason != null) {
                why.append(why.length() == 0 ? "" : "; ").append(b.name()).append(": ").append(reason);
            }
            backIn = Math.min(backIn, r.backInNanos());
        }
        return new Unavailable(why.toString(), backIn == Long.MAX_VALUE ? 0 : backIn);
    }

    /**
     * @param reasons each backend kept out and why, {@code ; }-separated; empty when none is (all tried, or full)
     * @param backInNanos until the first of them may be tried again; 0: unknown or now
     */
    public record Unavailable(String reasons, long backInNanos) {}

    /** The target of {@code route} on {@code backend}. */
    public static ModelRoute.Target targetOn(ModelRoute route, Backend backend) {
        for (ModelRoute.Target t : route.targets()) {
            if (t.backend().equals(backend.name())) {
                return t;
            }
        }
        throw new IllegalArgumentException(backend.name() + " does not serve " + route.name());
    }

    private Group groupOf(ModelRoute route) {
        Group group = groups.get(route);
        return group != null ? group : unlistedGroups.computeIfAbsent(names(route), n -> group(route));
    }

    private Group group(ModelRoute route) {
        List<Backend> members = new ArrayList<>(route.targets().size());
        List<BackendResilience> states = new ArrayList<>(route.targets().size());
        for (ModelRoute.Target t : route.targets()) {
            Backend b = backends.get(t.backend());
            if (b == null) {
                throw new IllegalStateException("the catalogue names an unknown backend " + t.backend());
            }
            members.add(b);
            states.add(b.resilience());
        }
        GroupHealth health = resilience.group(states);
        return new Group(BackendGroup.of(members, routing), health,
                b -> b.retired() || !health.routable(b.resilience()));
    }

    private static List<String> names(ModelRoute route) {
        List<String> names = new ArrayList<>(route.targets().size());
        route.targets().forEach(t -> names.add(t.backend()));
        return names;
    }
}
