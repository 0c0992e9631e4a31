package io.llmrelay.core.api;

/**
 * Monotonic timestamps (ns) of one client exchange, filled in as it happens; zero means "not yet".
 * Confined to the exchange's event loop. Read by translations (Ollama durations), the access log
 * and the metrics.
 */
public final class ExchangeTimes {

    /** When the request was fully received. */
    public final long start;
    /** When the upstream request was written to a backend connection. */
    public long upstreamSent;
    /** When the backend's response headers arrived. */
    public long upstreamHeaders;
    /** When the first token (content, thinking or a tool-call piece) arrived from the backend. */
    public long firstToken;
    /** When the first byte of the answer was written to the client. */
    public long firstByte;

    public ExchangeTimes(long start) {
        this.start = start;
    }

    /** The first time a token was seen is kept; later calls do nothing. */
    public void tokenAt(long nanos) {
        if (firstToken == 0) {
            firstToken = nanos;
        }
    }
}
