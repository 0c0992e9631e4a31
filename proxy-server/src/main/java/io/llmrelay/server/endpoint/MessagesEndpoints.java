package io.llmrelay.server.endpoint;

import io.llmrelay.core.backend.BackendFlavor;
import io.llmrelay.core.balance.StickyKeys;
import io.llmrelay.core.config.NativeApi;
import io.llmrelay.core.registry.ModelRoute;
import io.llmrelay.core.translate.BodyTranslator;
import io.llmrelay.core.translate.ChatAnswerTranslator;
import io.llmrelay.core.translate.InferenceRequest;
import io.llmrelay.core.translate.MessagesRequests;
import io.llmrelay.core.translate.RequestSize;
import io.llmrelay.core.translate.RequiredCapabilities;
import io.llmrelay.core.translate.TokenCount;
import io.llmrelay.server.exchange.Exchange;
import io.llmrelay.server.fleet.Backend;
import io.llmrelay.server.fleet.Fleet;
import io.llmrelay.server.proxy.AttemptPlan;
import io.llmrelay.server.proxy.Forward;
import io.llmrelay.server.upstream.UpstreamRequest;
import io.llmrelay.server.upstream.UpstreamRequests;
import io.netty.buffer.ByteBuf;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.List;

/**
 * Anthropic's Messages API on the proxy's port. {@code POST /v1/messages} is translated to the
 * backend's chat completions and its answer back ({@link MessagesRequests}, {@link ChatAnswerTranslator#messages}),
 * or forwarded as bytes to a backend that serves the API itself ({@code native_apis}, by default an
 * Ollama node). {@code POST /v1/messages/count_tokens} is answered by a backend's tokenizer where its
 * server has one (llama.cpp, vLLM), else estimated; {@code X-Relay-Token-Count} says which. Errors
 * are Anthropic's shape ({@code ClientApi.ANTHROPIC}); {@code anthropic-version} is accepted, not
 * required, and a client's {@code x-api-key} never reaches a backend.
 */
final class MessagesEndpoints {

    /** How {@code count_tokens} counted: {@code tokenizer} (a backend's) or {@code estimate}. */
    static final AsciiString X_RELAY_TOKEN_COUNT = AsciiString.cached("x-relay-token-count");

    private final Relay relay;

    MessagesEndpoints(Relay relay) {
        this.relay = relay;
    }

    /** {@code POST /v1/messages}. */
    void create(Exchange ex) {
        InferenceRequest request = MessagesRequests.messages(RequestBodies.json(ex.request().content()));
        Fleet fleet = relay.fleet(); // this request's, to its end, whatever a reload swaps in meanwhile
        RequestSize.check(request, fleet.config().security().limits().request());
        ModelLookup.find(ex, fleet, request.model(), route -> {
            if (ModelLookup.listed(route)) { // a backend without a list is not second-guessed from a model's name
                RequiredCapabilities.check(request, route.listing());
            }
            long sticky = StickyKey.of(fleet.config().routing().sticky(), ex, request);
            Forward.to(ex, fleet, route, sticky, new AttemptPlan() {
                @Override
                public UpstreamRequest request(Backend backend, ModelRoute.Target target) {
                    if (backend.config().servesNatively(NativeApi.MESSAGES)) {
                        return nativeRequest(ex, backend, target);
                    }
                    return TranslatedRequests.chat(ex, backend, target, request);
                }

                @Override
                public BodyTranslator translator(Backend backend, ModelRoute.Target target) {
                    return backend.config().servesNatively(NativeApi.MESSAGES) ? null
                            : ChatAnswerTranslator.messages(request, ex.times(), relay.clocks(),
                                    fleet.config().maxEventBytes());
                }
            });
        });
    }

    /** {@code POST /v1/messages/count_tokens}: {@code {"input_tokens": n}}. */
    void countTokens(Exchange ex) {
        InferenceRequest request = MessagesRequests.countTokens(RequestBodies.json(ex.request().content()));
        Fleet fleet = relay.fleet();
        RequestSize.check(request, fleet.config().security().limits().request());
        ModelLookup.find(ex, fleet, request.model(), route -> {
            ModelRoute tokenizing = tokenizing(fleet, route);
            if (tokenizing == null) {
                ex.responseHeader(X_RELAY_TOKEN_COUNT, "estimate");
                ex.respondJson(TokenCount.answer(ex.alloc(), TokenCount.estimate(request)));
                return;
            }
            ex.responseHeader(X_RELAY_TOKEN_COUNT, "tokenizer");
            Forward.to(ex, fleet, tokenizing, StickyKeys.NONE, new AttemptPlan() {
                @Override
                public UpstreamRequest request(Backend backend, ModelRoute.Target target) {
                    BackendFlavor flavor = backend.flavor();
                    ByteBuf body = TranslatedRequests.body(ex,
                            out -> TokenCount.writeRequest(request, target.model(), flavor, out));
                    return UpstreamRequests.translated(backend.config(),
                            backend.config().rootPath() + TokenCount.tokenizePath(), body, ex.requestId(), false,
                            ex.request().headers());
                }

                @Override
                public BodyTranslator translator(Backend backend, ModelRoute.Target target) {
                    return TokenCount.translator(request, backend.flavor());
                }
            });
        });
    }

    /**
     * The model's backends whose servers have a tokenizer (the route itself when all have), or null
     * when none has: then the count is an estimate.
     */
    private static ModelRoute tokenizing(Fleet fleet, ModelRoute route) {
        List<ModelRoute.Target> with = new ArrayList<>(route.targets().size());
        for (ModelRoute.Target t : route.targets()) {
            Backend b = fleet.named(t.backend());
            if (b != null && !b.dialect().speaksOllama() && TokenCount.hasTokenizer(b.flavor())) {
                with.add(t);
            }
        }
        if (with.isEmpty()) {
            return null;
        }
        return with.size() == route.targets().size() ? route : new ModelRoute(route.name(), route.listing(), with);
    }

    /**
     * The client's request, as it came, for a backend serving Messages itself: to its {@code /v1/messages}
     * (the query kept), the {@code model} value swapped where the backend knows the model by another id.
     */
    private static UpstreamRequest nativeRequest(Exchange ex, Backend backend, ModelRoute.Target target) {
        RequestBodies.ModelField field = RequestBodies.scan(ex.request().content()).model();
        String relative = ex.request().uri().substring("/v1".length()); // "/messages?..." under the OpenAI base
        return UpstreamRequests.passThrough(backend.config(), ex.request(),
                backend.dialect().openAiPath(backend.config(), relative), ex.requestId(),
                RequestBodies.bodyFor(ex, field, target.model()));
    }
}
