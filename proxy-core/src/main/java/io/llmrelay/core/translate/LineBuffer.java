package io.llmrelay.core.translate;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.buffer.UnpooledHeapByteBuf;
import io.netty.util.concurrent.FastThreadLocal;

/**
 * One heap buffer per thread that a streaming writer builds its next line (or events) in, then hands
 * on with {@link BodyTranslator.Output#writeCopy}: a streamed answer writes a line per token, and a
 * pooled buffer allocated and released for each cost more than copying the line into the batch the
 * channel sends. Never released: it lives as long as its thread (so it is not leak-tracked either).
 */
final class LineBuffer {

    private static final int INITIAL = 512;
    /** A buffer grown past this by one huge line is replaced, not kept in the thread for good. */
    private static final int KEPT = 64 * 1024;

    private static final FastThreadLocal<ByteBuf> THREAD = new FastThreadLocal<>() {
        @Override
        protected ByteBuf initialValue() {
            return fresh();
        }
    };

    private LineBuffer() {}

    /**
     * This thread's buffer, empty. Fill it and hand it to {@code writeCopy} before anything else on
     * the thread takes it; a write that failed half-way leaves nothing behind (the next take empties it).
     */
    static ByteBuf take() {
        ByteBuf line = THREAD.get();
        if (line.capacity() > KEPT) {
            line = fresh();
            THREAD.set(line);
        }
        return line.clear();
    }

    private static ByteBuf fresh() {
        return new UnpooledHeapByteBuf(UnpooledByteBufAllocator.DEFAULT, INITIAL, Integer.MAX_VALUE);
    }
}
