package io.llmrelay.core.resilience;

import io.llmrelay.core.balance.AttemptOutcome;
import io.llmrelay.core.config.ResilienceConfig.On;

/**
 * How an attempt failed, as finely as the server knows it, with the {@code retry.on} condition that
 * lets it be retried elsewhere and the {@link AttemptOutcome} it counts as for the backend's health.
 * Every kind here is a failure before anything was committed to the client; after a commit nothing
 * is retried, whatever the kind.
 */
public enum FailureKind {
    /** The backend could not be reached: connection refused, DNS, TLS, connect time-out. */
    CONNECT(On.CONNECT, AttemptOutcome.UNREACHABLE),
    /** The connection was reset or closed before the answer's status line, or before anything was committed. */
    RESET(On.CONNECT, AttemptOutcome.BROKEN),
    /** The backend stayed silent past its {@code first_byte} time-out. */
    FIRST_BYTE_TIMEOUT(On.TIMEOUT, AttemptOutcome.TIMEOUT),
    /** The answer started but stalled past the idle time-out before anything was committed ({@code stream: false}). */
    IDLE_TIMEOUT(On.TIMEOUT, AttemptOutcome.TIMEOUT),
    /** A 5xx other than 503. */
    SERVER_ERROR(On.SERVER_ERROR, AttemptOutcome.SERVER_ERROR),
    /** An error event in the stream before its first token: the backend failed the request in-band, as a 5xx would. */
    ERROR_EVENT(On.SERVER_ERROR, AttemptOutcome.SERVER_ERROR),
    /** An answer that could not be read (wrong content type, malformed events) before anything was committed: a 502, a gateway's 5xx. */
    MALFORMED(On.SERVER_ERROR, AttemptOutcome.BROKEN),
    /** 429 Too Many Requests. */
    TOO_MANY_REQUESTS(On.TOO_MANY_REQUESTS, AttemptOutcome.OVERLOADED),
    /** 503 Service Unavailable (busy, or a model still loading). */
    UNAVAILABLE(On.UNAVAILABLE, AttemptOutcome.OVERLOADED),
    /** A 4xx other than 429: the request's fault; another backend would refuse it too. Never retried. */
    REJECTED(null, AttemptOutcome.REJECTED);

    private final On on;
    private final AttemptOutcome outcome;

    FailureKind(On on, AttemptOutcome outcome) {
        this.on = on;
        this.outcome = outcome;
    }

    /** The {@code retry.on} condition that covers this kind; null when none does ({@link #REJECTED}). */
    public On on() {
        return on;
    }

    /** What the attempt counts as for the backend's breaker, outlier detection and metrics. */
    public AttemptOutcome outcome() {
        return outcome;
    }

    /** The kind of an error status (400 to 599). */
    public static FailureKind ofStatus(int status) {
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("not an error status: " + status);
        }
        return switch (status) {
            case 429 -> TOO_MANY_REQUESTS;
            case 503 -> UNAVAILABLE;
            default -> status < 500 ? REJECTED : SERVER_ERROR;
        };
    }
}
