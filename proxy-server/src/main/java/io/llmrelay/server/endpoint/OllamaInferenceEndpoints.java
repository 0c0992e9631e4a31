package io.llmrelay.server.endpoint;

import io.llmrelay.core.api.RelayException;
import io.llmrelay.core.backend.BackendFlavor;
import io.llmrelay.core.backend.Capability;
import io.llmrelay.core.backend.ModelInfo;
import io.llmrelay.core.json.Json;
import io.llmrelay.core.translate.RequestSize;
import io.llmrelay.core.translate.BodyTranslator;
import io.llmrelay.core.translate.ContentTypes;
import io.llmrelay.core.translate.EmbedRequest;
import io.llmrelay.core.translate.EmbeddingsTranslator;
import io.llmrelay.core.translate.InferenceRequest;
import io.llmrelay.core.translate.ChatAnswerTranslator;
import io.llmrelay.core.translate.OllamaAnswers;
import io.llmrelay.core.translate.OllamaRequests;
import io.llmrelay.core.translate.OpenAiRequestWriter;
import io.llmrelay.core.translate.RequiredCapabilities;
import io.llmrelay.server.exchange.Exchange;
import io.llmrelay.server.proxy.AttemptPlan;
import io.llmrelay.server.proxy.Forward;
import io.llmrelay.core.registry.ModelRoute;
import io.llmrelay.core.balance.StickyKeys;
import io.llmrelay.server.fleet.Backend;
import io.llmrelay.server.fleet.Fleet;
import io.llmrelay.server.upstream.UpstreamRequest;
import io.llmrelay.server.upstream.UpstreamRequests;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.time.Duration;

/**
 * Ollama's inference endpoints, translated to the backend's OpenAI API (or, for a native Ollama
 * node, forwarded to it as bytes): {@code /api/chat} and
 * {@code /api/generate} (one translation path), {@code /api/embed} and the legacy
 * {@code /api/embeddings}. The model must be one the backend lists (404 otherwise) and have the
 * capabilities the request needs (400 otherwise); load-only requests are answered without calling
 * the backend.
 */
final class OllamaInferenceEndpoints {

    private final Relay relay;

    OllamaInferenceEndpoints(Relay relay) {
        this.relay = relay;
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
        Fleet fleet = relay.fleet(); // this request's, to its end, whatever a reload swaps in meanwhile
        RequestSize.check(request, fleet.config().security().limits().request());
        ModelLookup.find(ex, fleet, request.model(), route -> {
            ModelInfo model = route.listing();
            if (request.loadOnly() && !OllamaNodes.servedOnlyByNodes(fleet, route)) { // a node loads for real: ask it
                remember(route.targets().get(0).backend(), model, request.keepAlive());
                ex.respond(200, request.stream() ? ContentTypes.NDJSON : ContentTypes.JSON,
                        OllamaAnswers.load(request, relay.clocks(), ex.alloc()));
                return;
            }
            if (ModelLookup.listed(route)) { // a backend without a list is not second-guessed from a model's name
                RequiredCapabilities.check(request, model);
            }
            long sticky = StickyKey.of(fleet.config().routing().sticky(), ex, request);
            Forward.to(ex, fleet, route, sticky, new AttemptPlan() {
                @Override
                public UpstreamRequest request(Backend backend, ModelRoute.Target target) {
                    if (backend.dialect().speaksOllama()) {
                        return OllamaNodes.request(ex, backend, target);
                    }
                    if (request.suffix() != null) {
                        requireInsertSupport(backend.flavor(), target.info(), request);
                    }
                    return TranslatedRequests.chat(ex, backend, target, request);
                }

                @Override
                public BodyTranslator translator(Backend backend, ModelRoute.Target target) {
                    return backend.dialect().speaksOllama() ? null
                            : ChatAnswerTranslator.ollama(request, ex.times(), relay.clocks(), fleet.config().maxEventBytes());
                }

                @Override
                public void succeeded(Backend backend, ModelRoute.Target target) {
                    remember(backend.name(), model, request.keepAlive());
                }
            });
        });
    }

    private void embed(Exchange ex, EmbedRequest request) {
        Fleet fleet = relay.fleet();
        ModelLookup.find(ex, fleet, request.model(), route -> {
            ModelInfo model = route.listing();
            if (request.inputs().isEmpty() && !OllamaNodes.servedOnlyByNodes(fleet, route)) {
                remember(route.targets().get(0).backend(), model, request.keepAlive());
                String empty = request.legacy() ? "{\"embedding\":[]}"
                        : "{\"model\":" + Json.quote(request.model()) + ",\"embeddings\":[]}";
                ex.respondJson(ByteBufUtil.writeUtf8(ex.alloc(), empty));
                return;
            }
            Forward.to(ex, fleet, route, StickyKeys.NONE, new AttemptPlan() {
                @Override
                public UpstreamRequest request(Backend backend, ModelRoute.Target target) {
                    if (backend.dialect().speaksOllama()) {
                        return OllamaNodes.request(ex, backend, target);
                    }
                    ByteBuf body = TranslatedRequests.body(ex,
                            out -> OpenAiRequestWriter.embeddings(request, target.model(), out));
                    return UpstreamRequests.translated(backend.config(),
                            backend.dialect().openAiPath(backend.config(), "/embeddings"), body, ex.requestId(), false,
                            ex.request().headers());
                }

                @Override
                public BodyTranslator translator(Backend backend, ModelRoute.Target target) {
                    return backend.dialect().speaksOllama() ? null
                            : new EmbeddingsTranslator(request, ex.times(), relay.clocks());
                }

                @Override
                public void succeeded(Backend backend, ModelRoute.Target target) {
                    remember(backend.name(), model, request.keepAlive());
                }
            });
        });
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

    /** Counts the model as loaded on {@code backend} for its keep-alive (for {@code /api/ps}); 0 unloads it. */
    private void remember(String backend, ModelInfo model, Duration keepAlive) {
        relay.loadedModels().touch(backend, model, keepAlive, relay.clocks().wall().instant());
    }
}
