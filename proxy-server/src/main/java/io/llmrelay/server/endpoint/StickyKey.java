package io.llmrelay.server.endpoint;

import io.llmrelay.core.balance.StickyKeys;
import io.llmrelay.core.config.RoutingConfig;
import io.llmrelay.core.translate.InferenceRequest;
import io.llmrelay.server.exchange.Exchange;
import io.netty.util.AsciiString;

/** The request's sticky key under the configured {@code routing.sticky}; 0 (none) when it is off. */
final class StickyKey {

    static final AsciiString X_SESSION_ID = AsciiString.cached("x-session-id");

    private StickyKey() {}

    /** An Ollama request: its session header, or its conversation's opening. */
    static long of(RoutingConfig.Sticky sticky, Exchange ex, InferenceRequest request) {
        return switch (sticky) {
            case OFF -> StickyKeys.NONE;
            case HEADER -> StickyKeys.header(ex.request().headers().get(X_SESSION_ID));
            case PREFIX -> request.messages() != null && !request.messages().isEmpty()
                    ? StickyKeys.prefix(request.messages()) : StickyKeys.prefix(null, request.prompt());
        };
    }

    /** An OpenAI request forwarded as bytes: the opening is read from the body only when asked for. */
    static long ofOpenAi(RoutingConfig.Sticky sticky, Exchange ex) {
        return switch (sticky) {
            case OFF -> StickyKeys.NONE;
            case HEADER -> StickyKeys.header(ex.request().headers().get(X_SESSION_ID));
            case PREFIX -> RequestBodies.openAiPrefixKey(ex.request().content());
        };
    }
}
