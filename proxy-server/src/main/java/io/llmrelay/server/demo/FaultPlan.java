package io.llmrelay.server.demo;

import java.time.Duration;
import java.util.Objects;

/**
 * Which fault the demo backend injects, into which share of its requests, and the fault's
 * parameters. Immutable; {@link DemoBackend#fault(FaultPlan)} swaps one in at run time.
 *
 * @param mode the fault; {@link Fault#NONE} for none
 * @param rate the share of requests in scope that get it, 0 to 1
 * @param scope which requests are in scope
 * @param seed seeds the choice of requests, so a run with the same seed faults the same requests
 *     (the n-th request in scope after the plan was set is faulted or not by seed and n alone)
 * @param retryAfterSeconds the {@code Retry-After} of {@code 429} and {@code 503}
 * @param drip the pause between two bytes of {@code slow-drip}
 * @param oversizeBytes how much content {@code oversize-event} puts in its one event
 */
public record FaultPlan(Fault mode, double rate, FaultScope scope, long seed, int retryAfterSeconds, Duration drip,
        long oversizeBytes) {

    public static final int DEFAULT_RETRY_AFTER_SECONDS = 2;
    public static final Duration DEFAULT_DRIP = Duration.ofMillis(100);
    public static final long DEFAULT_OVERSIZE_BYTES = 32L * 1024 * 1024;

    /** No fault; the other settings at their defaults (rate 1, inference scope, seed 0). */
    public static final FaultPlan NONE = new FaultPlan(Fault.NONE, 1, FaultScope.INFERENCE, 0,
            DEFAULT_RETRY_AFTER_SECONDS, DEFAULT_DRIP, DEFAULT_OVERSIZE_BYTES);

    /** @throws IllegalArgumentException for a rate outside 0–1, a negative Retry-After, a drip or size not positive */
    public FaultPlan {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(drip, "drip");
        if (!(rate >= 0 && rate <= 1)) {
            throw new IllegalArgumentException("fault rate must be between 0 and 1, not " + rate);
        }
        if (retryAfterSeconds < 0) {
            throw new IllegalArgumentException("Retry-After must be 0 or more seconds, not " + retryAfterSeconds);
        }
        if (drip.isNegative() || drip.isZero()) {
            throw new IllegalArgumentException("the drip interval must be positive, not " + drip.toMillis() + " ms");
        }
        if (oversizeBytes <= 0) {
            throw new IllegalArgumentException("the oversize event must have some content, not " + oversizeBytes);
        }
    }

    /** {@code mode} for every request in scope, the rest as in {@link #NONE}. */
    public static FaultPlan of(Fault mode) {
        return NONE.withMode(mode);
    }

    public FaultPlan withMode(Fault mode) {
        return new FaultPlan(mode, rate, scope, seed, retryAfterSeconds, drip, oversizeBytes);
    }

    public FaultPlan withRate(double rate) {
        return new FaultPlan(mode, rate, scope, seed, retryAfterSeconds, drip, oversizeBytes);
    }

    public FaultPlan withScope(FaultScope scope) {
        return new FaultPlan(mode, rate, scope, seed, retryAfterSeconds, drip, oversizeBytes);
    }

    public FaultPlan withSeed(long seed) {
        return new FaultPlan(mode, rate, scope, seed, retryAfterSeconds, drip, oversizeBytes);
    }

    public FaultPlan withRetryAfterSeconds(int retryAfterSeconds) {
        return new FaultPlan(mode, rate, scope, seed, retryAfterSeconds, drip, oversizeBytes);
    }

    public FaultPlan withDrip(Duration drip) {
        return new FaultPlan(mode, rate, scope, seed, retryAfterSeconds, drip, oversizeBytes);
    }

    public FaultPlan withOversizeBytes(long oversizeBytes) {
        return new FaultPlan(mode, rate, scope, seed, retryAfterSeconds, drip, oversizeBytes);
    }

    /** Whether it injects anything at all. */
    public boolean active() {
        return mode != Fault.NONE && rate > 0;
    }

    /** One line for a log: {@code 503 at rate 0.5 (scope inference, seed 42)}, or {@code none}. */
    public String describe() {
        return mode == Fault.NONE ? "none"
                : mode.wireName() + " at rate " + rate + " (scope " + scope.wireName() + ", seed " + seed + ")";
    }
}
