package io.llmrelay.core.translate;

import io.llmrelay.core.api.Clocks;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/** Ollama answers the proxy gives without asking a backend. */
public final class OllamaAnswers {

    private OllamaAnswers() {}

    /**
     * The answer to a load-only request (no messages, or an empty prompt):
     * {@code done:true} with {@code done_reason} {@code load}, or {@code unload} when keep_alive is 0.
     * A newline ends it when the client streams.
     */
    public static ByteBuf load(InferenceRequest request, Clocks clocks, ByteBufAllocator alloc) {
        ByteBuf out = alloc.buffer(160);
        new OllamaChunkWriter(request.model(), request.generateShape(), clocks)
                .write(out, null, null, null, null, request.loadReason(), null);
        return request.stream() ? out.writeByte('\n') : out;
    }
}
