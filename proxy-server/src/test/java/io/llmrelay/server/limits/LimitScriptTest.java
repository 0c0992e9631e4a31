package io.llmrelay.server.limits;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.llmrelay.server.testing.RedisServer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Lua scripts themselves, run against a real redis-server. */
class LimitScriptTest {

    private RedisServer redis;
    private RedisClient client;
    private StatefulRedisConnection<String, String> connection;
    private RedisCommands<String, String> commands;

    @BeforeEach
    void start() throws Exception {
        redis = RedisServer.start();
        client = RedisClient.create(redis.uri().toString());
        connection = client.connect();
        commands = connection.sync();
    }

    @AfterEach
    void stop() throws Exception {
        connection.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        redis.close();
    }

    private List<Long> run(LimitScript script, String[] keys, String... args) {
        return commands.eval(script.source, ScriptOutputType.MULTI, keys, args);
    }

    private List<Long> check(String subject, String member, long leaseMs, String interval, int size, int concurrent,
            int tpm) {
        return run(LimitScript.CHECK, new String[] {subject + ":r", subject + ":c", subject + ":t"}, member,
                Long.toString(leaseMs), interval, Integer.toString(size), Integer.toString(concurrent),
                Integer.toString(tpm));
    }

    @Test
    void theBucketsNumbersAreTheLocalLimitersNumbers() {
        // rps 2 (500,000 µs a request), a bucket of 4: as RequestBucketTest has it
        for (long left = 3; left >= 0; left--) {
            assertThat(check("t:a", "m", 30_000, "500000.0", 4, 0, 0)).containsExactly(1L, 1L, 1L, 4L, left, left == 3 ? 1L
                    : left == 2 ? 1L : 2L, 0L);
        }
        assertThat(check("t:a", "m", 30_000, "500000.0", 4, 0, 0)).as("refused: wait 0.5 s, full in 2 s")
                .containsExactly(0L, 1L, 1L, 4L, 0L, 2L, 1L);
    }

    @Test
    void stateKeysExpireOnceTheyMeanNothing() {
        check("t:b", "m1", 2_000, "100000.0", 10, 3, 0);
        long bucketTtl = commands.pttl("t:b:r");
        assertThat(bucketTtl).as("full again in 0.1 s").isBetween(1L, 102L);
        assertThat(commands.pttl("t:b:c")).as("a lease's lifetime").isBetween(1L, 2_000L);
        run(LimitScript.CHARGE, new String[] {"t:b:t"}, "600", "600");
        assertThat(commands.pttl("t:b:t")).as("600 tokens at 600/min: a minute").isBetween(59_000L, 60_001L);
        assertThat(commands.exists("t:never")).isZero();
    }

    @Test
    void theLeasesOfAReplicaThatStoppedExpire() throws Exception {
        assertThat(check("t:c", "crashed:1", 300, "0", 1, 1, 0).get(0)).isEqualTo(1L);
        List<Long> refused = check("t:c", "other:1", 300, "0", 1, 1, 0);
        assertThat(refused).containsExactly(0L, 1L, 2L, 1L, 0L, 1L, 1L);
        Thread.sleep(400);
        assertThat(check("t:c", "other:2", 300, "0", 1, 1, 0).get(0)).as("the lease expired: its slot is back")
                .isEqualTo(1L);
    }

    @Test
    void aRenewedLeaseLivesOnAndAReleasedOneIsNotBroughtBack() throws Exception {
        check("t:d", "live:1", 1_000, "0", 1, 2, 0);
        check("t:d", "done:1", 1_000, "0", 1, 2, 0);
        assertThat(run(LimitScript.RELEASE, new String[] {"t:d:c"}, "done:1")).containsExactly(1L);
        assertThat(commands.zcard("t:d:c")).isEqualTo(1);
        long start = System.nanoTime();
        while (System.nanoTime() - start < Duration.ofMillis(1_500).toNanos()) {
            Thread.sleep(200);
            commands.eval(LimitScript.RENEW.source, ScriptOutputType.INTEGER, new String[] {"t:d:c", "t:d:c"}, "1000",
                    "live:1", "done:1");
        }
        assertThat(commands.zrange("t:d:c", 0, -1)).as("past a lifetime, renewed every 200 ms").containsExactly("live:1");
    }

    @Test
    void tokensRefuseWhileTheBucketIsEmptyAndTheDebtIsPaidByTheRefill() {
        assertThat(check("t:e", "m", 1_000, "0", 1, 0, 600).get(0)).isEqualTo(1L);
        run(LimitScript.CHARGE, new String[] {"t:e:t"}, "700", "600");
        List<Long> refused = check("t:e", "m", 1_000, "0", 1, 0, 600);
        assertThat(refused.subList(0, 5)).containsExactly(0L, 1L, 3L, 600L, 0L);
        assertThat(refused.get(5)).as("700 tokens at 10/s").isBetween(69L, 70L);
        assertThat(refused.get(6)).as("100 tokens of debt at 10/s").isBetween(10L, 11L);
    }
}
