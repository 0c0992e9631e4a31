package io.llmrelay.server.proxy;

import io.llmrelay.core.balance.Selection;
import io.llmrelay.core.config.ResilienceConfig;
import io.llmrelay.core.registry.ModelRoute;
import io.llmrelay.core.resilience.RetryBudget;
import io.llmrelay.core.translate.BodyTranslator;
import io.llmrelay.server.exchange.Exchange;
import io.llmrelay.server.fleet.Backend;
import io.llmrelay.server.fleet.Router;
import io.llmrelay.server.upstream.UpstreamRequest;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One request's attempts at a model: the first backend the router picks, then, when an attempt
 * fails before anything reached the client (no status line; for {@code stream:false}, no token),
 * another backend of the model that has not failed this request yet — up to {@code retry.attempts}
 * in all, for the failures {@code retry.on} names, within the fleet's retry budget, after a short
 * jittered pause. Once anything is
 * committed, the failure goes to the client as it is.
 *
 * <p>Confined to the exchange's event loop. Owns the slot of a backend chosen for the next attempt
 * until that attempt starts (then the attempt owns it) or the client leaves.
 */
final class Failover implements Attempt.Retrier {

    private final Exchange ex;
    private final Router router;
    private final RetryBudget budget;
    private final ModelRoute route;
    private final long stickyKey;
    private final AttemptPlan plan;
    private final ResilienceConfig.Retry retry;
    private final List<Backend> tried = new ArrayList<>(2);
    private ScheduledFuture<?> pending;
    private Backend pendingBackend;

    Failover(Exchange ex, Router router, RetryBudget budget, ModelRoute route, long stickyKey, AttemptPlan plan) {
        this.ex = ex;
        this.router = router;
        this.budget = budget;
        this.route = route;
        this.stickyKey = stickyKey;
        this.plan = plan;
        this.retry = ex.context().config().resilience().retry();
    }

    /** Starts the first attempt on {@code backend}, whose slot the caller took. */
    void start(Backend backend) {
        attempt(backend);
    }

    @Override
    public boolean retry(ResilienceConfig.On kind, int status, String message) {
        if (ex.isDone() || ex.isCommitted() || ex.tokenArrived() || tried.size() >= retry.attempts()
                || !retry.retries(kind)) {
            return false;
        }
        Selection<Backend> next = router.select(route, stickyKey, tried::contains);
        if (!next.isChosen()) {
            return false; // no other backend can take it now: the client gets this failure
        }
        if (!budget.tryRetry()) { // retries are already a large share of requests: the fleet is failing
            next.member().stats().release();
            return false;
        }
        Backend backend = next.member();
        long pause = pauseNanos(tried.size());
        pendingBackend = backend;
        ex.onCancel(this::abandonPending); // the client may leave while we wait
        pending = ex.loop().schedule(() -> {
            pending = null;
            pendingBackend = null;
            ex.resume(() -> attempt(backend));
        }, pause, TimeUnit.NANOSECONDS);
        return true;
    }

    private void attempt(Backend backend) {
        tried.add(backend);
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
        Attempt.start(ex, backend, target.model(), tried.size(), request, translator, this);
    }

    /** Full jitter over an exponential step: spreads the retries of many requests that failed at once. */
    private long pauseNanos(int retriesSoFar) {
        long base = retry.backoff().toNanos();
        if (base <= 0) {
            return 0;
        }
        long ceiling = base << Math.min(retriesSoFar - 1, 10);
        return ThreadLocalRandom.current().nextLong(ceiling + 1);
    }

    private void abandonPending() {
        if (pending != null) {
            pending.cancel(false);
            pending = null;
            pendingBackend.stats().release();
            pendingBackend = null;
        }
    }
}
