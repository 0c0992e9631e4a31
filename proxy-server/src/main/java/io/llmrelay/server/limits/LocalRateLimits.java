package io.llmrelay.server.limits;

import io.llmrelay.core.limits.Decision;
import io.llmrelay.core.limits.LimitCounters;
import io.llmrelay.core.limits.Limiter;
import io.llmrelay.core.security.ApiKeys.ApiKey;
import io.netty.util.concurrent.EventExecutor;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Limits per process: the {@link Limiter}'s answer, complete at once. */
final class LocalRateLimits implements RateLimits {

    /** Shared by every unlimited check: no allocation when no limit applies. */
    static final CompletionStage<Decision> UNLIMITED = CompletableFuture.completedStage(Decision.UNLIMITED);

    private final Limiter limiter;

    LocalRateLimits(Limiter limiter) {
        this.limiter = limiter;
    }

    @Override
    public CompletionStage<Decision> check(String clientIp, ApiKey key, EventExecutor loop) {
        return completed(decideNow(clientIp, key));
    }

    /** A decision made at once, as a stage: the shared {@link #UNLIMITED} one when no limit applied. */
    static CompletionStage<Decision> completed(Decision d) {
        return d == Decision.UNLIMITED ? UNLIMITED : CompletableFuture.completedStage(d);
    }

    @Override
    public Decision decideNow(String clientIp, ApiKey key) {
        return limiter.check(clientIp, key);
    }

    @Override
    public int sweep() {
        return limiter.sweep();
    }

    @Override
    public LimitCounters counters() {
        return limiter.counters();
    }

    @Override
    public int redisUp() {
        return -1;
    }

    @Override
    public long redisErrors() {
        return 0;
    }

    @Override
    public void close() {}
}
