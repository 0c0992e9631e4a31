package io.llmrelay.server.limits;

import io.llmrelay.core.config.SecurityConfig.Limits;
import io.llmrelay.core.limits.Decision;
import io.llmrelay.core.limits.LimitCounters;
import io.llmrelay.core.limits.Limiter;
import io.llmrelay.core.security.ApiKeys.ApiKey;
import io.llmrelay.server.runtime.Transport;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;

/**
 * The rate limits as the request path calls them (issue 13): per process ({@link LocalRateLimits}),
 * or shared by every replica through Redis ({@link SharedRateLimits}, when {@code limits.redis} is
 * set). The call is asynchronous and never blocks: the stage is complete when returned (local limits,
 * Redis known down) or completes on the caller's event loop.
 */
public interface RateLimits extends AutoCloseable {

    /** How often the server should call {@link #sweep()}: idle client addresses are forgotten. */
    Duration SWEEP_EVERY = Duration.ofSeconds(10);

    /**
     * Whether a request from {@code clientIp} with {@code key} (null: none was needed) may go on.
     * Allowed: hold {@link Decision#permit()} until the answer ends, release it then and charge it the
     * answer's tokens. Refused: {@link Decision#status()} (429, or 503 for {@code redis_down: closed})
     * with the header numbers. The stage completes on {@code loop} (or is complete already) and never
     * fails.
     */
    CompletionStage<Decision> check(String clientIp, ApiKey key, EventExecutor loop);

    /**
     * {@link #check}'s decision when it is known without waiting (per-process limits, no limit
     * applying, Redis known to be down); null when only {@link #check} can tell. Spares the request
     * path a stage and its callback when nothing is asynchronous.
     */
    Decision decideNow(String clientIp, ApiKey key);

    /** Forgets idle client addresses (and keys); returns how many went. */
    int sweep();

    /** Refusals by limit: {@code llm_relay_rate_limited_total{limit}}. */
    LimitCounters counters();

    /** {@code llm_relay_redis_up}: 1 when Redis answers, 0 when not; -1 without Redis. */
    int redisUp();

    /**
     * {@code llm_relay_redis_errors_total}: failed Redis commands and connection attempts, lost
     * connections, and checks it answered too late.
     */
    long redisErrors();

    /** Stops talking to Redis (not on an event loop: it waits up to a few seconds for Lettuce's threads). */
    @Override
    void close();

    /**
     * The limits {@code limits} configures: shared through Redis when {@code limits.redis} is set, with
     * Lettuce on {@code loops} (the proxy's, of {@code transport}), else per process.
     */
    static RateLimits create(Limits limits, EventLoopGroup loops, Transport transport, LongSupplier nanoClock) {
        LimitCounters counters = new LimitCounters();
        Limiter local = new Limiter(limits, nanoClock, counters, Limiter.DEFAULT_MAX_TRACKED);
        return limits.redis() == null ? new LocalRateLimits(local)
                : SharedRateLimits.start(limits, local, loops, transport);
    }
}
