package io.llmrelay.core.translate;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Writes one client API's answer from what {@link ChatAnswerTranslator} reads out of a backend's
 * OpenAI chat stream: Ollama NDJSON, Anthropic Messages events, OpenAI Responses events, or the
 * merged whole answer of each. One instance per answer, confined to the answer's thread.
 */
interface AnswerWriter {

    /** The client-facing content type. */
    String contentType();

    /** True when the client streams: each write should reach it promptly. */
    boolean streaming();

    /**
     * One backend event that carries output (text, thinking, logprobs or tool-call fragments). The
     * delta is reused for the next event: copy what must outlive the call.
     */
    void delta(ChatDelta delta, BodyTranslator.Output out);

    /** The backend's answer ended cleanly: write what is still owed (the last events, or the whole answer). */
    void end(AnswerSummary summary, BodyTranslator.Output out);

    /**
     * The last piece of a stream that failed after it started, in this API's own stream format; null
     * when the API's default ({@link io.llmrelay.core.api.ErrorBodies#streamTerminator}) is right.
     */
    default ByteBuf streamFailure(ByteBufAllocator alloc, int status, String message) {
        return null;
    }
}
