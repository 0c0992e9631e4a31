package io.llmrelay.server.exchange;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Whether the proxy is stopping. Set once, by the thread that received the stop (a signal handler
 * or whoever closes the server), before any connection is told; read by any event loop: readiness
 * answers 503 from then on, and a connection that opens after it closes at once.
 */
public final class Draining {

    private final AtomicBoolean on = new AtomicBoolean();

    /** Starts the drain; true only for the call that started it. */
    public boolean begin() {
        return on.compareAndSet(false, true);
    }

    public boolean isOn() {
        return on.get();
    }
}
