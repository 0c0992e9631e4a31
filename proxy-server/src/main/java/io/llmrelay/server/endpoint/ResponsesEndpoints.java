package io.llmrelay.server.endpoint;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrelay.core.api.RelayException;
import io.llmrelay.core.balance.StickyKeys;
import io.llmrelay.core.config.NativeApi;
import io.llmrelay.core.config.RoutingConfig;
import io.llmrelay.core.registry.ModelRoute;
import io.llmrelay.core.translate.BodyTranslator;
import io.llmrelay.core.translate.ChatAnswerTranslator;
import io.llmrelay.core.translate.RequiredCapabilities;
import io.llmrelay.core.translate.ResponsesRequest;
import io.llmrelay.core.translate.ResponsesRequests;
import io.llmrelay.server.exchange.Exchange;
import io.llmrelay.server.fleet.Backend;
import io.llmrelay.server.fleet.Fleet;
import io.llmrelay.server.proxy.AttemptPlan;
import io.llmrelay.server.proxy.Forward;
import io.llmrelay.server.upstream.UpstreamRequest;

/**
 * OpenAI's Responses API, statelessly, as Ollama serves it: {@code POST /v1/responses} translated onto
 * the backend's chat completions (event by event, back into the Responses events or one response
 * object), or forwarded as bytes to a backend that serves the API itself ({@code native_apis}; an
 * Ollama node by default). Routing, failover, keys, limits and metrics are every route's.
 *
 * <p>What needs stored state is refused before anything is sent, whichever backend would answer: a
 * fleet keeps no response and could not send a continuation to the one server that kept its start.
 * What only translation cannot carry (hosted tools, unknown item types) is refused when a backend of
 * the model would translate it; a model served only natively gets the request as it came.
 */
final class ResponsesEndpoints {

    private static final String PREFIX = "/v1/responses/";

    private final Relay relay;

    ResponsesEndpoints(Relay relay) {
        this.relay = relay;
    }

    /** {@code POST /v1/responses}. */
    void create(Exchange ex) {
        Fleet fleet = relay.fleet(); // this request's, to its end, whatever a reload swaps in meanwhile
        JsonNode body = RequestBodies.json(ex.request().content());
        String model = ResponsesRequests.model(body);
        ResponsesRequests.refuseStateful(body);
        ResponsesRequests.checkSize(body, fleet.config().security().limits().request());
        ResponsesRequest parsed;
        RelayException untranslatable;
        try {
            parsed = ResponsesRequests.parse(body);
            untranslatable = null;
        } catch (RelayException e) {
            parsed = null;
            untranslatable = e; // only a backend that would translate it refuses it
        }
        ResponsesRequest request = parsed;
        RelayException refusal = untranslatable;
        long sticky = request != null ? StickyKey.of(fleet.config().routing().sticky(), ex, request.inference())
                : fleet.config().routing().sticky() == RoutingConfig.Sticky.HEADER
                        ? StickyKeys.header(ex.request().headers().get(StickyKey.X_SESSION_ID)) : StickyKeys.NONE;
        ModelLookup.find(ex, fleet, model, route -> {
            // a model served only natively gets the request as it came: nothing to refuse or check
            if (!ModelLookup.servedOnlyBy(fleet, route, ResponsesEndpoints::servesNatively)) {
                if (refusal != null) {
                    throw refusal;
                }
                if (ModelLookup.listed(route)) {
                    RequiredCapabilities.check(request.inference(), route.listing());
                }
            }
            Forward.to(ex, fleet, route, sticky, new AttemptPlan() {
                private RequestBodies.ModelField field; // where the body's model is: found once a backend needs it

                @Override
                public UpstreamRequest request(Backend backend, ModelRoute.Target target) {
                    if (servesNatively(backend)) {
                        if (field == null) {
                            field = RequestBodies.scan(ex.request().content()).model();
                        }
                        return OpenAiPassThrough.passThrough(ex, backend, field, target.model());
                    }
                    if (refusal != null) { // a fallback model's backend would translate what cannot be
                        throw refusal;
                    }
                    return TranslatedRequests.chat(ex, backend, target, request.inference());
                }

                @Override
                public BodyTranslator translator(Backend backend, ModelRoute.Target target) {
                    return servesNatively(backend) ? null
                            : ChatAnswerTranslator.responses(request, ex.times(), relay.clocks(),
                                    fleet.config().maxEventBytes());
                }
            });
        });
    }

    /**
     * {@code GET}, {@code DELETE} {@code /v1/responses/{id}} and the like: nothing is stored, so there
     * is never one to find (OpenAI's 404, saying why).
     */
    void stored(Exchange ex) {
        String rest = ex.path().substring(PREFIX.length());
        if (rest.startsWith("resp_")) {
            int slash = rest.indexOf('/');
            throw RelayException.notFound("response '" + (slash < 0 ? rest : rest.substring(0, slash))
                    + "' not found: llm-relay serves the Responses API statelessly (as Ollama does) and stores no "
                    + "response, so none can be retrieved, deleted or cancelled");
        }
        throw RelayException.notFound(ex.method() + " " + ex.path() + " is not served: llm-relay serves the "
                + "Responses API statelessly, POST /v1/responses only");
    }

    private static boolean servesNatively(Backend backend) {
        return backend.config().servesNatively(NativeApi.RESPONSES);
    }
}
