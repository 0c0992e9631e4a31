package io.llmrelay.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrelay.server.demo.DemoBackend;
import io.llmrelay.testing.SeenSecrets;
import io.llmrelay.server.testing.DemoBackends;
import io.llmrelay.server.testing.RedisServer;
import io.llmrelay.server.testing.RelayHarness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two proxies (as two replicas would be) in front of one backend share one rate limit through a real
 * {@code redis-server}; with Redis killed, each goes on answering under its own limits at once
 * ({@code redis_down: open}); with Redis back, they share again.
 */
class SharedRateLimitsEndToEndTest {

    private static final String CHAT = "{\"model\":\"demo\",\"stream\":false,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final Map<String, String> ENV = Map.of("RELAY_API_KEYS", SeenSecrets.keyPairs("alice=sk-alice-1"));

    @TempDir
    Path dir;

    private RelayHarness replica(String name, DemoBackend demo, RedisServer redis) throws Exception {
        Path own = Files.createDirectories(dir.resolve(name));
        return RelayHarness.fromYaml(own, """
                backends:
                  - {name: demo, url: "%s"}
                auth: {keys_env: RELAY_API_KEYS}
                limits:
                  per_key: {rps: 1, burst: 4}
                  redis: "%s"
                  redis_down: open
                """.formatted(demo.baseUrl(), redis.uri()), ENV).awaitReady();
    }

    private static int status(RelayHarness relay) throws Exception {
        long start = System.nanoTime();
        try (Response r = relay.post("/api/chat", CHAT, "Authorization", "Bearer sk-alice-1")) {
            r.body().string();
            assertThat((System.nanoTime() - start) / 1_000_000).as("ms for one answer").isLessThan(2_000);
            return r.code();
        }
    }

    @Test
    void twoReplicasShareOneKeysLimitAndKeepAnsweringWhileRedisIsDown() throws Exception {
        try (DemoBackends demos = new DemoBackends(); RedisServer redis = RedisServer.start()) {
            DemoBackend demo = demos.start();
            try (RelayHarness a = replica("a", demo, redis); RelayHarness b = replica("b", demo, redis)) {
                int allowed = 0;
                for (int i = 0; i < 4; i++) {
                    allowed += status(a) == 200 ? 1 : 0;
                    allowed += status(b) == 200 ? 1 : 0;
                }
                // one bucket of 4 for alice across both (a second's refill may add one)
                assertThat(allowed).as("answers allowed across both replicas").isBetween(4, 5);
                assertThat(a.metrics()).contains("llm_relay_redis_up 1");

                redis.kill();
                int whileDown = 0;
                for (int i = 0; i < 6; i++) {
                    whileDown += status(a) == 200 ? 1 : 0; // never delayed: limited by this replica alone
                }
                assertThat(whileDown).as("answered by replica a's own bucket").isBetween(1, 6);
                assertThat(a.metrics()).contains("llm_relay_redis_up 0");

                redis.restart();
                long deadline = System.nanoTime() + 15_000_000_000L;
                while (!a.metrics().contains("llm_relay_redis_up 1") && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                assertThat(a.metrics()).as("shared again").contains("llm_relay_redis_up 1");
            }
        }
    }
}
