package io.llmrelay.server.endpoint;

import com.fasterxml.jackson.core.JsonGenerator;
import io.llmrelay.core.api.RelayException;
import io.llmrelay.core.backend.ModelInfo;
import io.llmrelay.core.balance.StickyKeys;
import io.llmrelay.core.json.Json;
import io.llmrelay.core.registry.ModelRoute;
import io.llmrelay.core.translate.BodyTranslator;
import io.llmrelay.core.translate.RequestSize;
import io.llmrelay.server.exchange.Exchange;
import io.llmrelay.server.fleet.Backend;
import io.llmrelay.server.fleet.Fleet;
import io.llmrelay.server.proxy.AttemptPlan;
import io.llmrelay.server.proxy.Forward;
import io.llmrelay.server.upstream.UpstreamRequest;
import io.llmrelay.server.upstream.UpstreamRequests;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The OpenAI routes on the Ollama port. {@code /v1/chat/completions}, {@code /v1/completions} and
 * {@code /v1/embeddings} are forwarded as bytes to a backend that serves the model, with the path
 * resolved against the backend's base URL and only hop headers rewritten (and the {@code model}
 * value, when the backend knows the model by another id); streams (SSE) pass through chunk by chunk.
 * A model no backend lists is refused first (404), as on the Ollama routes. {@code /v1/models} and
 * {@code /v1/models/{id}} are answered from the fleet's catalogue.
 */
final class OpenAiPassThrough {

    private static final String PREFIX = "/v1";
    private static final String MODEL_PREFIX = "/v1/models/";

    private final Relay relay;

    OpenAiPassThrough(Relay relay) {
        this.relay = relay;
    }

    /** An inference request: checked against the catalogue, then forwarded untouched. */
    void forward(Exchange ex) {
        Fleet fleet = relay.fleet(); // this request's, to its end, whatever a reload swaps in meanwhile
        RequestBodies.Shape shape = RequestBodies.scan(ex.request().content());
        RequestSize.check(shape.messages(), shape.images(), fleet.config().security().limits().request());
        RequestBodies.ModelField field = shape.model();
        if (field == null) {
            List<Backend> backends = fleet.backends();
            if (backends.size() > 1) {
                throw RelayException.badRequest("you must provide a model parameter: it chooses the backend");
            }
            if (ex.apiKey() != null && !ex.apiKey().allowsAll()) { // the backend would pick a model unchecked
                throw RelayException.badRequest("you must provide a model parameter: API key '" + ex.keyName()
                        + "' may use only some models");
            }
            // one backend: its own answer says what is missing (llama.cpp even serves its one model)
            Backend only = backends.get(0);
            Forward.toBackend(ex, only, true, "", () -> passThrough(ex, only, null, null));
            return;
        }
        long sticky = StickyKey.ofOpenAi(fleet.config().routing().sticky(), ex);
        ModelLookup.find(ex, fleet, field.model(), route -> Forward.to(ex, fleet, route, sticky,
                new AttemptPlan() {
                    @Override
                    public UpstreamRequest request(Backend backend, ModelRoute.Target target) {
                        return passThrough(ex, backend, field, target.model());
                    }

                    @Override
                    public BodyTranslator translator(Backend backend, ModelRoute.Target target) {
                        return null;
                    }
                }));
    }

    /** {@code /v1/models}: every model of the fleet the client's key may use, once each. */
    void listModels(Exchange ex) {
        Fleet fleet = relay.fleet();
        fleet.refreshed(ex.loop(), OllamaModelEndpoints.LIST_MAX_AGE, () -> ex.resume(() -> {
            List<ModelRoute> routes = ModelAccess.visible(ex, fleet.registry().models());
            ByteBuf out = ex.alloc().buffer(64 + 128 * routes.size());
            try (JsonGenerator g = Json.generator(out)) {
                g.writeStartObject();
                g.writeStringField("object", "list");
                g.writeArrayFieldStart("data");
                for (ModelRoute route : routes) {
                    writeModel(g, route);
                }
                g.writeEndArray();
                g.writeEndObject();
            } catch (IOException e) {
                out.release();
                throw new UncheckedIOException(e);
            }
            ex.respondJson(out);
        }));
    }

    /** {@code /v1/models/{id}}: OpenAI's model object for a listed model the key may use, 404 for any other. */
    void model(Exchange ex) {
        String id;
        try {
            id = QueryStringDecoder.decodeComponent(ex.path().substring(MODEL_PREFIX.length()));
        } catch (IllegalArgumentException e) { // a '%' not followed by two hex digits: the client's mistake
            throw RelayException.badRequest("invalid model id in the path: a '%' must be followed by two hex digits");
        }
        ModelLookup.findListed(ex, relay.fleet(), id, route -> {
            ByteBuf out = ex.alloc().buffer(128);
            try (JsonGenerator g = Json.generator(out)) {
                writeModel(g, route);
            } catch (IOException e) {
                out.release();
                throw new UncheckedIOException(e);
            }
            ex.respondJson(out);
        });
    }

    private static void writeModel(JsonGenerator g, ModelRoute route) throws IOException {
        ModelInfo model = route.listing();
        g.writeStartObject();
        g.writeStringField("id", route.name());
        g.writeStringField("object", "model");
        g.writeNumberField("created", model.created());
        g.writeStringField("owned_by", model.ownedBy().isEmpty() ? route.targets().get(0).backend() : model.ownedBy());
        if (model.contextLength() > 0) {
            g.writeNumberField("context_length", model.contextLength());
        }
        g.writeEndObject();
    }

    /**
     * The client's request for {@code backend}: its bytes, with the {@code model} value replaced when
     * the backend knows the model by another id ({@code demo} for a client's {@code demo:latest}, a
     * mapping, an alias).
     */
    static UpstreamRequest passThrough(Exchange ex, Backend backend, RequestBodies.ModelField field,
            String model) {
        FullHttpRequest request = ex.request();
        String relative = request.uri().substring(PREFIX.length()); // "/chat/completions?..." under the base URL
        return UpstreamRequests.passThrough(backend.config(), request,
                backend.dialect().openAiPath(backend.config(), relative), ex.requestId(),
                RequestBodies.bodyFor(ex, field, model));
    }
}
