package io.llmrelay.server.endpoint;

import io.llmrelay.core.api.RelayException;
import io.llmrelay.core.backend.BackendFlavor;
import io.llmrelay.core.backend.Capability;
import io.llmrelay.core.backend.ModelInfo;
import io.llmrelay.core.json.Json;
import io.llmrelay.core.translate.BodyTranslator;
import io.llmrelay.core.translate.ContentTypes;
import io.llmrelay.core.translate.EmbedRequest;
import io.llmrelay.core.translate.EmbeddingsTranslator;
import io.llmrelay.core.translate.InferenceRequest;
import io.llmrelay.core.translate.OllamaAnswerTranslator;
import io.llmrelay.core.translate.OllamaAnswers;
import io.llmrelay.core.translate.OllamaRequests;
import io.llmrelay.core.translate.OpenAiRequestWriter;
import io.llmrelay.core.translate.RequiredCapabilities;
import io.llmrelay.server.exchange.Exchange;
import io.llmrelay.server.proxy.Attempt;
import io.llmrelay.server.fleet.Backend;
import io.llmrelay.server.upstream.UpstreamRequest;
import io.llmrelay.server.upstream.UpstreamRequests;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Ollama's inference endpoints, translated to the backend's OpenAI API: {@code /api/chat} and
 * {@code /api/generate} (one translation path), {@code /api/embed} and the legacy
 * {@code /api/embeddings}. The model must be one the backend lists (404 otherwise) and have the
 * capabilities the request needs (400 otherwise); load-only requests are answered without calling
 * the backend.
 */
final class OllamaInferenceEndpoints {

    private final Relay relay;
    private final ModelLookup lookup;

    OllamaInferenceEndpoints(Relay relay) {
        this.relay = relay;
        this.lookup = new ModelLookup(relay);
    }

    void chat(Exchange ex) {
        infer(ex, OllamaRequests.chat(RequestBodies.json(ex.request().content())));
    }

    void generate(Exchange ex) {
        infer(ex, OllamaRequests.generate(RequestBodies.json(ex.request().content())));
    }

    void embed(Exchange ex) {
        embed(ex, OllamaRequests.embed(RequestBodies.json(ex.request().content())));
    }

    void legacyEmbeddings(Exchange ex) {
        embed(ex, OllamaRequests.legacyEmbeddings(RequestBodies.json(ex.request().content())));
    }

    private void infer(Exchange ex, InferenceRequest request) {
        lookup.find(ex, request.model(), (backend, listed) -> {
            ModelInfo model = lookup.orGuess(ex, backend, listed, request.model());
            if (request.loadOnly()) {
                remember(ex, backend, model, request.keepAlive());
                ex.respond(200, request.stream() ? ContentTypes.NDJSON : ContentTypes.JSON,
                        OllamaAnswers.load(request, relay.clocks(), ex.alloc()));
                return;
            }
            if (listed != null) { // a backend without a list is not second-guessed from a model's name
                RequiredCapabilities.check(request, model);
            }
            BackendFlavor flavor = backend.flavor();
            if (request.suffix() != null) {
                requireInsertSupport(flavor, model, request);
            }
            ByteBuf body = writeBody(ex, out -> OpenAiRequestWriter.inference(request, model.id(), flavor, out));
            forward(ex, backend, model, request.keepAlive(),
                    UpstreamRequests.json(backend.config(), OpenAiRequestWriter.path(request), body, ex.requestId(), true),
                    new OllamaAnswerTranslator(request, ex.times(), relay.clocks(), relay.config().maxEventBytes()));
        });
    }

    private void embed(Exchange ex, EmbedRequest request) {
        lookup.find(ex, request.model(), (backend, listed) -> {
            ModelInfo model = lookup.orGuess(ex, backend, listed, request.model());
            if (request.inputs().isEmpty()) {
                remember(ex, backend, model, request.keepAlive());
                String empty = request.legacy() ? "{\"embedding\":[]}"
                        : "{\"model\":" + Json.NODES.textNode(request.model()) + ",\"embeddings\":[]}";
                ex.respondJson(ByteBufUtil.writeUtf8(ex.alloc(), empty));
                return;
            }
            ByteBuf body = writeBody(ex, out -> OpenAiRequestWriter.embeddings(request, model.id(), out));
            forward(ex, backend, model, request.keepAlive(),
                    UpstreamRequests.json(backend.config(), "/embeddings", body, ex.requestId(), false),
                    new EmbeddingsTranslator(request, ex.times(), relay.clocks()));
        });
    }

    /** Sends the translated request; a successful answer counts the model as loaded. */
    private void forward(Exchange ex, Backend backend, ModelInfo model, Duration keepAlive,
            UpstreamRequest request, BodyTranslator translator) {
        ex.onSuccess(() -> remember(ex, backend, model, keepAlive));
        Attempt.start(ex, backend, request, translator);
    }

    /**
     * A fill-in-the-middle request ({@code suffix}) goes to {@code /v1/completions}, which vLLM and
     * llama.cpp do not offer with a suffix: refuse clearly there, as Ollama does for a model without
     * the {@code insert} capability, unless the operator granted it (--model-capabilities).
     */
    private void requireInsertSupport(BackendFlavor flavor, ModelInfo model, InferenceRequest request) {
        if (flavor.mayTakeSuffix() || model.has(Capability.INSERT)) {
            return;
        }
        throw RelayException.badRequest("\"" + request.model() + "\" does not support insert: "
                + flavor.id() + " backends take no suffix on /v1/completions (grant it with "
                + "--model-capabilities 'PATTERN=+insert' if this one does)");
    }

    /** Counts the model as loaded for its keep-alive (for {@code /api/ps}); 0 unloads it. */
    private void remember(Exchange ex, Backend backend, ModelInfo model, Duration keepAlive) {
        relay.loadedModels().touch(backend.name(), model, keepAlive, relay.clocks().wall().instant());
    }

    private ByteBuf writeBody(Exchange ex, Consumer<ByteBuf> writer) {
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
