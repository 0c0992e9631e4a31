package io.llmrelay.core.config;

import java.time.Duration;

/**
 * One backend's own time limits ({@code timeouts:} in its {@code backends:} entry); null takes the
 * proxy's.
 *
 * @param connect opening a connection
 * @param firstByte the most the backend may stay silent before its answer starts; past it the attempt
 *     is abandoned and, with nothing committed to the client, tried on another backend
 * @param idle silence between two pieces of an answer
 */
public record BackendTimeouts(Duration connect, Duration firstByte, Duration idle) {

    public static final BackendTimeouts INHERIT = new BackendTimeouts(null, null, null);

    public BackendTimeouts {
        for (Duration d : new Duration[] {connect, firstByte, idle}) {
            if (d != null && (d.isNegative() || d.isZero())) {
                throw new IllegalArgumentException("a backend's timeouts must be positive");
            }
        }
    }

    /** This backend's limits, each one it does not set taken from {@code proxy}. */
    public Resolved resolve(RelayConfig.Timeouts proxy) {
        return new Resolved(connect != null ? connect : proxy.connect(),
                firstByte != null ? firstByte : proxy.upstreamIdle(),
                idle != null ? idle : proxy.upstreamIdle());
    }

    /** Every limit set. */
    public record Resolved(Duration connect, Duration firstByte, Duration idle) {}
}
