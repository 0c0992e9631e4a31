package io.llmrelay.server.proxy;

import io.llmrelay.core.api.RelayException;
import io.llmrelay.core.balance.Selection;
import io.llmrelay.core.metrics.ErrorKind;
import io.llmrelay.core.registry.ModelRoute;
import io.llmrelay.core.translate.BodyTranslator;
import io.llmrelay.server.exchange.Exchange;
import io.llmrelay.server.fleet.Backend;
import io.llmrelay.server.fleet.Router;
import io.llmrelay.server.upstream.UpstreamRequest;
import io.netty.handler.codec.http.HttpHeaderNames;

/**
 * Sends a request for a model to the backend the router picks and answers from it. Every candidate
 * at its {@code max_concurrency} is a 503 with {@code Retry-After}, in the caller's shape.
 */
public final class Forward {

    /** Seconds a client is told to wait when every backend of its model is at its cap. */
    private static final int RETRY_AFTER_SECONDS = 1;

    private Forward() {}

    /** Picks a backend of {@code route} and starts the attempt on it; runs on the exchange's loop. */
    public static void to(Exchange ex, Router router, ModelRoute route, long stickyKey, AttemptPlan plan) {
        Selection<Backend> selection = router.select(route, stickyKey);
        if (!selection.isChosen()) {
            ex.responseHeader(HttpHeaderNames.RETRY_AFTER, RETRY_AFTER_SECONDS);
            throw new RelayException(503, "every backend serving model '" + route.name()
                    + "' is at its max_concurrency; retry in a moment", ErrorKind.AT_CAPACITY);
        }
        Backend backend = selection.member();
        ModelRoute.Target target = Router.targetOn(route, backend);
        UpstreamRequest request;
        BodyTranslator translator;
        try {
            request = plan.request(backend, target);
            translator = plan.translator(backend, target);
        } catch (RuntimeException e) {
            backend.stats().release(); // nothing was sent: the slot was never used
            throw e;
        }
        ex.onSuccess(() -> plan.succeeded(backend, target));
        Attempt.start(ex, backend, target.model(), 1, request, translator);
    }
}
