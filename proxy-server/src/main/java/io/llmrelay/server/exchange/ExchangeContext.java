package io.llmrelay.server.exchange;

import io.llmrelay.core.api.Clocks;
import io.llmrelay.core.config.RelayConfig;
import io.llmrelay.core.metrics.RelayMetrics;
import java.util.Objects;

/**
 * What every exchange of a running proxy shares: the configuration (timeouts, CORS), the clocks and
 * the metrics. Immutable; the metrics are thread-safe by design.
 */
public record ExchangeContext(RelayConfig config, Clocks clocks, RelayMetrics metrics) {

    public ExchangeContext {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(clocks, "clocks");
        Objects.requireNonNull(metrics, "metrics");
    }
}
