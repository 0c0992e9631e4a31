package io.llmrelay.server;

import io.llmrelay.core.api.Clocks;
import io.llmrelay.core.config.RelayConfig;
import io.llmrelay.core.metrics.RelayMetrics;
import io.llmrelay.core.route.LoadedModels;
import io.llmrelay.server.upstream.Backend;
import java.time.Instant;
import java.util.List;

/**
 * What every request handler of a running proxy shares: the configuration, the backends with their
 * pools and catalogs, the clocks, and the set of recently used models. Immutable apart from the
 * thread-safe parts it holds.
 */
public final class Relay {

    private final RelayConfig config;
    private final List<Backend> backends;
    private final Clocks clocks;
    private final LoadedModels loadedModels = new LoadedModels();
    private final RelayMetrics metrics = new RelayMetrics();
    private final Instant startedAt;

    public Relay(RelayConfig config, List<Backend> backends, Clocks clocks) {
        if (backends.isEmpty()) {
            throw new IllegalArgumentException("at least one backend is required");
        }
        this.config = config;
        this.backends = List.copyOf(backends);
        this.clocks = clocks;
        this.startedAt = clocks.wall().instant();
    }

    public RelayConfig config() {
        return config;
    }

    public List<Backend> backends() {
        return backends;
    }

    /** The backend that serves {@code model}. With one backend configured, that one. */
    public Backend backendFor(String model) {
        return backends.get(0);
    }

    public Clocks clocks() {
        return clocks;
    }

    public LoadedModels loadedModels() {
        return loadedModels;
    }

    public RelayMetrics metrics() {
        return metrics;
    }

    /** Shown as the modification time of models whose backend gives none. */
    public Instant startedAt() {
        return startedAt;
    }
}
