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
 * 404 for an unknown path (or a route this listening socket does not serve), 405 (with
 * {@code Allow}) for a known path with the wrong method, then the {@link Gate} (keys, admin access,
 * rate limits), and a clean error in the caller's shape for whatever an endpoint throws. Shared by all
 * connections of one listening socket; immutable.
 */
public final class Dispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

    private final Map<Route, Endpoint> endpoints;
    private final Gate gate;
    /** which routes this socket serves: the clients', the admin ones, or both (no admin port) */
    private final boolean clientRoutes;
    private final boolean adminRoutes;

    /** Every route, with no keys or limits ({@link Gate#OPEN}). */
    public Dispatcher(Map<Route, Endpoint> endpoints) {
        this(endpoints, Gate.OPEN, false);
    }

    /**
     * The main port's dispatcher.
     *
     * @param separateAdminPort true when the admin routes are served on their own port ({@code admin.port}):
     *     here they are then unknown (404)
     */
    public Dispatcher(Map<Route, Endpoint> endpoints, Gate gate, boolean separateAdminPort) {
        this(new EnumMap<>(endpoints), gate, true, !separateAdminPort);
        for (Route route : Route.values()) {
            if (!this.endpoints.containsKey(route)) {
                throw new IllegalArgumentException("no endpoint for route " + route);
            }
        }
    }

    private Dispatcher(Map<Route, Endpoint> endpoints, Gate gate, boolean clientRoutes, boolean adminRoutes) {
        this.endpoints = endpoints;
        this.gate = gate;
        this.clientRoutes = clientRoutes;
        this.adminRoutes = adminRoutes;
    }

    /** The admin port's dispatcher: only the admin routes ({@code /metrics}, {@code /internal/*}), the same gate. */
    public Dispatcher forAdminPort() {
        return new Dispatcher(endpoints, gate, false, true);
    }

    /** True for the dispatcher of the separate admin port. */
    boolean onAdminPort() {
        return !clientRoutes;
    }

    void dispatch(Exchange exchange) {
        try {
            if (CorsGate.answered(exchange)) {
                return;
            }
            gate.identify(exchange);
            Route route = Routes.find(exchange.path());
            HttpMethod method = exchange.method();
            if (route == null || !(route.isAdmin() ? adminRoutes : clientRoutes)) {
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
            if (!gate.admits(exchange, route, onAdminPort())) {
                return;
            }
            gate.limit(exchange, route, () -> serve(exchange, route));
        } catch (RelayException e) {
            exchange.fail(e);
        } catch (RuntimeException e) {
            LOG.error("request {} failed unexpectedly", exchange.requestId(), e);
            exchange.fail(500, "internal error in llm-relay: " + e, ErrorKind.INTERNAL);
        }
    }

    /** Runs the route's endpoint: now, or later when the rate limits let the request go on. */
    private void serve(Exchange exchange, Route route) {
        if (exchange.isDone()) {
            return; // the client left while the limits were consulted
        }
        try {
            endpoints.get(route).handle(exchange);
        } catch (RelayException e) {
            exchange.fail(e);
        } catch (RuntimeException e) {
            LOG.error("request {} failed unexpectedly", exchange.requestId(), e);
            exchange.fail(500, "internal error in llm-relay: " + e, ErrorKind.INTERNAL);
        }
    }
}
