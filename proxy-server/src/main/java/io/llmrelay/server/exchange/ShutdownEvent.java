package io.llmrelay.server.exchange;

/**
 * Fired down every client pipeline while the proxy stops (handled by {@link ExchangeHandler}).
 */
public enum ShutdownEvent {

    /**
     * The drain begins: an idle connection closes now; a busy one answers the requests it has already
     * read, the last answer with {@code Connection: close}, and then closes.
     */
    DRAIN,

    /**
     * The drain deadline passed (or a second stop signal came): a running answer ends now with an
     * error in the caller's shape (a whole 503, or one last error line or event), its backend request
     * is cancelled, requests still queued are dropped, and the connection closes.
     */
    CUT
}
