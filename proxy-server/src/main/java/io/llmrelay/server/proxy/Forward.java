package io.llmrelay.server.proxy;

import io.llmrelay.core.api.RelayException;
import io.llmrelay.core.metrics.ErrorKind;
import io.llmrelay.core.registry.ModelRoute;
import io.llmrelay.server.exchange.Exchange;
import io.llmrelay.server.fleet.Backend;
import io.llmrelay.server.fleet.Fleet;
import io.llmrelay.server.upstream.UpstreamRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.util.function.Supplier;

/**
 * Sends a request for a model to the backend the router picks and answers from it ({@link Failover}
 * tries others). Every candidate at its {@code max_concurrency} is a 503 with {@code Retry-After}, in
 * the caller's shape.
 */
public final class Forward {

    /** Seconds a client is told to wait when every backend of its model is at its cap. */
    private static final int RETRY_AFTER_SECONDS = 1;

    private Forward() {}

    /** Picks a backend of {@code route} and starts the attempt on it; runs on the exchange's loop. */
    public static void to(Exchange ex, Fleet fleet, ModelRoute route, long stickyKey, AttemptPlan plan) {
        fleet.resilience().failover().requestStarted();
        new Failover(ex, fleet.router(), fleet.resilience().failover(), route, stickyKey, plan).start();
    }

    /**
     * Sends a request that has no model to choose by to the one backend it can go to, under that
     * backend's {@code max_concurrency} unless {@code capped} is false.
     */
    public static void toBackend(Exchange ex, Backend backend, boolean capped, String model,
            Supplier<UpstreamRequest> request) {
        if (!backend.stats().tryAcquire(capped ? backend.options().maxConcurrency() : 0)) {
            throw atCapacity(ex, "backend " + backend.name() + " is");
        }
        UpstreamRequest built;
        try {
            built = request.get();
        } catch (RuntimeException e) {
            backend.stats().release();
            throw e;
        }
        Attempt.start(ex, backend, model, 1, built, null);
    }

    static RelayException atCapacity(Exchange ex, String who) {
        ex.responseHeader(HttpHeaderNames.RETRY_AFTER, RETRY_AFTER_SECONDS);
        return new RelayException(503, who + " at its max_concurrency; retry in a moment", ErrorKind.AT_CAPACITY);
    }
}
