package io.llmrelay.core.limits;

/**
 * One limit a request can be refused by: a scope and what it measures. {@link #label()} is the
 * metric label ({@code llm_relay_rate_limited_total{limit="per_ip_rps"}}), {@link #describe(String)}
 * what a 429's message and the access log say ({@code key alice tokens_per_minute}).
 */
public enum Limit {
    GLOBAL_RPS(Scope.GLOBAL, "rps"),
    GLOBAL_CONCURRENT(Scope.GLOBAL, "concurrent"),
    PER_IP_RPS(Scope.PER_IP, "rps"),
    PER_IP_CONCURRENT(Scope.PER_IP, "concurrent"),
    PER_KEY_RPS(Scope.PER_KEY, "rps"),
    PER_KEY_CONCURRENT(Scope.PER_KEY, "concurrent"),
    PER_KEY_TOKENS(Scope.PER_KEY, "tokens_per_minute");

    private final Scope scope;
    private final String measure;
    private final String label;

    Limit(Scope scope, String measure) {
        this.scope = scope;
        this.measure = measure;
        this.label = scope.id() + "_" + measure;
    }

    public Scope scope() {
        return scope;
    }

    /** {@code rps}, {@code concurrent} or {@code tokens_per_minute}: the config key it comes from. */
    public String measure() {
        return measure;
    }

    /** True for a request-rate limit (a bucket of requests refilled over time). */
    public boolean requestRate() {
        return this == GLOBAL_RPS || this == PER_IP_RPS || this == PER_KEY_RPS;
    }

    /** The metric label: {@code global_rps}, {@code per_key_tokens_per_minute}, ... */
    public String label() {
        return label;
    }

    /** {@code global rps}, {@code per_ip concurrent}, {@code key alice tokens_per_minute}. */
    public String describe(String keyName) {
        return scope == Scope.PER_KEY ? "key " + keyName + " " + measure : scope.id() + " " + measure;
    }

    /** The request-rate limit of {@code scope}. */
    public static Limit requests(Scope scope) {
        return switch (scope) {
            case GLOBAL -> GLOBAL_RPS;
            case PER_IP -> PER_IP_RPS;
            case PER_KEY -> PER_KEY_RPS;
        };
    }

    /** The concurrency cap of {@code scope}. */
    public static Limit concurrent(Scope scope) {
        return switch (scope) {
            case GLOBAL -> GLOBAL_CONCURRENT;
            case PER_IP -> PER_IP_CONCURRENT;
            case PER_KEY -> PER_KEY_CONCURRENT;
        };
    }
}
