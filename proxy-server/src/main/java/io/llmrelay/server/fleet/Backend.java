package io.llmrelay.server.fleet;

import io.llmrelay.core.api.Clocks;
import io.llmrelay.core.backend.BackendFlavor;
import io.llmrelay.core.balance.AttemptOutcome;
import io.llmrelay.core.balance.Balanced;
import io.llmrelay.core.balance.BackendStats;
import io.llmrelay.core.config.BackendConfig;
import io.llmrelay.core.config.BackendOptions;
import io.llmrelay.core.config.BackendTimeouts;
import io.llmrelay.core.dialect.Dialect;
import io.llmrelay.core.config.RelayConfig;
import io.llmrelay.core.resilience.ActiveHealth;
import io.llmrelay.core.resilience.BackendResilience;
import io.llmrelay.server.upstream.Origin;
import io.netty.channel.EventLoop;

/**
 * A backend of the fleet at run time: where it is ({@link Origin}: address and pools), which
 * models it serves ({@link ModelCatalog}), whether it answers ({@link BackendHealth}, its probes), its
 * load ({@link BackendStats}: requests in flight, time to first byte, attempt outcomes) and whether it
 * may be routed to ({@link BackendResilience}: health, circuit breaker, {@code Retry-After} hold-off,
 * outlier ejection, slow start), which every event loop and every model it serves share.
 *
 * <p>A configuration reload keeps a backend whose own settings did not change, with all of that
 * state ({@link #reconfigure}), and retires one that left the fleet ({@link #retire}).
 */
public final class Backend implements Balanced {

    private final Origin origin;
    private final ModelCatalog catalog;
    private final BackendHealth health;
    private final BackendStats stats;
    private final Dialect dialect;
    private final BackendTimeouts.Resolved timeouts;
    /** replaced only by a reload that changes the settings it was made with ({@link #reconfigure}) */
    private volatile BackendResilience resilience;
    private volatile boolean retired;
    private final RecentErrors recentErrors = new RecentErrors();

    /** @param resilience made for this backend by the fleet's {@code FleetResilience} */
    public Backend(Origin origin, RelayConfig relay, EventLoop healthLoop, Clocks clocks, BackendResilience resilience) {
        this.origin = origin;
        this.dialect = Dialect.of(origin.config());
        this.resilience = resilience;
        this.timeouts = origin.config().options().timeouts().resolve(relay.timeouts());
        this.catalog = new ModelCatalog(this, relay, clocks);
        this.health = new BackendHealth(this, healthLoop, relay, clocks);
        this.stats = new BackendStats(clocks::nanoTime);
    }

    /**
     * This backend's time limits: its own {@code timeouts}, each one it does not set the proxy's. Fixed
     * for its life: a reload that changes them makes a new backend (the connect limit is part of its
     * connection pools).
     */
    public BackendTimeouts.Resolved timeouts() {
        return timeouts;
    }

    /**
     * Takes the fleet-wide settings of a reloaded configuration that this backend applies itself:
     * model overrides (its catalogue is described again at once), the health-check period, deadline
     * and path, the model-list refresh. With {@code resilience} non-null (the health fall/rise, slow
     * start, breaker or outlier settings changed), its resilience state is replaced by that fresh one,
     * which takes over the probes' verdict; breaker, hold-off, ejection and ramp start clean.
     */
    void reconfigure(RelayConfig next, BackendResilience fresh) {
        if (fresh != null) {
            ActiveHealth.State verdict = resilience.health();
            if (verdict != ActiveHealth.State.UNKNOWN) {
                fresh.probe(verdict == ActiveHealth.State.HEALTHY); // a first verdict decides at once, without a ramp
            }
            resilience = fresh;
        }
        catalog.reconfigure(next);
        health.reconfigure(next);
    }

    /**
     * Takes the backend out of the fleet (a reload removed or replaced it): routers pass over it from
     * now on, its health checks stop, its idle connections close, and each busy one closes when its
     * answer has ended.
     */
    void retire() {
        retired = true;
        catalog.onChange(() -> {});
        health.stop();
        origin.retire();
    }

    /** True once a reload has taken it out of the fleet. */
    public boolean retired() {
        return retired;
    }

    /** Slow start: below 1 while the backend ramps up after recovering. */
    @Override
    public double share() {
        return resilience.share();
    }

    /** The breaker's say once this backend is chosen: false when its one half-open trial is another's. */
    @Override
    public boolean admit() {
        return resilience.admit();
    }

    /**
     * Gives back a slot a selection took but no attempt used (the client left, the retry budget said
     * no), with the breaker's half-open trial if this selection held it.
     */
    public void giveBack() {
        stats.release();
        resilience.record(AttemptOutcome.CANCELLED);
    }

    public BackendResilience resilience() {
        return resilience;
    }

    /** Its last failed attempts, for {@code /internal/status}. */
    public RecentErrors recentErrors() {
        return recentErrors;
    }

    @Override
    public BackendOptions options() {
        return origin.config().options();
    }

    @Override
    public BackendStats stats() {
        return stats;
    }

    public Origin origin() {
        return origin;
    }

    public BackendConfig config() {
        return origin.config();
    }

    @Override
    public String name() {
        return origin.name();
    }

    /** The backend as error messages name it: {@code name (url)}. */
    public String describe() {
        return origin.describe();
    }

    /** The server type: as configured, or as the server showed itself once its list was read. */
    public BackendFlavor flavor() {
        if (config().detectFlavor()) {
            ModelCatalog.Snapshot s = catalog.current();
            if (s != null) {
                return s.flavor();
            }
        }
        return config().flavor();
    }

    /** The API it speaks: where its routes are, how it lists models, whether Ollama requests pass through. */
    public Dialect dialect() {
        return dialect;
    }

    public ModelCatalog catalog() {
        return catalog;
    }

    public BackendHealth health() {
        return health;
    }

    /**
     * Can serve now: it answers its probes, its model list was read (or it has none to give), and
     * nothing keeps it out (breaker, {@code Retry-After}, ejection).
     */
    public boolean ready() {
        return health.up() && (catalog.current() != null || catalog.listless()) && resilience.routable();
    }
}
