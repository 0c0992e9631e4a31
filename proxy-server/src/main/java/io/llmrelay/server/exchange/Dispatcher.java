package io.llmrelay.server.exchange;

import io.llmrelay.core.api.RelayException;
import io.llmrelay.core.metrics.ErrorKind;
import io.llmrelay.server.http.Route;
import io.llmrelay.server.http.Routes;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import java.util.EnumMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends each exchange, once the {@link CorsGate} has let it pass, to the endpoint of its route:
 * 404 for an unknown path, 405 (with {@code Allow}) for a known path with the wrong method, and a
 * clean error in the caller's shape for whatever an endpoint throws. Shared by all connections;
 * immutable.
 */
public final class Dispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

    private final Map<Route, Endpoint> endpoints;

    public Dispatcher(Map<Route, Endpoint> endpoints) {
        this.endpoints = new EnumMap<>(endpoints);
        for (Route route : Route.values()) {
            if (!this.endpoints.containsKey(route)) {
                throw new IllegalArgumentException("no endpoint for route " + route);
            }
        }
    }

    void dispatch(Exchange exchange) {
        try {
            if (CorsGate.answered(exchange)) {
                return;
            }
            Route route = Routes.find(exchange.path());
            HttpMethod method = exchange.method();
            if (route == null) {
                exchange.fail(404, "404 page not found: " + method + " " + exchange.path(), ErrorKind.INVALID_REQUEST);
                return;
            }
            exchange.route(route.label());
            if (!route.allows(method)) {
                exchange.responseHeader(HttpHeaderNames.ALLOW, route.allowHeader());
                exchange.fail(405, "405 method not allowed: " + exchange.path() + " accepts " + route.allowHeader(),
                        ErrorKind.INVALID_REQUEST);
                return;
            }
            endpoints.get(route).handle(exchange);
        } catch (RelayException e) {
            exchange.fail(e);
        } catch (RuntimeException e) {
            LOG.error("request {} failed unexpectedly", exchange.requestId(), e);
            exchange.fail(500, "internal error in llm-relay: " + e, ErrorKind.INTERNAL);
        }
    }
}
