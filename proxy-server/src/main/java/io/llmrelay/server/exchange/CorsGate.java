package io.llmrelay.server.exchange;

import io.llmrelay.core.config.CorsPolicy;
import io.llmrelay.core.metrics.ErrorKind;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;

/**
 * Applies the {@link CorsPolicy} before routing, as Ollama's middleware does: a request from a
 * browser origin that is not allowed gets 403; an allowed one gets {@code Access-Control-Allow-Origin}
 * on its answer, whatever that answer is; a preflight ({@code OPTIONS} with
 * {@code Access-Control-Request-Method}) is answered here with 204. Requests without {@code Origin}
 * pass untouched. Runs on the exchange's event loop.
 */
final class CorsGate {

    private CorsGate() {}

    /** True when the exchange has been answered here (a refused origin or a preflight). */
    static boolean answered(Exchange exchange) {
        HttpHeaders headers = exchange.request().headers();
        String origin = headers.get(HttpHeaderNames.ORIGIN);
        if (origin == null) {
            return false;
        }
        CorsPolicy cors = exchange.context().config().cors();
        exchange.responseHeader(HttpHeaderNames.VARY, HttpHeaderNames.ORIGIN);
        if (!cors.allowsOrigin(origin)) {
            exchange.fail(403, "origin " + origin + " is not allowed; add it with OLLAMA_ORIGINS or --origins",
                    ErrorKind.INVALID_REQUEST);
            return true;
        }
        exchange.responseHeader(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, cors.allowOriginValue(origin));
        boolean preflight = exchange.method().equals(HttpMethod.OPTIONS)
                && headers.contains(HttpHeaderNames.ACCESS_CONTROL_REQUEST_METHOD);
        if (!preflight) {
            return false;
        }
        String requested = headers.get(HttpHeaderNames.ACCESS_CONTROL_REQUEST_HEADERS);
        if (!cors.allowsHeaders(requested)) {
            exchange.fail(403, "a header of '" + requested + "' is not allowed from a browser", ErrorKind.INVALID_REQUEST);
            return true;
        }
        exchange.route("preflight");
        exchange.responseHeader(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, CorsPolicy.ALLOWED_METHODS);
        if (requested != null) {
            exchange.responseHeader(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, requested);
        }
        exchange.responseHeader(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, CorsPolicy.MAX_AGE_SECONDS);
        exchange.respond(204, null, Unpooled.EMPTY_BUFFER);
        return true;
    }
}
