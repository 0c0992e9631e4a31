package io.llmrelay.core.resilience;

import io.llmrelay.core.config.ResilienceConfig;
import io.llmrelay.core.config.ResilienceConfig.On;

/**
 * Whether a failed attempt may be tried again on another backend ({@code retry.attempts},
 * {@code retry.on}): only while nothing is committed to the client (no status line, no byte; for
 * {@code stream: false}, no token), only for a kind whose condition is listed, and only while attempts
 * remain. The budget and the backoff are {@link Failover}'s. Immutable.
 *
 * <p>The conditions: {@code connect} covers {@link FailureKind#CONNECT} and {@link FailureKind#RESET};
 * {@code timeout} the first-byte and idle time-outs; {@code 5xx} a 5xx other than 503, an error event
 * before the first token and a malformed answer; {@code 429} and {@code 503} those statuses. A 4xx
 * other than 429 is never retried.
 */
public final class RetryPolicy {

    private final int attempts;
    private final boolean[] retried = new boolean[On.values().length];

    public RetryPolicy(ResilienceConfig.Retry retry) {
        this.attempts = retry.attempts();
        for (On on : retry.on()) {
            retried[on.ordinal()] = true;
        }
    }

    /** True when {@code retry.on} lists {@code kind}'s condition. */
    public boolean retries(FailureKind kind) {
        On on = kind.on();
        return on != null && retried[on.ordinal()];
    }

    /**
     * @param attemptsMade attempts made for the request so far, the failed one included (1 after the first)
     * @param committed whether anything of the answer reached the client
     */
    public boolean mayRetry(FailureKind kind, int attemptsMade, boolean committed) {
        return !committed && attemptsMade < attempts && retries(kind);
    }

    /** {@code retry.attempts}: attempts per request at most, the first included. */
    public int attempts() {
        return attempts;
    }
}
