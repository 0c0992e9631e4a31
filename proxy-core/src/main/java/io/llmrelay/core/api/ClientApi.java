package io.llmrelay.core.api;

/** The wire dialect a client speaks; it decides the shape of every answer, errors included. */
public enum ClientApi {
    /** Native Ollama API: {@code /api/*}, NDJSON streams, {@code {"error": "..."}}. */
    OLLAMA,
    /** OpenAI API: {@code /v1/*}, SSE streams, {@code {"error": {"message", "type", ...}}}. */
    OPENAI,
    /**
     * Anthropic Messages: {@code /v1/messages}, SSE streams of typed events,
     * {@code {"type": "error", "error": {"type", "message"}}}.
     */
    ANTHROPIC
}
