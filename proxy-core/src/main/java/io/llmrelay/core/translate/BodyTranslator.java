package io.llmrelay.core.translate;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Rewrites one backend response body into the client's API, piece by piece as it arrives. One
 * instance per response; confined to one thread. A translator never touches a channel: it reads
 * buffers and hands new ones to an {@link Output}, so every corner is a plain unit test.
 *
 * <p>Failures are thrown as {@link io.llmrelay.core.api.RelayException}; the caller decides whether
 * that becomes an error response or a last stream line.
 */
public interface BodyTranslator {

    /** Where translated buffers go; the receiver owns each buffer it is given. */
    interface Output {
        ByteBufAllocator alloc();

        void write(ByteBuf translated);

        /**
         * Writes a copy of {@code bytes}' readable bytes; the caller keeps {@code bytes} (its indices
         * untouched) and may reuse it at once. For writers that build each line in one reused buffer:
         * a receiver that batches what it sends appends the copy to the batch, and no buffer is
         * allocated and released per line.
         */
        default void writeCopy(ByteBuf bytes) {
            int n = bytes.readableBytes();
            write(alloc().buffer(n).writeBytes(bytes, bytes.readerIndex(), n));
        }
    }

    /** The client-facing content type of the translated body. */
    String contentType();

    /**
     * True when the answer streams (each write should reach the client promptly); false when it is
     * one body written at {@link #onEnd}.
     */
    boolean streaming();

    /** The backend's response content type, before any content; may be null. */
    default void onHead(String backendContentType) {}

    /** Reads every readable byte of {@code piece}; the caller keeps ownership and releases it. */
    void onContent(ByteBuf piece, Output out);

    /** The backend body ended cleanly: write what is still owed (final chunk, whole body). */
    void onEnd(Output out);

    /** Prompt tokens the backend reported, once the body has ended; -1 when it reported none. */
    default long promptTokens() {
        return -1;
    }

    /** Completion tokens the backend reported, once the body has ended; -1 when it reported none. */
    default long completionTokens() {
        return -1;
    }

    /**
     * The last piece of a stream that failed after it started, in this answer's own stream format
     * (an API whose events are numbered or typed needs its translator's state for it); null when the
     * client API's default ({@link io.llmrelay.core.api.ErrorBodies#streamTerminator}) is right.
     */
    default ByteBuf streamFailure(ByteBufAllocator alloc, int status, String message) {
        return null;
    }

    /** The answer is over (ended, failed or abandoned): give back what was held for it. Idempotent. */
    default void close() {}
}
