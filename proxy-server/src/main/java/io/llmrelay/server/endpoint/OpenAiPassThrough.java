package io.llmrelay.server.endpoint;

import com.fasterxml.jackson.core.JsonGenerator;
import io.llmrelay.core.backend.ModelInfo;
import io.llmrelay.core.json.Json;
import io.llmrelay.server.exchange.Exchange;
import io.llmrelay.server.proxy.Attempt;
import io.llmrelay.server.fleet.Backend;
import io.llmrelay.server.upstream.UpstreamRequests;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The OpenAI routes on the Ollama port. {@code /v1/chat/completions}, {@code /v1/completions},
 * {@code /v1/embeddings} and {@code /v1/models} are forwarded to the backend as bytes, with the path
 * resolved against the backend's base URL and only hop headers rewritten; streams (SSE) pass through
 * chunk by chunk. A model the backend does not list is refused first (404), as on the Ollama routes.
 * {@code /v1/models/{id}} is answered from the catalogue: not every server has that route.
 */
final class OpenAiPassThrough {

    private static final String PREFIX = "/v1";
    private static final String MODEL_PREFIX = "/v1/models/";

    private final Relay relay;
    private final ModelLookup lookup;

    OpenAiPassThrough(Relay relay) {
        this.relay = relay;
        this.lookup = new ModelLookup(relay);
    }

    /** An inference request: checked against the catalogue, then forwarded untouched. */
    void forward(Exchange ex) {
        String model = RequestBodies.openAiModel(ex.request().content());
        if (model == null) {
            send(ex, relay.fleet().backendFor(null)); // no model to check: the backend's own 400 says what is missing
            return;
        }
        lookup.find(ex, model, (backend, listed) -> send(ex, backend));
    }

    /** {@code /v1/models}: the backend's own list, as it words it. */
    void listModels(Exchange ex) {
        send(ex, relay.fleet().backendFor(null));
    }

    /** {@code /v1/models/{id}}: OpenAI's model object for a listed model, 404 for any other. */
    void model(Exchange ex) {
        String id = QueryStringDecoder.decodeComponent(ex.path().substring(MODEL_PREFIX.length()));
        lookup.find(ex, id, (backend, listed) -> {
            if (listed == null) {
                send(ex, backend); // a backend without a list answers for itself
                return;
            }
            ex.respondJson(modelObject(ex, listed));
        });
    }

    private ByteBuf modelObject(Exchange ex, ModelInfo model) {
        ByteBuf out = ex.alloc().buffer(128);
        try (JsonGenerator g = Json.generator(out)) {
            g.writeStartObject();
            g.writeStringField("id", model.id());
            g.writeStringField("object", "model");
            g.writeNumberField("created", model.created());
            g.writeStringField("owned_by", model.ownedBy().isEmpty() ? ex.backendName() : model.ownedBy());
            g.writeEndObject();
        } catch (IOException e) {
            out.release();
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private void send(Exchange ex, Backend backend) {
        ex.backendName(backend.name());
        FullHttpRequest request = ex.request();
        String relative = request.uri().substring(PREFIX.length()); // "/chat/completions?..." under the base URL
        Attempt.start(ex, backend,
                UpstreamRequests.passThrough(backend.config(), request, relative, ex.requestId()), null);
    }
}
