package io.llmrelay.core.config;

import io.llmrelay.core.backend.ModelInfo;
import io.llmrelay.core.backend.ModelOverride;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Everything a running proxy is configured with. Immutable; built by the command line from flags,
 * environment and defaults.
 *
 * @param maxRequestBytes request bodies beyond this are refused with 413
 * @param maxEventBytes one streamed event or line beyond this fails the stream
 * @param eventLoops I/O threads; 0 means one per core
 * @param modelsRefresh how often each backend's model list is re-read
 * @param healthInterval how often each backend is probed (readiness follows it)
 * @param modelOverrides capabilities and context lengths set by the operator, applied in order
 * @param cors the browser origins allowed to call the proxy
 * @param routing how a request picks among the backends that serve its model
 * @param models the fleet catalogue's aliases, filters and name mapping
 * @param resilience health checks, outlier ejection, breakers and failover
 * @param security client keys, rate limits, trusted proxies and the admin routes' access
 */
public record RelayConfig(
        String host,
        int port,
        List<BackendConfig> backends,
        int maxRequestBytes,
        int maxEventBytes,
        int eventLoops,
        Timeouts timeouts,
        Duration modelsRefresh,
        Duration healthInterval,
        List<ModelOverride> modelOverrides,
        CorsPolicy cors,
        RoutingConfig routing,
        ModelsConfig models,
        ResilienceConfig resilience,
        SecurityConfig security) {

    /** No client keys, no rate limits, admin routes from loopback. */
    public RelayConfig(String host, int port, List<BackendConfig> backends, int maxRequestBytes, int maxEventBytes,
            int eventLoops, Timeouts timeouts, Duration modelsRefresh, Duration healthInterval,
            List<ModelOverride> modelOverrides, CorsPolicy cors, RoutingConfig routing, ModelsConfig models,
            ResilienceConfig resilience) {
        this(host, port, backends, maxRequestBytes, maxEventBytes, eventLoops, timeouts, modelsRefresh,
                healthInterval, modelOverrides, cors, routing, models, resilience, SecurityConfig.none());
    }

    /** The same configuration with other access rules. */
    public RelayConfig withSecurity(SecurityConfig other) {
        return new RelayConfig(host, port, backends, maxRequestBytes, maxEventBytes, eventLoops, timeouts, modelsRefresh,
                healthInterval, modelOverrides, cors, routing, models, resilience, other);
    }

    /** A fleet with the default resilience settings. */
    public RelayConfig(String host, int port, List<BackendConfig> backends, int maxRequestBytes, int maxEventBytes,
            int eventLoops, Timeouts timeouts, Duration modelsRefresh, Duration healthInterval,
            List<ModelOverride> modelOverrides, CorsPolicy cors, RoutingConfig routing, ModelsConfig models) {
        this(host, port, backends, maxRequestBytes, maxEventBytes, eventLoops, timeouts, modelsRefresh,
                healthInterval, modelOverrides, cors, routing, models, ResilienceConfig.defaults());
    }

    /** One backend or a few, with the default routing and no catalogue rules. */
    public RelayConfig(String host, int port, List<BackendConfig> backends, int maxRequestBytes, int maxEventBytes,
            int eventLoops, Timeouts timeouts, Duration modelsRefresh, Duration healthInterval,
            List<ModelOverride> modelOverrides, CorsPolicy cors) {
        this(host, port, backends, maxRequestBytes, maxEventBytes, eventLoops, timeouts, modelsRefresh,
                healthInterval, modelOverrides, cors, RoutingConfig.defaults(), ModelsConfig.none());
    }

    /**
     * @param connect opening a backend connection
     * @param upstreamIdle a backend that sends nothing for this long (before or between chunks) fails the request
     * @param clientStall a client that takes nothing for this long while the backend waits is dropped
     * @param poolIdle an unused pooled backend connection is closed after this long
     * @param clientIdle an idle keep-alive client connection is closed after this long
     * @param drain on a stop, running answers get this long to finish before they are cut off
     */
    public record Timeouts(Duration connect, Duration upstreamIdle, Duration clientStall, Duration poolIdle,
            Duration clientIdle, Duration drain) {

        public static final Duration DEFAULT_DRAIN = Duration.ofSeconds(10);

        public Timeouts {
            Objects.requireNonNull(drain, "drain");
            if (drain.isNegative()) {
                throw new IllegalArgumentException("the drain deadline cannot be negative");
            }
        }

        /** With the default drain deadline. */
        public Timeouts(Duration connect, Duration upstreamIdle, Duration clientStall, Duration poolIdle,
                Duration clientIdle) {
            this(connect, upstreamIdle, clientStall, poolIdle, clientIdle, DEFAULT_DRAIN);
        }

        public static Timeouts defaults() {
            return new Timeouts(Duration.ofSeconds(10), Duration.ofSeconds(300), Duration.ofSeconds(60),
                    Duration.ofSeconds(60), Duration.ofSeconds(120), DEFAULT_DRAIN);
        }

        /** The same limits with another drain deadline. */
        public Timeouts withDrain(Duration deadline) {
            return new Timeouts(connect, upstreamIdle, clientStall, poolIdle, clientIdle, deadline);
        }
    }

    /** The model as the operator's overrides describe it. */
    public ModelInfo describe(ModelInfo model) {
        ModelInfo out = model;
        for (ModelOverride o : modelOverrides) {
            out = o.applyTo(out);
        }
        return out;
    }

    public RelayConfig {
        backends = List.copyOf(backends);
        modelOverrides = List.copyOf(modelOverrides);
        Objects.requireNonNull(cors, "cors");
        Objects.requireNonNull(routing, "routing");
        Objects.requireNonNull(models, "models");
        Objects.requireNonNull(resilience, "resilience");
        java.util.Set<String> names = new java.util.HashSet<>();
        for (BackendConfig b : backends) {
            if (!names.add(b.name())) {
                throw new IllegalArgumentException("two backends are named '" + b.name() + "'; names must be unique");
            }
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be between 0 and 65535: " + port);
        }
        Objects.requireNonNull(security, "security");
        if (security.admin().port() > 0 && security.admin().port() == port) {
            throw new IllegalArgumentException("admin.port must differ from the main port (" + port + "); 0 serves "
                    + "the admin routes on the main port");
        }
        if (healthInterval.isNegative() || healthInterval.isZero()) {
            throw new IllegalArgumentException("the health check interval must be positive");
        }
        if (maxRequestBytes <= 0 || maxEventBytes <= 0) {
            throw new IllegalArgumentException("size limits must be positive");
        }
    }
}
