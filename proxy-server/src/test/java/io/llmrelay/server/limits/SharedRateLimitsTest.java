package io.llmrelay.server.limits;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.llmrelay.core.config.SecurityConfig.KeyLimits;
import io.llmrelay.core.config.SecurityConfig.Limits;
import io.llmrelay.core.config.SecurityConfig.RateLimit;
import io.llmrelay.core.config.SecurityConfig.RedisDown;
import io.llmrelay.core.limits.Decision;
import io.llmrelay.core.limits.Limit;
import io.llmrelay.core.security.ApiKeys.ApiKey;
import io.llmrelay.server.runtime.Transport;
import io.llmrelay.server.testing.CapturedLog;
import io.llmrelay.server.testing.RedisServer;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The shared limits against a real redis-server: replicas (separate {@link SharedRateLimits}, each
 * with its own local limiter, as two processes would have) share one limit; Redis killed, frozen
 * and restarted.
 */
class SharedRateLimitsTest {

    /**
     * What "answered at once" means here: the deadline (50 ms) plus room for a loaded 2-core machine.
     * It is far below anything that waits on Redis (Lettuce's 1 s command time-out, reconnects).
     */
    private static final long PROMPT_MS = SharedRateLimits.DEADLINE.toMillis() + 450;

    private RedisServer redis;
    private EventLoopGroup loops;
    private final List<RateLimits> replicas = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        redis = RedisServer.start();
        loops = Transport.best().newGroup(2, "limits-test");
    }

    @AfterEach
    void stop() throws Exception {
        replicas.forEach(RateLimits::close);
        loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        redis.close();
    }

    private RateLimits replica(RateLimit global, RateLimit perIp, RedisDown down) {
        Limits limits = new Limits(global, perIp, KeyLimits.OFF, redis.uri(), down);
        RateLimits r = RateLimits.create(limits, loops, Transport.best(), System::nanoTime);
        replicas.add(r);
        assertThat(r).isInstanceOf(SharedRateLimits.class);
        return r;
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 20 s: " + what);
            }
            Thread.sleep(20);
        }
    }

    private static void awaitUp(RateLimits... rs) throws InterruptedException {
        for (RateLimits r : rs) {
            await("Redis up", () -> r.redisUp() == 1);
        }
    }

    private EventExecutor loop() {
        return loops.next();
    }

    private Decision check(RateLimits r, String ip, ApiKey key) throws Exception {
        return r.check(ip, key, loop()).toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    /** A check and how long it took, in milliseconds. */
    private record Timed(Decision decision, long millis) {}

    private Timed timed(RateLimits r, String ip) throws Exception {
        long start = System.nanoTime();
        Decision d = check(r, ip, null);
        return new Timed(d, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }

    @Test
    void twoReplicasShareOneRequestBucket() throws Exception {
        RateLimit global = new RateLimit(1, 10, 0);
        RateLimits a = replica(global, RateLimit.OFF, RedisDown.OPEN);
        RateLimits b = replica(global, RateLimit.OFF, RedisDown.OPEN);
        awaitUp(a, b);

        long start = System.nanoTime();
        int allowed = 0;
        List<Decision> refusals = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Decision d = check(i % 2 == 0 ? a : b, "10.0.0." + i, null);
            if (d.allowed()) {
                allowed++;
            } else {
                refusals.add(d);
            }
        }
        long refilled = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        assertThat(a.redisErrors() + b.redisErrors()).as("every check went through Redis").isZero();
        assertThat(allowed).as("one bucket of 10 for both (each alone would allow 10)").isBetween(10, 10 + (int) refilled);
        Decision refused = refusals.get(0);
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.limitName()).isEqualTo("global rps");
        assertThat(refused.limitValue()).isEqualTo(10);
        assertThat(refused.remaining()).isZero();
        assertThat(refused.retryAfterSeconds()).isEqualTo(1);
        assertThat(refused.resetSeconds()).isBetween(9L, 10L);
        assertThat(a.counters().refused(Limit.GLOBAL_RPS) + b.counters().refused(Limit.GLOBAL_RPS))
                .isEqualTo(refusals.size());
    }

    @Test
    void allowedAnswersCarryTheSharedBucketsNumbersAndCompleteOnTheCallersLoop() throws Exception {
        RateLimits a = replica(RateLimit.OFF, new RateLimit(2, 4, 0), RedisDown.OPEN);
        awaitUp(a);
        EventExecutor loop = loop();
        CompletableFuture<Boolean> onLoop = new CompletableFuture<>();
        // called from the loop, as the server calls it: the callback runs there, answered now or later
        Decision first = loop.submit(() -> a.check("10.1.1.1", null, loop).thenApply(d -> {
            onLoop.complete(loop.inEventLoop());
            return d;
        })).get(5, TimeUnit.SECONDS).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(onLoop.get()).as("completed on the caller's loop").isTrue();
        assertThat(first.limit()).isEqualTo(Limit.PER_IP_RPS);
        assertThat(first.limitValue()).isEqualTo(4);
        assertThat(first.remaining()).isEqualTo(3);
        assertThat(first.resetSeconds()).isEqualTo(1);
        assertThat(check(a, "10.1.1.1", null).remaining()).isBetween(1L, 2L);
    }

    @Test
    void concurrencyIsSharedThroughLeasesAndTokensThroughCharges() throws Exception {
        RateLimits a = replica(RateLimit.OFF, RateLimit.OFF, RedisDown.OPEN);
        RateLimits b = replica(RateLimit.OFF, RateLimit.OFF, RedisDown.OPEN);
        awaitUp(a, b);
        ApiKey alice = Keys.key("alice", new KeyLimits(0, 0, 2, 600));

        Decision onA = check(a, "10.0.0.1", alice);
        Decision onB = check(b, "10.0.0.2", alice);
        assertThat(onA.allowed()).isTrue();
        assertThat(onB.allowed()).isTrue();
        Decision refused = check(a, "10.0.0.1", alice);
        assertThat(refused.limitName()).isEqualTo("key alice concurrent");
        assertThat(refused.limitValue()).isEqualTo(2);
        assertThat(((SharedRateLimits) a).leasesHeld()).isEqualTo(1);

        onB.permit().release();
        onB.permit().release();
        await("B's lease given back", () -> {
            try {
                Decision d = check(a, "10.0.0.1", alice);
                d.permit().release();
                return d.allowed();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });

        onA.permit().charge(500, 200);
        onA.permit().release();
        // releases are sent without waiting; a check racing one may still see its lease
        Decision[] seen = new Decision[1];
        await("A's 700 tokens charged in Redis, seen by B", () -> {
            try {
                Decision d = check(b, "10.0.0.2", alice);
                d.permit().release();
                seen[0] = d;
                return d.limit() == Limit.PER_KEY_TOKENS && !d.allowed();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        Decision empty = seen[0];
        assertThat(empty.limitName()).isEqualTo("key alice tokens_per_minute");
        assertThat(empty.limitValue()).isEqualTo(600);
        assertThat(empty.retryAfterSeconds()).as("100 tokens of debt at 10/s").isBetween(9L, 11L);
        assertThat(empty.resetSeconds()).as("700 tokens to refill").isBetween(69L, 70L);
        assertThat(a.redisErrors() + b.redisErrors()).isZero();
    }

    @Test
    void openAnswersLocallyAtOnceWhileRedisIsDeadAndSharesAgainWhenItIsBack() throws Exception {
        try (CapturedLog log = new CapturedLog()) {
            RateLimits a = replica(RateLimit.OFF, new RateLimit(1, 5, 0), RedisDown.OPEN);
            RateLimits b = replica(RateLimit.OFF, new RateLimit(1, 5, 0), RedisDown.OPEN);
            awaitUp(a, b);
            redis.kill();

            List<Timed> checks = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                checks.add(timed(a, "10.9.9.9"));
            }
            long slowest = checks.stream().mapToLong(Timed::millis).max().orElseThrow();
            System.out.println("Redis dead, redis_down: open: slowest of 40 checks " + slowest + " ms");
            assertThat(slowest).as("no check waits on the dead Redis").isLessThanOrEqualTo(PROMPT_MS);
            long allowed = checks.stream().filter(t -> t.decision().allowed()).count();
            assertThat(allowed).as("limited by this process alone: its own bucket of 5").isBetween(5L, 7L);
            assertThat(checks.get(39).decision().limitName()).isEqualTo("per_ip rps");
            await("down seen", () -> a.redisUp() == 0);
            assertThat(a.redisErrors()).isPositive();

            redis.restart();
            awaitUp(a, b);
            int shared = 0;
            long start = System.nanoTime();
            for (int i = 0; i < 20; i++) {
                if (check(i % 2 == 0 ? a : b, "10.8.8.8", null).allowed()) {
                    shared++;
                }
            }
            long refilled = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
            assertThat(shared).as("one shared bucket of 5 again").isBetween(5, 5 + (int) refilled);

            List<String> down = messages(log, Level.WARN, "cannot be used");
            List<String> up = messages(log, Level.INFO, "answers");
            assertThat(down).as("one line per replica for the one transition down").hasSize(2);
            assertThat(down.get(0)).contains("127.0.0.1:" + redis.port()).contains("per process");
            assertThat(up).as("up at start and up again, per replica").hasSize(4);
            assertThat(log.events()).as("Lettuce's line per reconnect attempt is silenced").noneMatch(
                    e -> e.getLoggerName().startsWith("io.lettuce.core.protocol") && e.getLevel().isGreaterOrEqual(Level.INFO)
                            && e.getLevel() != Level.ERROR);
        }
    }

    @Test
    void closedRefusesWith503WhileRedisIsDead() throws Exception {
        RateLimits a = replica(new RateLimit(100, 0, 0), RateLimit.OFF, RedisDown.CLOSED);
        awaitUp(a);
        assertThat(check(a, "10.0.0.1", null).allowed()).isTrue();
        redis.kill();
        for (int i = 0; i < 10; i++) {
            Timed t = timed(a, "10.0.0.1");
            assertThat(t.millis()).isLessThanOrEqualTo(PROMPT_MS);
            assertThat(t.decision().status()).isEqualTo(503);
            assertThat(t.decision().retryAfterSeconds()).isEqualTo(1);
            assertThat(t.decision().message()).contains("redis_down: closed");
        }
        assertThat(a.counters().unavailable()).isEqualTo(10);

        redis.restart();
        awaitUp(a);
        await("allowed through Redis again", () -> {
            try {
                return check(a, "10.0.0.1", null).allowed();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    @Test
    void aFrozenRedisCostsACheckTheDeadlineAtMostThenNothing() throws Exception {
        RateLimits a = replica(new RateLimit(1000, 0, 0), RateLimit.OFF, RedisDown.OPEN);
        awaitUp(a);
        // warm: the first check of a JVM loads the classes of both paths (a running proxy has long done so)
        assertThat(check(a, "10.0.0.1", null).allowed()).isTrue();
        ((SharedRateLimits) a).unshared("10.0.0.1", null).permit().release();
        redis.pause();
        try {
            List<Timed> checks = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                checks.add(timed(a, "10.0.0.1"));
            }
            long slowest = checks.stream().mapToLong(Timed::millis).max().orElseThrow();
            System.out.println("Redis frozen: check times (ms) " + checks.stream().map(Timed::millis).toList());
            assertThat(slowest).isLessThanOrEqualTo(PROMPT_MS);
            assertThat(checks).allMatch(t -> t.decision().allowed());
            assertThat(a.redisUp()).as(RedisHealth.MISSES_TO_DOWN + " late answers: down").isZero();
            assertThat(a.redisErrors()).isGreaterThanOrEqualTo(RedisHealth.MISSES_TO_DOWN);
        } finally {
            redis.resume();
        }
        awaitUp(a);
    }

    @Test
    void closingLeavesTheProxysLoopsRunning() throws Exception {
        RateLimits a = replica(new RateLimit(10, 0, 0), RateLimit.OFF, RedisDown.OPEN);
        awaitUp(a);
        assertThat(((SharedRateLimits) a).link()).isNotNull();
        a.close();
        replicas.remove(a);
        assertThat(loops.isShuttingDown()).isFalse();
        assertThat(loops.next().submit(() -> "still running").get(5, TimeUnit.SECONDS)).isEqualTo("still running");
    }

    private static List<String> messages(CapturedLog log, Level level, String containing) {
        List<String> out = new ArrayList<>();
        for (ILoggingEvent e : log.events()) {
            if (e.getLoggerName().equals(RedisHealth.class.getName()) && e.getLevel() == level
                    && e.getFormattedMessage().contains(containing)) {
                out.add(e.getFormattedMessage());
            }
        }
        return out;
    }
}
