package io.llmrelay.core.config;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * How the fleet keeps answering while backends fail: active health checks ({@code health:}),
 * passive outlier ejection ({@code outlier:}), a circuit breaker per backend ({@code breaker:}) and
 * failover before anything is committed to the client ({@code retry:}). The probe interval itself
 * is {@link RelayConfig#healthInterval()}.
 */
public record ResilienceConfig(Health health, Breaker breaker, Outlier outlier, Retry retry) {

    public ResilienceConfig {
        Objects.requireNonNull(health, "health");
        Objects.requireNonNull(breaker, "breaker");
        Objects.requireNonNull(outlier, "outlier");
        Objects.requireNonNull(retry, "retry");
    }

    public static ResilienceConfig defaults() {
        return new ResilienceConfig(Health.defaults(), Breaker.defaults(), Outlier.defaults(), Retry.defaults());
    }

    /**
     * @param timeout a probe not answered within this fails; null: twice the interval, at least a second
     * @param path what the probe GETs (from the server's root); null: the dialect's cheapest
     *     ({@code /v1/models}, an Ollama node's {@code /api/version})
     * @param fall failed probes in a row that mark a backend down
     * @param rise successful probes in a row that mark it up again
     * @param slowStart a recovered backend's share ramps up over this long; zero: at once
     * @param ready what {@code /health/ready} requires
     */
    public record Health(Duration timeout, String path, int fall, int rise, Duration slowStart, Ready ready) {

        public Health {
            if (fall < 1 || rise < 1) {
                throw new IllegalArgumentException("health.fall and health.rise must be at least 1");
            }
            Objects.requireNonNull(slowStart, "slowStart");
            Objects.requireNonNull(ready, "ready");
        }

        public static Health defaults() {
            return new Health(null, null, 2, 1, Duration.ofSeconds(10), Ready.EVERY_MODEL);
        }
    }

    /** What {@code /health/ready} requires. */
    public enum Ready {
        /** every model of the catalogue has at least one routable backend */
        EVERY_MODEL("models"),
        /** at least one backend is routable */
        ANY_BACKEND("any");

        private final String id;

        Ready(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        public static Ready fromId(String id) {
            return RoutingConfig.Names.byId(Ready.class, id, Ready::id, "readiness rule");
        }
    }

    /**
     * A circuit breaker per backend: {@code failures} failed attempts in a row (connect errors,
     * time-outs, 5xx, 429, 503) open it for {@code openFor}; then one trial request (half-open)
     * closes it again or re-opens it.
     */
    public record Breaker(int failures, Duration openFor) {

        public Breaker {
            if (failures < 1) {
                throw new IllegalArgumentException("breaker.failures must be at least 1");
            }
            if (openFor.isNegative() || openFor.isZero()) {
                throw new IllegalArgumentException("breaker.open_for must be positive");
            }
        }

        public static Breaker defaults() {
            return new Breaker(5, Duration.ofSeconds(10));
        }
    }

    /**
     * Passive outlier ejection from live traffic: {@code consecutiveErrors} connect errors,
     * time-outs or 5xx in a row eject a backend for {@code baseEjection} times the number of its
     * ejections so far (at most {@code maxEjection}); never more than {@code maxEjectedPercent} of a
     * model's backends at once.
     */
    public record Outlier(int consecutiveErrors, Duration baseEjection, Duration maxEjection, int maxEjectedPercent) {

        public Outlier {
            if (consecutiveErrors < 1) {
                throw new IllegalArgumentException("outlier.consecutive_errors must be at least 1");
            }
            if (maxEjectedPercent < 0 || maxEjectedPercent > 100) {
                throw new IllegalArgumentException("outlier.max_ejected_percent must be between 0 and 100");
            }
            if (maxEjection.compareTo(baseEjection) < 0) {
                throw new IllegalArgumentException("outlier.max_ejection must be at least outlier.base_ejection");
            }
        }

        public static Outlier defaults() {
            return new Outlier(3, Duration.ofSeconds(1), Duration.ofSeconds(30), 50);
        }
    }

    /**
     * Failover: a failed attempt whose kind is in {@code on} is tried again on another backend of
     * the model while nothing is committed to the client, up to {@code attempts} attempts in all,
     * and only while retries stay within {@code budgetPercent} of requests.
     */
    public record Retry(int attempts, Set<On> on, int budgetPercent, Duration backoff) {

        public Retry {
            if (attempts < 1) {
                throw new IllegalArgumentException("retry.attempts must be at least 1 (1: no retry)");
            }
            if (budgetPercent < 0 || budgetPercent > 100) {
                throw new IllegalArgumentException("retry.budget_percent must be between 0 and 100");
            }
            on = on.isEmpty() ? EnumSet.noneOf(On.class) : EnumSet.copyOf(on);
            Objects.requireNonNull(backoff, "backoff");
        }

        public static Retry defaults() {
            return new Retry(3, EnumSet.allOf(On.class), 20, Duration.ofMillis(25));
        }

        public boolean retries(On kind) {
            return on.contains(kind);
        }
    }

    /** The failures a retry may follow, by the config file's names. */
    public enum On {
        CONNECT("connect"),
        TIMEOUT("timeout"),
        SERVER_ERROR("5xx"),
        TOO_MANY_REQUESTS("429"),
        UNAVAILABLE("503");

        private final String id;

        On(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        public static On fromId(String id) {
            return RoutingConfig.Names.byId(On.class, id == null ? null : id.toLowerCase(Locale.ROOT), On::id,
                    "retry condition");
        }
    }
}
