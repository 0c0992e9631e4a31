package io.llmrelay.server.exchange;

import io.llmrelay.core.api.Clocks;
import io.llmrelay.core.config.RelayConfig;
import io.llmrelay.core.metrics.RelayMetrics;
import java.util.Objects;

/**
 * What every exchange of a running proxy shares: the configuration (timeouts, CORS), the clocks, the
 * metrics and whether the proxy is draining. Immutable; the metrics and the drain flag are
 * thread-safe by design.
 */
public record ExchangeContext(RelayConfig config, Clocks clocks, RelayMetrics metrics, Draining draining) {

    public ExchangeContext {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(clocks, "clocks");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(draining, "draining");
    }

    /** A proxy that is not draining. */
    public ExchangeContext(RelayConfig config, Clocks clocks, RelayMetrics metrics) {
        this(config, clocks, metrics, new Draining());
    }
}
