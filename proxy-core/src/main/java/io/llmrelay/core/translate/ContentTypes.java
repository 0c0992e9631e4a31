package io.llmrelay.core.translate;

/** Content types of the answers the proxy writes. */
public final class ContentTypes {

    /** Ollama streams; no charset, as the Ollama server sends it. */
    public static final String NDJSON = "application/x-ndjson";
    /** Whole JSON answers, as Go's gin writes them. */
    public static final String JSON = "application/json; charset=utf-8";
    public static final String SSE = "text/event-stream";
    public static final String TEXT = "text/plain; charset=utf-8";

    private ContentTypes() {}
}
