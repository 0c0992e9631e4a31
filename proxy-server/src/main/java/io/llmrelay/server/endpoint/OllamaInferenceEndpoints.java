package io.llmrelay.server.endpoint;

import io.llmrelay.core.api.RelayException;
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
import io.llmrelay.server.Relay;
import io.llmrelay.server.exchange.Exchange;
import io.llmrelay.server.exchange.UpstreamRelay;
import io.llmrelay.server.upstream.Backend;
import io.llmrelay.server.upstream.ModelCatalog;
import io.llmrelay.server.upstream.UpstreamRequest;
import io.llmrelay.server.upstream.UpstreamRequests;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Ollama's inference endpoints, translated to the backend's OpenAI API: {@code /api/chat} and
 * {@code /api/generate} (one translation path), {@code /api/embed} and the legacy
 * {@code /api/embeddings}. Load-only requests are answered without calling the backend.
 */
final class OllamaInferenceEndpoints {

    private OllamaInferenceEndpoints() {}

    static void chat(Exchange ex) {
        infer(ex, OllamaRequests.chat(RequestBodies.json(ex.request().content())));
    }

    static void generate(Exchange ex) {
        infer(ex, OllamaRequests.generate(RequestBodies.json(ex.request().content())));
    }

    static void embed(Exchange ex) {
        embed(ex, OllamaRequests.embed(RequestBodies.json(ex.request().content())));
    }

    static void legacyEmbeddings(Exchange ex) {
        embed(ex, OllamaRequests.legacyEmbeddings(RequestBodies.json(ex.request().content())));
    }

    private static void infer(Exchange ex, InferenceRequest request) {
        Relay relay = ex.relay();
        Backend backend = target(ex, request.model());
        ModelInfo known = known(backend, request.model());
        if (request.loadOnly()) {
            load(ex, backend, known, request.model(), request.keepAlive());
            ex.respond(200, request.stream() ? ContentTypes.NDJSON : ContentTypes.JSON,
                    OllamaAnswers.load(request, relay.clocks(), ex.alloc()));
            return;
        }
        String backendModel = known != null ? known.id() : backend.catalog().resolve(request.model());
        if (request.suffix() != null) {
            requireInsertSupport(backend, known != null ? known : relay.config().describe(ModelInfo.unlisted(backendModel)),
                    request);
        }
        ByteBuf body = writeBody(ex, out -> OpenAiRequestWriter.inference(request, backendModel,
                backend.config().flavor(), out));
        forward(ex, backend, known, backendModel, request.keepAlive(),
                UpstreamRequests.json(backend.config(), OpenAiRequestWriter.path(request), body, ex.requestId(), true),
                new OllamaAnswerTranslator(request, ex.times(), relay.clocks(), relay.config().maxEventBytes()));
    }

    private static void embed(Exchange ex, EmbedRequest request) {
        Backend backend = target(ex, request.model());
        ModelInfo known = known(backend, request.model());
        if (request.inputs().isEmpty()) {
            load(ex, backend, known, request.model(), request.keepAlive());
            String empty = request.legacy() ? "{\"embedding\":[]}"
                    : "{\"model\":" + Json.NODES.textNode(request.model()) + ",\"embeddings\":[]}";
            ex.respondJson(ByteBufUtil.writeUtf8(ex.alloc(), empty));
            return;
        }
        String backendModel = known != null ? known.id() : backend.catalog().resolve(request.model());
        ByteBuf body = writeBody(ex, out -> OpenAiRequestWriter.embeddings(request, backendModel, out));
        forward(ex, backend, known, backendModel, request.keepAlive(),
                UpstreamRequests.json(backend.config(), "/embeddings", body, ex.requestId(), false),
                new EmbeddingsTranslator(request, ex.times(), ex.relay().clocks()));
    }

    /** Sends the translated request; a successful answer counts the model as loaded. */
    private static void forward(Exchange ex, Backend backend, ModelInfo known, String backendModel,
            Duration keepAlive, UpstreamRequest request, BodyTranslator translator) {
        ex.onSuccess(() -> remember(ex, backend, known, backendModel, keepAlive));
        UpstreamRelay.start(ex, backend, request, translator);
    }

    private static Backend target(Exchange ex, String model) {
        ex.model(model);
        Backend backend = ex.relay().backendFor(model);
        ex.backendName(backend.name());
        return backend;
    }

    /** The listed model a client means, or null when the list is unknown or lacks it. */
    private static ModelInfo known(Backend backend, String model) {
        ModelCatalog.Snapshot snapshot = backend.catalog().current();
        return snapshot == null ? null : snapshot.find(model);
    }

    /**
     * A load-only request (nothing to generate or embed): the model counts as loaded, or unloaded
     * with keep_alive 0; one the backend does not list gets Ollama's 404.
     */
    private static void load(Exchange ex, Backend backend, ModelInfo known, String model, Duration keepAlive) {
        if (known == null && backend.catalog().current() != null) {
            throw RelayException.notFound("model '" + model + "' not found");
        }
        remember(ex, backend, known, model, keepAlive);
    }

    /**
     * A fill-in-the-middle request ({@code suffix}) goes to {@code /v1/completions}, which vLLM and
     * llama.cpp do not offer with a suffix: refuse clearly there, as Ollama does for a model without
     * the {@code insert} capability, unless the operator granted it (--model-capabilities).
     */
    private static void requireInsertSupport(Backend backend, ModelInfo model, InferenceRequest request) {
        if (backend.config().flavor().mayTakeSuffix() || model.capabilities().contains(Capability.INSERT.label())) {
            return;
        }
        throw RelayException.badRequest("\"" + request.model() + "\" does not support insert: "
                + backend.config().flavor().id() + " backends take no suffix on /v1/completions (grant it with "
                + "--model-capabilities 'PATTERN=+insert' if this one does)");
    }

    /** Counts the model as loaded for its keep-alive (for {@code /api/ps}); 0 unloads it. */
    private static void remember(Exchange ex, Backend backend, ModelInfo known, String id, Duration keepAlive) {
        ModelInfo info = known != null ? known : ex.relay().config().describe(ModelInfo.unlisted(id));
        ex.relay().loadedModels().touch(backend.name(), info, keepAlive, ex.relay().clocks().wall().instant());
    }

    private static ByteBuf writeBody(Exchange ex, Consumer<ByteBuf> writer) {
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
