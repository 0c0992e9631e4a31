package io.llmrelay.server.exchange;

import io.llmrelay.core.limits.Decision;
import io.llmrelay.core.limits.Permit;
import io.llmrelay.core.metrics.ErrorKind;
import io.llmrelay.server.http.Route;
import io.llmrelay.server.limits.RateLimits;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.util.EnumSet;
import java.util.Set;

/**
 * The {@link RequestLimiter} of a running proxy: every request that passed the key check is checked
 * against {@code limits:} (global, per client address, per key) before its endpoint runs. Allowed, it
 * holds its permit (a concurrency slot) until the exchange ends, when the permit is given back and
 * charged the tokens the backend reported; the answer carries {@code X-RateLimit-*} for the limit
 * with the least left. Refused, the client gets a 429 (or, while shared limits cannot be consulted
 * under {@code redis_down: closed}, a 503) in its API's shape with {@code Retry-After} and
 * {@code X-RateLimit-*}.
 *
 * <p>The probes ({@code /}, {@code /api/version}, {@code /health*}) and the admin routes are never
 * counted: a busy client must not make its proxy look dead to a kubelet or blind its operator.
 *
 * <p>Runs on the exchange's event loop; a check through Redis completes later on that same loop. Holds
 * no buffer.
 */
public final class RateLimitAdmission implements RequestLimiter {

    private static final Set<Route> UNCOUNTED = EnumSet.of(Route.ROOT, Route.VERSION, Route.HEALTH, Route.READY,
            Route.METRICS, Route.INTERNAL_STATUS, Route.RELOAD);

    private final RateLimits limits;

    public RateLimitAdmission(RateLimits limits) {
        this.limits = limits;
    }

    @Override
    public void admit(Exchange ex, Route route, Runnable proceed) {
        if (UNCOUNTED.contains(route)) {
            proceed.run();
            return;
        }
        String ip = ex.clientIp();
        String clientIp = ip == null ? "unknown" : ip;
        Decision now = limits.decideNow(clientIp, ex.apiKey());
        if (now != null) {
            apply(ex, now, proceed);
            return;
        }
        Pending pending = new Pending(ex, proceed);
        limits.check(clientIp, ex.apiKey(), ex.loop()).whenComplete((decision, failure) -> pending.decided(decision));
        pending.returned();
    }

    /** One check in flight: decided at once (local limits) or later, on the exchange's loop (Redis). */
    private static final class Pending {
        private final Exchange ex;
        private final Runnable proceed;
        private boolean returned;

        Pending(Exchange ex, Runnable proceed) {
            this.ex = ex;
            this.proceed = proceed;
        }

        void decided(Decision d) {
            if (!returned) {
                apply(ex, d, proceed); // still inside the gate: the dispatch goes on as usual
            } else {
                ex.resume(() -> {
                    if (ex.isDone()) { // the client left while Redis answered
                        d.permit().release();
                        return;
                    }
                    apply(ex, d, proceed);
                });
            }
        }

        void returned() {
            returned = true;
        }
    }

    private static void apply(Exchange ex, Decision d, Runnable proceed) {
        if (d.hasHeaders()) {
            ex.rateLimitHeaders(d.limitValue(), d.remaining(), d.resetSeconds());
        }
        if (!d.allowed()) {
            ex.responseHeader(HttpHeaderNames.RETRY_AFTER, Math.max(1, d.retryAfterSeconds()));
            ex.fail(d.status(), d.message(), ErrorKind.RATE_LIMITED);
            return;
        }
        Permit permit = d.permit();
        if (permit != Permit.NONE) {
            ex.onComplete(() -> {
                permit.charge(Math.max(0, ex.promptTokens()), Math.max(0, ex.completionTokens()));
                permit.release();
            });
        }
        proceed.run();
    }
}
