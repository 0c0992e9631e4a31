package io.llmrelay.server.endpoint;

import io.llmrelay.server.exchange.Exchange;
import io.llmrelay.server.exchange.UpstreamRelay;
import io.llmrelay.server.upstream.Backend;
import io.llmrelay.server.upstream.UpstreamRequests;
import io.netty.handler.codec.http.FullHttpRequest;

/**
 * The OpenAI routes on the Ollama port ({@code /v1/chat/completions}, {@code /v1/completions},
 * {@code /v1/embeddings}, {@code /v1/models[/id]}): forwarded to the backend as bytes, with the
 * path resolved against the backend's base URL and only hop headers rewritten. Streams (SSE) pass
 * through chunk by chunk.
 */
final class OpenAiPassThrough {

    private static final String PREFIX = "/v1";

    private OpenAiPassThrough() {}

    static void forward(Exchange ex) {
        FullHttpRequest request = ex.request();
        String model = ex.path().startsWith("/v1/models/")
                ? ex.path().substring("/v1/models/".length())
                : RequestBodies.openAiModel(request.content());
        ex.model(model);
        Backend backend = ex.relay().backendFor(model);
        String relative = request.uri().substring(PREFIX.length()); // "/chat/completions?..." under the base URL
        UpstreamRelay.start(ex, backend,
                UpstreamRequests.passThrough(backend.config(), request, relative, ex.requestId()), null);
    }
}
