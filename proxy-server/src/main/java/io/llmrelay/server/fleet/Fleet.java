package io.llmrelay.server.fleet;

import io.llmrelay.core.config.RelayConfig;
import io.llmrelay.core.registry.BackendModels;
import io.llmrelay.core.registry.ModelRegistry;
import io.llmrelay.core.api.Clocks;
import io.llmrelay.core.resilience.FleetResilience;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backends of a running proxy, in configuration order, and the one model catalogue over them
 * ({@link ModelRegistry}) with the {@link Router} that picks a backend for each of its models. The catalogue is an
 * immutable snapshot, rebuilt whenever a backend's model list changes and swapped in; requests
 * read it from any loop without locks.
 *
 * <p>A fleet is one configuration's: its backends, routing, catalogue rules and resilience never
 * change. A reload makes a new fleet ({@link FleetChange}) that the proxy swaps in whole; a request
 * reads the fleet once, when it starts, and keeps it to its end.
 */
public final class Fleet {

    private static final Logger LOG = LoggerFactory.getLogger(Fleet.class);

    private final RelayConfig config;
    private final List<Backend> backends;
    private final Map<String, Backend> byName;
    /** the native Ollama nodes, in configuration order (model management goes to them) */
    private final List<Backend> ollamaNodes;
    private volatile Router router;
    private volatile boolean allTried;
    private final FleetResilience resilience;

    /** @param resilience the one that made each backend's {@code BackendResilience} */
    public Fleet(RelayConfig config, List<Backend> backends, FleetResilience resilience) {
        if (backends.isEmpty()) {
            throw new IllegalArgumentException("at least one backend is required");
        }
        this.config = config;
        this.backends = List.copyOf(backends);
        this.resilience = resilience;
        Map<String, Backend> names = new LinkedHashMap<>();
        for (Backend b : backends) {
            if (names.put(b.name(), b) != null) {
                throw new IllegalArgumentException("two backends are named '" + b.name() + "'");
            }
        }
        this.byName = names;
        List<Backend> nodes = new ArrayList<>();
        for (Backend b : backends) {
            if (b.dialect().speaksOllama()) {
                nodes.add(b);
            }
        }
        this.ollamaNodes = List.copyOf(nodes);
        // listening first: a list that changes while the first router is built is seen by the next build
        for (Backend b : backends) {
            b.catalog().onChange(this::catalogueChanged);
        }
        synchronized (this) {
            if (router == null) {
                router = rebuild();
            }
        }
    }

    /** The configuration this fleet was made from (a reload's, with the settings it cannot change kept as they run). */
    public RelayConfig config() {
        return config;
    }

    public List<Backend> backends() {
        return backends;
    }

    /** The backends that are native Ollama nodes ({@code type: ollama}), in configuration order. */
    public List<Backend> ollamaNodes() {
        return ollamaNodes;
    }

    /** The backend of that name, or null. */
    public Backend named(String name) {
        return byName.get(name);
    }

    /**
     * The resilience state every backend and model group shares: the retry decision (policy, the one
     * retry budget, backoff) and the ejection cap's ledger.
     */
    public FleetResilience resilience() {
        return resilience;
    }

    /** The resilience of a fleet's backends, logging every change of a breaker, ejection or hold. */
    public static FleetResilience resilience(RelayConfig config, Clocks clocks) {
        return new FleetResilience(config.resilience(), clocks, new ResilienceLog());
    }

    /** The catalogue as it is now. */
    public ModelRegistry registry() {
        return router.registry();
    }

    /** The router over the catalogue as it is now. */
    public Router router() {
        return router;
    }

    /**
     * Runs {@code then} on {@code loop} once every backend's list was read or tried: at once in a
     * running proxy; at start-up, after the first reads (a request never waits for a backend that
     * already failed: the health checks bring it back).
     */
    public void whenKnown(EventLoop loop, Runnable then) {
        if (allTried) {
            then.run();
            return;
        }
        List<Backend> untried = new ArrayList<>();
        for (Backend b : backends) {
            if (!b.catalog().tried()) {
                untried.add(b);
            }
        }
        if (untried.isEmpty()) {
            allTried = true; // once tried, a list stays tried: requests stop asking
        }
        awaitReads(loop, untried, Duration.ZERO, then);
    }

    /**
     * Runs {@code then} on {@code loop} after reading again every list older than {@code maxAge} (for
     * listings and for a name nobody lists: a backend may have gained the model a moment ago).
     */
    public void refreshed(EventLoop loop, Duration maxAge, Runnable then) {
        awaitReads(loop, backends, maxAge, then);
    }

    /**
     * The backends whose list was never read because reading it failed (not those that have none to
     * give): a name nobody lists may be theirs.
     */
    public List<Backend> unlisted() {
        List<Backend> out = new ArrayList<>();
        for (Backend b : backends) {
            if (b.catalog().current() == null && b.catalog().lastFailure() != null && !b.catalog().listless()) {
                out.add(b);
            }
        }
        return out;
    }

    /** Runs {@code then} on {@code loop} after trying once more to read the lists of {@code which}. */
    public void reread(EventLoop loop, List<Backend> which, Runnable then) {
        awaitReads(loop, which, Duration.ZERO, then);
    }

    private static void awaitReads(EventLoop loop, List<Backend> which, Duration maxAge, Runnable then) {
        if (which.isEmpty()) {
            then.run();
            return;
        }
        AtomicInteger pending = new AtomicInteger(which.size());
        for (Backend b : which) {
            b.catalog().get(loop, maxAge, (snapshot, failure) -> {
                if (pending.decrementAndGet() == 0) {
                    then.run(); // get() calls back on loop
                }
            });
        }
    }

    /** Probes every backend now and then every health interval; the probes keep the catalogues fresh too. */
    public void startHealthChecks() {
        backends.forEach(b -> b.health().start());
    }

    public void stopHealthChecks() {
        backends.forEach(b -> b.health().stop());
    }

    /** Closes idle backend connections, each on its own loop. */
    public void closeIdle() {
        backends.forEach(b -> b.origin().closeIdle());
    }

    private void catalogueChanged() {
        Router fresh;
        synchronized (this) { // two loops may report at once; the later build sees both lists
            fresh = rebuild();
            router = fresh;
        }
        for (String alias : fresh.registry().unresolvedAliases()) {
            LOG.warn("alias {} matches no model of the fleet (yet)", alias);
        }
    }

    private Router rebuild() {
        List<BackendModels> lists = new ArrayList<>(backends.size());
        for (Backend b : backends) {
            ModelCatalog.Snapshot s = b.catalog().current();
            if (s != null) {
                lists.add(BackendModels.listed(b.config(), s.models()));
            } else if (b.catalog().listless()) {
                lists.add(BackendModels.listless(b.config()));
            }
        }
        ModelRegistry registry = ModelRegistry.build(lists, config.models(), config::describe);
        return new Router(registry, byName, config.routing(), resilience, config.models().fallbacks());
    }
}
