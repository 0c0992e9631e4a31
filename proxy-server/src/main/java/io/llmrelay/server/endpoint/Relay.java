package io.llmrelay.server.endpoint;

import io.llmrelay.core.api.Clocks;
import io.llmrelay.core.config.RelayConfig;
import io.llmrelay.core.metrics.RelayMetrics;
import io.llmrelay.core.route.LoadedModels;
import io.llmrelay.server.exchange.Draining;
import io.llmrelay.server.exchange.ExchangeContext;
import io.llmrelay.server.fleet.Fleet;
import java.time.Instant;

/**
 * What every endpoint of a running proxy shares: the configuration, the fleet of backends, the
 * clocks, the metrics, the set of recently used models and whether the proxy is draining. Immutable apart from the thread-safe
 * parts it holds.
 */
public final class Relay {

    private final ExchangeContext context;
    private final Fleet fleet;
    private final LoadedModels loadedModels = new LoadedModels();
    private final Instant startedAt;

    public Relay(ExchangeContext context, Fleet fleet) {
        this.context = context;
        this.fleet = fleet;
        this.startedAt = context.clocks().wall().instant();
    }

    public RelayConfig config() {
        return context.config();
    }

    public ExchangeContext context() {
        return context;
    }

    public Fleet fleet() {
        return fleet;
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
