package io.llmrelay.server.exchange;

/**
 * Fired down every client pipeline when the proxy stops: an idle connection closes now, a busy one
 * closes as soon as its current answer is complete.
 */
public final class ShutdownEvent {

    public static final ShutdownEvent INSTANCE = new ShutdownEvent();

    private ShutdownEvent() {}
}
