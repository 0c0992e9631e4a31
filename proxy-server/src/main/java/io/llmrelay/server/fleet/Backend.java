package io.llmrelay.server.fleet;

import io.llmrelay.core.api.Clocks;
import io.llmrelay.core.backend.BackendFlavor;
import io.llmrelay.core.balance.AttemptOutcome;
import io.llmrelay.core.balance.Balanced;
import io.llmrelay.core.balance.BackendStats;
import io.llmrelay.core.config.BackendConfig;
import io.llmrelay.core.config.BackendOptions;
import io.llmrelay.core.dialect.Dialect;
import io.llmrelay.core.config.RelayConfig;
import io.llmrelay.core.resilience.BackendResilience;
import io.llmrelay.server.upstream.Origin;
import io.netty.channel.EventLoop;

/**
 * A backend of the fleet at run time: where it is ({@link Origin}: address and pools), which
 * models it serves ({@link ModelCatalog}), whether it answers ({@link BackendHealth}, its probes), its
 * load ({@link BackendStats}: requests in flight, time to first byte, attempt outcomes) and whether it
 * may be routed to ({@link BackendResilience}: health, circuit breaker, {@code Retry-After} hold-off,
 * outlier ejection, slow start), which every event loop and every model it serves share.
 */
public final class Backend implements Balanced {

    private final Origin origin;
    private final ModelCatalog catalog;
    private final BackendHealth health;
    private final BackendStats stats;
    private final Dialect dialect;
    private final BackendResilience resilience;
    private final RecentErrors recentErrors = new RecentErrors();

    /** @param resilience made for this backend by the fleet's {@code FleetResilience} */
    public Backend(Origin origin, RelayConfig relay, EventLoop healthLoop, Clocks clocks, BackendResilience resilience) {
        this.origin = origin;
        this.dialect = Dialect.of(origin.config());
        this.resilience = resilience;
        this.catalog = new ModelCatalog(this, relay, clocks);
        this.health = new BackendHealth(this, healthLoop, relay, clocks);
        this.stats = new BackendStats(clocks::nanoTime);
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
