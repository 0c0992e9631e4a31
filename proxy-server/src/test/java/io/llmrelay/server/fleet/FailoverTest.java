package io.llmrelay.server.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrelay.core.config.BackendConfig;
import io.llmrelay.core.config.BackendOptions;
import io.llmrelay.core.config.BackendTimeouts;
import io.llmrelay.core.config.ModelsConfig;
import io.llmrelay.core.config.RelayConfig;
import io.llmrelay.core.config.ResilienceConfig;
import io.llmrelay.core.config.RoutingConfig;
import io.llmrelay.server.testing.EchoAnswers;
import io.llmrelay.server.testing.Ndjson;
import io.llmrelay.server.testing.RelayHarness;
import io.llmrelay.server.testing.ScriptedBackend;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import mockwebserver3.MockResponse;
import mockwebserver3.SocketEffect;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Failover before the first byte: a backend that refuses, stalls, sheds load or sends an error
 * event before its first token is passed over for the next backend of the model, and the client
 * sees one clean answer with {@code X-Relay-Attempts: 2}. Nothing is retried once the client has
 * a byte, nor beyond {@code retry.attempts}. The first backend has the higher priority, so it is
 * always tried first.
 */
class FailoverTest {

    private static final String CHAT = "{\"model\":\"m\",\"stream\":false,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String V1 = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    private ScriptedBackend first;
    private ScriptedBackend second;

    @BeforeEach
    void start() throws Exception {
        first = new ScriptedBackend();
        second = new ScriptedBackend();
        second.answerAll(EchoAnswers.as("second"));
    }

    @AfterEach
    void stop() {
        first.close();
        second.close();
    }

    private RelayHarness relay(BackendConfig top, ResilienceConfig.Retry retry) throws Exception {
        RelayConfig c = RelayHarness.fleet(List.of(top, RelayHarness.member("second", second.baseUrl())),
                new RoutingConfig(RoutingConfig.Strategy.PRIORITY, RoutingConfig.Sticky.OFF), ModelsConfig.none());
        // failover alone: the first backend keeps being tried first (breakers and ejections are ResilienceTest's)
        return RelayHarness.start(RelayHarness.withResilience(c, RelayHarness.failoverOnly(retry))).awaitReady();
    }

    private RelayHarness relay(BackendConfig top) throws Exception {
        return relay(top, ResilienceConfig.Retry.defaults());
    }

    private BackendConfig firstMember() {
        return RelayHarness.member("first", first.baseUrl(), RelayHarness.options(200, 1, 0));
    }

    private static void servedBySecond(Response r, int attempts) throws Exception {
        assertThat(r.code()).isEqualTo(200);
        assertThat(r.header("X-Relay-Backend")).isEqualTo("second");
        assertThat(r.header("X-Relay-Attempts")).isEqualTo(Integer.toString(attempts));
    }

    @Test
    void aBackendThatResetsTheConnectionBeforeAnsweringIsPassedOver() throws Exception {
        first.answerAll(req -> new MockResponse.Builder().onResponseStart(new SocketEffect.CloseSocket()).build());
        try (RelayHarness relay = relay(firstMember()); Response r = relay.post("/api/chat", CHAT)) {
            servedBySecond(r, 2);
            assertThat(Ndjson.json(r.body().string()).get("message").get("content").asText())
                    .isEqualTo(EchoAnswers.text("second", "m"));
        }
    }

    @Test
    void aBackendThatBreaksOffBeforeItsFirstEventIsPassedOver() throws Exception {
        first.answerAll(req -> new MockResponse.Builder().code(200).setHeader("Content-Type", "text/event-stream")
                .body(": " + "x".repeat(4000) + "\n\n").onResponseBody(new SocketEffect.CloseSocket()).build());
        try (RelayHarness relay = relay(firstMember());
                Response r = relay.post("/api/chat", CHAT.replace("\"stream\":false", "\"stream\":true"))) {
            servedBySecond(r, 2); // the head went to the backend, but nothing to the client yet
        }
    }

    @Test
    void aDeadBackendNeverCostsTheClientAnAnswer() throws Exception {
        // its list is given, so it is in the catalogue; the health checks or the failover pass it over
        BackendOptions listed = new BackendOptions(200, 1, 0, Map.of(), List.of("m"), List.of());
        RelayConfig c = RelayHarness.fleet(List.of(RelayHarness.member("first", RelayHarness.deadBackendUrl(), listed),
                RelayHarness.member("second", second.baseUrl())),
                new RoutingConfig(RoutingConfig.Strategy.PRIORITY, RoutingConfig.Sticky.OFF), ModelsConfig.none());
        try (RelayHarness relay = RelayHarness.start(c)) {
            for (int i = 0; i < 5; i++) {
                try (Response r = relay.post("/api/chat", CHAT)) {
                    assertThat(r.code()).isEqualTo(200);
                    assertThat(r.header("X-Relay-Backend")).isEqualTo("second");
                }
            }
        }
    }

