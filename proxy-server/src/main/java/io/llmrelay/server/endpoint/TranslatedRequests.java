package io.llmrelay.server.endpoint;

import io.llmrelay.core.registry.ModelRoute;
import io.llmrelay.core.translate.InferenceRequest;
import io.llmrelay.core.translate.OpenAiRequestWriter;
import io.llmrelay.server.exchange.Exchange;
import io.llmrelay.server.fleet.Backend;
import io.llmrelay.server.upstream.UpstreamRequest;
import io.llmrelay.server.upstream.UpstreamRequests;
import io.netty.buffer.ByteBuf;
import java.util.function.Consumer;

/**
 * The upstream requests the proxy writes itself: every client API's chat request (Ollama, Anthropic
 * Messages, OpenAI Responses) goes out through {@link #chat}, one path, the body written for the
 * backend's type and naming its model id.
 */
final class TranslatedRequests {

    private TranslatedRequests() {}

    /** {@code request} as the backend's OpenAI chat (or completions) request, streamed upstream. */
    static UpstreamRequest chat(Exchange ex, Backend backend, ModelRoute.Target target, InferenceRequest request) {
        ByteBuf body = body(ex, out -> OpenAiRequestWriter.inference(request, target.model(), backend.flavor(), out));
        return UpstreamRequests.translated(backend.config(),
                backend.dialect().openAiPath(backend.config(), OpenAiRequestWriter.path(request)), body,
                ex.requestId(), true, ex.request().headers());
    }

    /** A body written by {@code writer} into a buffer sized from the client's; released if writing fails. */
    static ByteBuf body(Exchange ex, Consumer<ByteBuf> writer) {
        ByteBuf body = ex.alloc().buffer(ex.request().content().readableBytes() + 256);
        try {
            writer.accept(body);
            return body;
        } catch (RuntimeException e) {
            body.release();
            throw e;
        }
    }
}
