package io.llmrelay.server.proxy;

import io.llmrelay.core.api.RelayException;
import io.llmrelay.core.balance.Selection;
import io.llmrelay.core.metrics.ErrorKind;
import io.llmrelay.core.registry.ModelRoute;
import io.llmrelay.core.resilience.FailureKind;
import io.llmrelay.core.translate.BodyTranslator;
import io.llmrelay.server.exchange.Exchange;
import io.llmrelay.server.fleet.Backend;
import io.llmrelay.server.fleet.Router;
import io.llmrelay.server.upstream.UpstreamRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * One request's attempts at a model: the first backend the router picks, then, when an attempt
 * fails before anything reached the client (no status line; for {@code stream:false}, no token),
 * another backend of the model that has not failed this request yet — up to {@code retry.attempts}
 * in all, for the failures {@code retry.on} names, within the fleet's retry budget, after a short
 * jittered pause. When no backend of the model can take it (none routable, every one tried or at its
 * cap), the next model of its {@code models.fallbacks} chain is tried the same way. Once anything is
 * committed, the failure goes to the client as it is.
 *
 * <p>Confined to the exchange's event loop. Owns the slot of a backend chosen for the next attempt
 * until that attempt starts (then the attempt owns it) or the client leaves.
 */
final class Failover implements Attempt.Retrier {

    private static final Predicate<Backend> NONE_TRIED = b -> false;

    private final Exchange ex;
    private final Router router;
    private final io.llmrelay.core.resilience.Failover decision;
    private final long stickyKey;
    private final AttemptPlan plan;
    /** the requested model, then its fallbacks */
    private final List<ModelRoute> chain;
    /** the model of {@link #chain} being tried */
    private int link;
    /** backends of that model that failed this request */
    private final List<Backend> tried = new ArrayList<>(2);
    private int attempts;
    private ScheduledFuture<?> pending;
    private Backend pendingBackend;

    Failover(Exchange ex, Router router, io.llmrelay.core.resilience.Failover decision, ModelRoute route,
            long stickyKey, AttemptPlan plan) {
        this.ex = ex;
        this.router = router;
        this.decision = decision;
        this.stickyKey = stickyKey;
        this.plan = plan;
        List<ModelRoute> fallbacks = router.fallbacks(route);
        if (fallbacks.isEmpty()) {
            this.chain = List.of(route);
        } else {
            List<ModelRoute> all = new ArrayList<>(fallbacks.size() + 1);
            all.add(route);
            for (ModelRoute fallback : fallbacks) {
                if (ex.mayUse(fallback.name())) { // a client key never reaches a model it may not use this way
                    all.add(fallback);
                }
            }
            this.chain = all;
        }
    }

    /** Starts the first attempt, or fails with why no backend of the model (or of its fallbacks) can take it. */
    void start() {
        Selection<Backend> first = router.selectRoutable(chain.get(0), stickyKey, NONE_TRIED);
        if (!first.isChosen()) {
            Selection<Backend> other = nextModel();
            if (other == null) {
                other = panic();
            }
            if (other == null) {
                throw unavailable(first.result());
            }
            first = other;
        }
        attempt(first.member());
    }

    @Override
    public boolean retry(FailureKind kind, int status, String message) {
        if (ex.isDone() || ex.isCommitted() || ex.tokenArrived()
                || !decision.policy().mayRetry(kind, attempts, false)) {
            return false;
        }
        Selection<Backend> next = router.selectRoutable(chain.get(link), stickyKey, tried::contains);
        if (!next.isChosen()) {
            next = nextModel();
        }
        if (next == null) {
            next = panic();
            if (next == null) {
                return false; // nothing else can take it now: the client gets this failure
            }
        }
        Backend backend = next.member();
        long pause = decision.retryDelayNanos(kind, attempts, false);
        if (pause < 0) { // retries are already a large share of requests: the fleet is failing
            backend.giveBack();
            return false;
        }
        pendingBackend = backend;
        ex.onCancel(this::abandonPending); // the client may leave while we wait
        pending = ex.loop().schedule(() -> {
            pending = null;
            pendingBackend = null;
            ex.resume(() -> attempt(backend));
        }, pause, TimeUnit.NANOSECONDS);
        return true;
    }

    /**
     * A routable backend of a later model in the chain, its slot taken, the chain moved on to that
     * model; null when none (the chain stays where it was).
     */
    private Selection<Backend> nextModel() {
        for (int next = link + 1; next < chain.size(); next++) {
            Selection<Backend> s = router.selectRoutable(chain.get(next), stickyKey, NONE_TRIED);
            if (s.isChosen()) {
                link = next;
                tried.clear(); // another model: a backend that failed the last one may serve this one
                return s;
            }
        }
        return null;
    }

    /**
     * When nothing in the chain is routable: any backend of the model being tried that this request has
     * not tried and no {@code Retry-After} holds off (the router's panic), else of a later model.
     */
    private Selection<Backend> panic() {
        for (int at = link; at < chain.size(); at++) {
            Selection<Backend> s = router.selectInPanic(chain.get(at), stickyKey,
                    at == link ? tried::contains : NONE_TRIED);
            if (s.isChosen()) {
                if (at != link) {
                    link = at;
                    tried.clear();
                }
                return s;
            }
        }
        return null;
    }

    private void attempt(Backend backend) {
        tried.add(backend);
        attempts++;
        ModelRoute route = chain.get(link);
        ModelRoute.Target target = Router.targetOn(route, backend);
        UpstreamRequest request;
        BodyTranslator translator;
        try {
            request = plan.request(backend, target);
            translator = plan.translator(backend, target);
        } catch (RuntimeException e) {
            backend.giveBack(); // nothing was sent: the slot was never used
            throw e;
        }
        ex.onSuccess(() -> plan.succeeded(backend, target));
        Attempt.start(ex, backend, target.model(), attempts, request, translator, this);
    }

    /** Why the request cannot be served at all: every backend full, or kept out (breaker, hold-off, ...). */
    private RelayException unavailable(Selection.Result result) {
        ModelRoute route = chain.get(0);
        String also = chain.size() > 1 ? " (nor of its fallbacks)" : "";
        if (result == Selection.Result.AT_CAPACITY) {
            return Forward.atCapacity(ex, "every backend serving model '" + route.name() + "'" + also + " is");
        }
        Router.Unavailable why = router.whyUnavailable(route);
        long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(why.backInNanos() + 999_999_999L));
        ex.responseHeader(HttpHeaderNames.RETRY_AFTER, seconds);
        return new RelayException(503, "no backend of model '" + route.name() + "'" + also + " can take requests now"
                + (why.reasons().isEmpty() ? "" : ": " + why.reasons()), ErrorKind.NO_BACKEND);
    }

    private void abandonPending() {
        if (pending != null) {
            pending.cancel(false);
            pending = null;
            pendingBackend.giveBack();
            pendingBackend = null;
        }
    }
}