    @Test
    void a503AndA500AreRetriedElsewhereOnBothApis() throws Exception {
        first.answerAll(req -> new MockResponse.Builder().code(503)
                .setHeader("Content-Type", "application/json").body("{\"error\":{\"message\":\"loading\"}}").build());
        try (RelayHarness relay = relay(firstMember())) {
            try (Response r = relay.post("/api/chat", CHAT)) {
                servedBySecond(r, 2);
            }
            first.answerAll(req -> new MockResponse.Builder().code(500).body("boom").build());
            try (Response r = relay.post("/v1/chat/completions", V1)) {
                servedBySecond(r, 2);
                assertThat(Ndjson.json(r.body().string()).get("choices").get(0).get("message").get("content").asText())
                        .isEqualTo(EchoAnswers.text("second", "m"));
            }
            assertThat(relay.metrics()).contains("llm_relay_backend_attempts_total{backend=\"first\",outcome=\"overloaded\"} 1")
                    .contains("llm_relay_backend_attempts_total{backend=\"first\",outcome=\"server_error\"} 1")
                    .contains("llm_relay_backend_attempts_total{backend=\"second\",outcome=\"ok\"} 2");
        }
    }

    @Test
    void anErrorEventBeforeTheFirstTokenIsRetriedElsewhere() throws Exception {
        first.answerAll(req -> new MockResponse.Builder().code(200).setHeader("Content-Type", "text/event-stream")
                .body("data: {\"error\":{\"message\":\"CUDA out of memory\"}}\n\n").build());
        try (RelayHarness relay = relay(firstMember()); Response r = relay.post("/api/chat", CHAT)) {
            servedBySecond(r, 2);
        }
    }

    @Test
    void aBackendSilentPastItsFirstByteLimitIsPassedOver() throws Exception {
        first.answerAll(EchoAnswers.as("first", 3_000));
        BackendOptions quick = new BackendOptions(200, 1, 0, Map.of(), List.of(), List.of(),
                new BackendTimeouts(null, Duration.ofMillis(300), null));
        long start = System.nanoTime();
        try (RelayHarness relay = relay(RelayHarness.member("first", first.baseUrl(), quick));
                Response r = relay.post("/v1/chat/completions", V1)) {
            servedBySecond(r, 2);
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void nothingIsRetriedOnceTheClientHasAByte() throws Exception {
        // a stream that breaks off after its first event: the client already has the head and a token
        // the socket is closed halfway through the body: the first event is whole, the second cut
        String first = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"}}]}\n\n";
        String second = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + "x".repeat(2000) + "\"}}]}\n\n";
        this.first.answerAll(req -> new MockResponse.Builder().code(200).setHeader("Content-Type", "text/event-stream")
                .body(first + second).onResponseBody(new SocketEffect.CloseSocket()).build());
        try (RelayHarness relay = relay(firstMember());
                Response r = relay.post("/api/chat", CHAT.replace("\"stream\":false", "\"stream\":true"))) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.header("X-Relay-Backend")).isEqualTo("first");
            List<JsonNode> lines = Ndjson.parse(r.body().string());
            assertThat(lines.get(0).get("message").get("content").asText()).isEqualTo("Hel");
            assertThat(lines.get(lines.size() - 1).has("error")).isTrue(); // the stream's last line says why
        }
        assertThat(this.second.drainRequests()).isEmpty(); // content is never duplicated from another backend
    }

    @Test
    void retriesStopAtRetryAttemptsAndOnlyForTheKindsNamed() throws Exception {
        first.answerAll(req -> new MockResponse.Builder().code(500).setHeader("Content-Type", "application/json")
                .body("{\"error\":{\"message\":\"boom\",\"type\":\"server_error\"}}").build());
        ResilienceConfig.Retry once = new ResilienceConfig.Retry(1, EnumSet.allOf(ResilienceConfig.On.class), 20,
                Duration.ofMillis(1));
        try (RelayHarness relay = relay(firstMember(), once); Response r = relay.post("/v1/chat/completions", V1)) {
            assertThat(r.code()).isEqualTo(500);
            assertThat(r.header("X-Relay-Backend")).isEqualTo("first");
        }
        ResilienceConfig.Retry notOn5xx = new ResilienceConfig.Retry(3, EnumSet.of(ResilienceConfig.On.CONNECT), 20,
                Duration.ofMillis(1));
        try (RelayHarness relay = relay(firstMember(), notOn5xx); Response r = relay.post("/v1/chat/completions", V1)) {
            assertThat(r.code()).isEqualTo(500);
            assertThat(Ndjson.json(r.body().string()).get("error").get("message").asText()).isEqualTo("boom");
        }
        assertThat(second.drainRequests()).isEmpty();
    }
}
