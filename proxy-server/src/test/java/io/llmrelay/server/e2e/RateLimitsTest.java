package io.llmrelay.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrelay.server.demo.DemoBackend;
import io.llmrelay.testing.SeenSecrets;
import io.llmrelay.server.testing.DemoBackends;
import io.llmrelay.server.testing.Ndjson;
import io.llmrelay.server.testing.RawHttp;
import io.llmrelay.server.testing.RelayHarness;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code limits:} enforced on the request path (local limits; the shared ones through Redis are
 * tested against a real redis-server in the limits package): a request beyond a rate, a concurrency
 * cap or a key's tokens per minute is a 429 in the caller's shape with {@code Retry-After} and
 * numeric {@code X-RateLimit-*}; allowed answers carry the headers too; probes are never counted.
 */
class RateLimitsTest {

    private static final String CHAT = "{\"model\":\"demo\",\"stream\":false,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String V1 = "{\"model\":\"demo\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final Map<String, String> ENV = Map.of("RELAY_API_KEYS", SeenSecrets.keyPairs("alice=sk-alice-1,bob=sk-bob-2"));

    @TempDir
    Path dir;
    private DemoBackends demos;
    private DemoBackend demo;

    @BeforeEach
    void start() throws Exception {
        demos = new DemoBackends();
        demo = demos.start(); // answers at once: a bucket of one request a second does not refill meanwhile
    }

    @AfterEach
    void stop() {
        demos.close();
    }

    private RelayHarness relay(String limits) throws Exception {
        return relay(limits, demo);
    }

    private RelayHarness relay(String limits, DemoBackend backend) throws Exception {
        return RelayHarness.fromYaml(dir, """
                backends:
                  - {name: demo, url: "%s"}
                auth: {keys_env: RELAY_API_KEYS}
                limits:
                %s
                """.formatted(backend.baseUrl(), limits.indent(2)), ENV).awaitReady();
    }

    private static Response post(RelayHarness relay, String path, String body, String key) throws Exception {
        return relay.post(path, body, "Authorization", "Bearer " + key);
    }

    private static void assertNumericLimitHeaders(Response r) {
        for (String h : new String[] {"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"}) {
            assertThat(r.header(h)).as(h).isNotNull().matches("\\d+");
        }
    }

    @Test
    void aKeyBeyondItsRateGets429InItsApisShapeWhileAnotherKeyAndTheProbesGoOn() throws Exception {
        try (RelayHarness relay = relay("per_key: {rps: 1, burst: 2}")) {
            for (int i = 0; i < 2; i++) {
                try (Response r = post(relay, "/api/chat", CHAT, "sk-alice-1")) {
                    assertThat(r.code()).isEqualTo(200);
                    assertNumericLimitHeaders(r);
                    assertThat(r.header("X-RateLimit-Limit")).isEqualTo("2");
                    assertThat(r.header("X-RateLimit-Remaining")).isEqualTo(Integer.toString(1 - i));
                }
            }
            try (Response r = post(relay, "/api/chat", CHAT, "sk-alice-1")) {
                assertThat(r.code()).isEqualTo(429);
                assertThat(Integer.parseInt(r.header("Retry-After"))).isGreaterThanOrEqualTo(1);
                assertNumericLimitHeaders(r);
                assertThat(r.header("X-RateLimit-Remaining")).isEqualTo("0");
                assertThat(Ndjson.json(r.body().string()).get("error").asText()).contains("alice").contains("rps");
            }
            try (Response r = post(relay, "/v1/chat/completions", V1, "sk-alice-1")) {
                assertThat(r.code()).isEqualTo(429);
                JsonNode error = Ndjson.json(r.body().string()).get("error");
                assertThat(error.get("message").asText()).contains("rps");
                assertThat(error.get("type").asText()).isNotEmpty();
            }
            try (Response r = post(relay, "/api/chat", CHAT, "sk-bob-2")) {
                assertThat(r.code()).as("bob has a bucket of his own").isEqualTo(200);
            }
            for (int i = 0; i < 10; i++) {
                try (Response r = relay.get("/health")) {
                    assertThat(r.code()).as("probes are not counted").isEqualTo(200);
                }
            }
            assertThat(relay.metrics()).contains("llm_relay_rate_limited_total{limit=\"per_key_rps\"} 2")
                    .contains("llm_relay_errors_total{kind=\"rate_limited\"} 2");
        }
    }

    @Test
    void aConcurrencyCapRefusesWhileAStreamRunsAndFreesItsSlotWhenItEnds() throws Exception {
        try (RelayHarness relay = relay("per_key: {concurrent: 1}", demos.start(Duration.ofMillis(30)))) {
            try (RawHttp stream = RawHttp.connect(relay.port(), 64 * 1024)) {
                stream.post("/api/chat", CHAT.replace("\"stream\":false", "\"stream\":true"),
                        "Authorization: Bearer sk-alice-1", "Connection: close");
                stream.read(64); // the stream has begun: its slot is taken
                try (Response r = post(relay, "/api/chat", CHAT, "sk-alice-1")) {
                    assertThat(r.code()).isEqualTo(429);
                    assertThat(r.header("X-RateLimit-Limit")).isEqualTo("1");
                    assertThat(Ndjson.json(r.body().string()).get("error").asText()).contains("concurrent");
                }
                stream.readChunkedBodyToEnd();
            }
            // the slot comes back when the exchange completes, a moment after the client has read the last chunk
            long deadline = System.nanoTime() + 5_000_000_000L;
            int code;
            do {
                try (Response r = post(relay, "/api/chat", CHAT, "sk-alice-1")) {
                    code = r.code();
                }
            } while (code == 429 && System.nanoTime() < deadline);
            assertThat(code).as("the slot came back when the stream ended").isEqualTo(200);
        }
    }

    @Test
    void aKeysTokensPerMinuteAreChargedWhenTheAnswerEndsAndAnEmptyBucketRefuses() throws Exception {
        try (RelayHarness relay = relay("per_key: {tokens_per_minute: 5}")) {
            try (Response r = post(relay, "/api/chat", CHAT, "sk-alice-1")) {
                JsonNode answer = Ndjson.json(r.body().string());
                assertThat(r.code()).isEqualTo(200);
                assertThat(answer.get("prompt_eval_count").asLong() + answer.get("eval_count").asLong())
                        .as("the demo's answer uses more than the bucket holds").isGreaterThan(5);
            }
            try (Response r = post(relay, "/api/chat", CHAT, "sk-alice-1")) {
                assertThat(r.code()).isEqualTo(429);
                assertThat(r.header("X-RateLimit-Limit")).isEqualTo("5");
                assertThat(Integer.parseInt(r.header("Retry-After"))).isGreaterThanOrEqualTo(1);
                assertThat(Ndjson.json(r.body().string()).get("error").asText()).contains("tokens_per_minute");
            }
            assertThat(relay.metrics()).contains("llm_relay_rate_limited_total{limit=\"per_key_tokens_per_minute\"} 1");
        }
    }

    @Test
    void tokensAreChargedForAnswersPassedThroughAsBytesToo() throws Exception {
        try (RelayHarness relay = relay("per_key: {tokens_per_minute: 5}")) {
            try (Response r = post(relay, "/v1/chat/completions", V1, "sk-alice-1")) {
                assertThat(r.code()).isEqualTo(200);
                assertThat(Ndjson.json(r.body().string()).get("usage").get("total_tokens").asLong()).isGreaterThan(5);
            }
            try (Response r = post(relay, "/v1/chat/completions", V1, "sk-alice-1")) {
                assertThat(r.code()).as("the pass-through answer's usage was charged").isEqualTo(429);
            }
        }
    }

    @Test
    void aGlobalRateCountsEveryClientTogether() throws Exception {
        try (RelayHarness relay = relay("global: {rps: 1, burst: 1}")) {
            try (Response r = post(relay, "/api/chat", CHAT, "sk-alice-1")) {
                assertThat(r.code()).isEqualTo(200);
            }
            try (Response r = post(relay, "/api/chat", CHAT, "sk-bob-2")) {
                assertThat(r.code()).isEqualTo(429);
                assertThat(Ndjson.json(r.body().string()).get("error").asText()).contains("global");
            }
        }
    }
}
