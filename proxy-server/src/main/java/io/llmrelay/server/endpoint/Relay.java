package io.llmrelay.server.endpoint;

import io.llmrelay.core.api.Clocks;
import io.llmrelay.core.config.RelayConfig;
import io.llmrelay.core.metrics.RelayMetrics;
import io.llmrelay.core.route.LoadedModels;
import io.llmrelay.server.exchange.Draining;
import io.llmrelay.server.exchange.ExchangeContext;
import io.llmrelay.server.fleet.Fleet;
import java.time.Instant;
import java.util.Objects;

/**
 * What every endpoint of a running proxy shares: the fleet of backends with its configuration, the
 * clocks, the metrics, the set of recently used models and whether the proxy is draining. The fleet is one volatile reference to an
 * immutable fleet that a configuration reload replaces whole: a request reads {@link #fleet()} once
 * when it starts and keeps that fleet (its backends, router, settings) to its end.
 */
public final class Relay {

    private final ExchangeContext context;
    private volatile Fleet fleet;
    private volatile Reloader reloader = Reloader.NONE;
    private final LoadedModels loadedModels = new LoadedModels();
    private final Instant startedAt;

    public Relay(ExchangeContext context, Fleet fleet) {
        this.context = context;
        this.fleet = fleet;
        this.startedAt = context.clocks().wall().instant();
    }

    /** The configuration in force now: the current fleet's (read the fleet once per request instead). */
    public RelayConfig config() {
        return fleet.config();
    }

    public ExchangeContext context() {
        return context;
    }

    /** The fleet as it is now; a request reads it once, when it starts. */
    public Fleet fleet() {
        return fleet;
    }

    /** Swaps in a reloaded configuration's fleet; requests already running keep the one they read. */
    public void install(Fleet next) {
        this.fleet = Objects.requireNonNull(next, "fleet");
    }

    /** What {@code POST /internal/reload} calls. */
    public Reloader reloader() {
        return reloader;
    }

    public void reloader(Reloader reloader) {
        this.reloader = Objects.requireNonNull(reloader, "reloader");
    }

    public Clocks clocks() {
        return context.clocks();
    }

    public LoadedModels loadedModels() {
        return loadedModels;
    }

    /** Whether the proxy is stopping: readiness says so from the first moment. */
    public Draining draining() {
        return context.draining();
    }

    public RelayMetrics metrics() {
        return context.metrics();
    }

    /** Shown as the modification time of models whose backend gives none. */
    public Instant startedAt() {
        return startedAt;
    }
}
