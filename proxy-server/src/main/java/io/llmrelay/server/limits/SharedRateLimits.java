package io.llmrelay.server.limits;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.llmrelay.core.config.SecurityConfig.Limits;
import io.llmrelay.core.config.SecurityConfig.RedisDown;
import io.llmrelay.core.limits.Decision;
import io.llmrelay.core.limits.LimitCounters;
import io.llmrelay.core.limits.Limiter;
import io.llmrelay.core.limits.Permit;
import io.llmrelay.core.security.ApiKeys.ApiKey;
import io.llmrelay.server.runtime.Transport;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Limits shared by every replica that uses one Redis ({@code limits.redis}). Each check is one
 * {@code check.lua} run (atomic, on Redis' own clock, see {@link CheckCall}); concurrency is counted
 * with leases ({@link Leases}); tokens per minute are charged by {@code charge.lua} when an answer ends.
 *
 * <p>Redis never delays an answer by more than {@link #DEADLINE}: a check unanswered by then, or made
 * while Redis is known down ({@link RedisHealth}), is answered at once without it: by the process's own
 * {@link Limiter} ({@code redis_down: open}: "limited per process until it is back"), or with a 503
 * ({@code redis_down: closed}). A late answer is dropped (its leases given back; its request counted
 * in Redis' bucket all the same).
 */
public final class SharedRateLimits implements RateLimits {

    private static final Logger LOG = LoggerFactory.getLogger(SharedRateLimits.class);

    /**
     * The longest a check waits for Redis. Redis answers a script in well under a millisecond on a
     * local network; 50 ms covers a busy Redis and a loaded proxy, and is a delay clients never notice.
     */
    public static final Duration DEADLINE = Duration.ofMillis(50);
    /** A 503's {@code Retry-After} while Redis is down and {@code redis_down: closed}. */
    static final long RETRY_WHILE_DOWN_SECONDS = 1;
    /** Script errors (not connection trouble) are logged at most this often. */
    private static final long ERROR_LOG_GAP_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final Limits limits;
    private final Limiter local;
    private final RedisHealth health;
    private final RedisResources resources;
    private final RedisLink link;
    private final Leases leases = new Leases();
    private final ScheduledFuture<?> renewals;
    private final String replica;
    private final AtomicLong leaseIds = new AtomicLong();
    private final AtomicLong lastErrorLog = new AtomicLong(System.nanoTime() - ERROR_LOG_GAP_NANOS);

    private SharedRateLimits(Limits limits, Limiter local, EventLoopGroup loops, Transport transport) {
        this.limits = limits;
        this.local = local;
        URI redis = limits.redis();
        this.health = new RedisHealth(redis.getHost() + ":" + (redis.getPort() < 0 ? 6379 : redis.getPort()),
                limits.redisDown());
        this.resources = RedisResources.create(loops, transport);
        this.replica = Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);
        EventExecutor home = loops.next();
        this.link = new RedisLink(redis, resources, health, home);
        this.renewals = home.scheduleAtFixedRate(this::renew, Leases.RENEW_EVERY.toMillis(),
                Leases.RENEW_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("rate limits shared through Redis at {} (redis_down: {}; Lettuce I/O on {})", health.where(),
                limits.redisDown().id(), resources.onProxyLoops() ? "the proxy's event loops" : "a thread of its own");
    }

    /** Starts connecting (in the background: the first checks may run without Redis). */
    static SharedRateLimits start(Limits limits, Limiter local, EventLoopGroup loops, Transport transport) {
        if (limits.redis() == null) {
            throw new IllegalArgumentException("limits.redis is not set");
        }
        return new SharedRateLimits(limits, local, loops, transport);
    }

    @Override
    public CompletionStage<Decision> check(String clientIp, ApiKey key, EventExecutor loop) {
        Decision now = decideNow(clientIp, key);
        if (now != null) {
            return LocalRateLimits.completed(now);
        }
        CheckCall call = CheckCall.of(limits, clientIp, key, replica + ":" + leaseIds.incrementAndGet(), Leases.LIFETIME);
        SharedCheck check = new SharedCheck(this, loop, call);
        check.start();
        return check.result;
    }

    @Override
    public Decision decideNow(String clientIp, ApiKey key) {
        if (!local.appliesTo(clientIp, key)) {
            return Decision.UNLIMITED;
        }
        return health.up() ? null : unshared(clientIp, key);
    }

    /** The answer without Redis: the local limiter's ({@code open}) or a 503 ({@code closed}). */
    Decision unshared(String clientIp, ApiKey key) {
        if (limits.redisDown() == RedisDown.OPEN) {
            return local.check(clientIp, key);
        }
        Decision d = Decision.unavailable(RETRY_WHILE_DOWN_SECONDS);
        local.counters().count(d);
        return d;
    }

    /** Redis' answer as a decision. */
    Decision decided(List<Object> reply, CheckCall call) {
        Decision d;
        try {
            boolean allowed = CheckCall.allowed(reply);
            Permit permit = allowed && call.holdsAnything() ? new SharedPermit(this, call) : Permit.NONE;
            d = call.decision(reply, permit);
        } catch (IllegalStateException e) {
            return failed(e, call);
        }
        health.answered();
        if (d.permit() instanceof SharedPermit p && call.leaseKeys.length > 0) {
            leases.add(p);
        }
        if (!d.allowed()) {
            local.counters().count(d);
        }
        return d;
    }

    /** A check's command failed: counted, and answered without Redis. */
    Decision failed(Throwable error, CheckCall call) {
        Throwable e = RedisLink.unwrap(error);
        if (e instanceof RedisCommandTimeoutException) {
            health.missed();
        } else if (e instanceof RedisCommandExecutionException || e instanceof IllegalStateException) {
            health.error();
            logError(e);
        } else {
            health.error();
            health.markDown(RedisLink.message(e));
        }
        return unshared(call.clientIp, call.key);
    }

    private void logError(Throwable e) {
        long now = System.nanoTime();
        long last = lastErrorLog.get();
        if (now - last >= ERROR_LOG_GAP_NANOS && lastErrorLog.compareAndSet(last, now)) {
            LOG.warn("Redis at {} refused a rate-limit script ({}): such checks are answered without it "
                    + "(logged at most once a minute; counted in llm_relay_redis_errors_total)", health.where(),
                    RedisLink.message(e));
        }
    }

    void released(SharedPermit p) {
        leases.remove(p);
        if (p.call.leaseKeys.length > 0) {
            giveBackLeases(p.call);
        }
    }

    void giveBackLeases(CheckCall call) {
        if (!health.up()) {
            return; // they expire within a lease's lifetime
        }
        link.run(LimitScript.RELEASE, call.leaseKeys, new String[] {call.member}, this::countFailure);
    }

    void charge(CheckCall call, long tokens) {
        if (!health.up()) {
            local.charge(call.key, tokens);
            return;
        }
        link.run(LimitScript.CHARGE, new String[] {call.tokensKey},
                new String[] {Long.toString(tokens), Integer.toString(call.tokensPerMinute)}, (reply, e) -> {
                    if (e != null) {
                        health.error();
                        local.charge(call.key, tokens);
                    }
                });
    }

    private void renew() {
        if (!health.up()) {
            return;
        }
        for (String[][] batch : leases.batches()) {
            link.run(LimitScript.RENEW, batch[0], batch[1], this::countFailure);
        }
    }

    private void countFailure(List<Object> reply, Throwable e) {
        if (e != null) {
            health.error();
        }
    }

    RedisLink link() {
        return link;
    }

    RedisHealth health() {
        return health;
    }

    /** Leases this replica holds now (requests under a shared concurrency cap being answered). */
    int leasesHeld() {
        return leases.size();
    }

    @Override
    public int sweep() {
        return local.sweep();
    }

    @Override
    public LimitCounters counters() {
        return local.counters();
    }

    @Override
    public int redisUp() {
        return health.gauge();
    }

    @Override
    public long redisErrors() {
        return health.errors();
    }

    @Override
    public void close() {
        renewals.cancel(false);
        link.close();
        resources.shutdown();
    }
}
