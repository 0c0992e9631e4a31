package io.llmrelay.server.fleet;

import static io.llmrelay.server.testing.RelayHarness.member;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrelay.core.config.RoutingConfig.Strategy;
import io.llmrelay.server.demo.DemoBackend;
import io.llmrelay.server.testing.CapturedLog;
import io.llmrelay.server.testing.DemoBackends;
import io.llmrelay.server.testing.EchoAnswers;
import io.llmrelay.server.testing.Ndjson;
import io.llmrelay.server.testing.RelayHarness;
import io.llmrelay.server.testing.ScriptedBackend;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The fleet in {@code /metrics} and the access log: each attempt counted by backend and outcome
 * ({@code llm_relay_backend_attempts_total}), requests in flight per backend
 * ({@code llm_relay_backend_in_flight}), and the backend that served each request on its log line.
 */
class FleetMetricsTest {

    private CapturedLog log;
    private ScriptedBackend alpha;
    private ScriptedBackend beta;
    private DemoBackends demos;
    private DemoBackend gamma;
    private RelayHarness relay;

    @BeforeEach
    void start() throws Exception {
        log = new CapturedLog();
        alpha = new ScriptedBackend();
        alpha.models(FleetRoutingByModelTest.list("llama3"));
        alpha.answerAll(EchoAnswers.as("alpha"));
        beta = new ScriptedBackend();
        beta.models(FleetRoutingByModelTest.list("qwen3"));
        beta.answerAll(EchoAnswers.as("beta"));
        demos = new DemoBackends();
        gamma = demos.start(Duration.ofSeconds(1)); // serves "demo", a token a second
        relay = RelayHarness.start(RelayHarness.fleet(Strategy.LEAST_CONNECTIONS, member("alpha", alpha.baseUrl()),
                member("beta", beta.baseUrl()), member("gamma", gamma.baseUrl()))).awaitReady();
    }

    @AfterEach
    void stop() {
        relay.close();
        demos.close();
        alpha.close();
        beta.close();
        log.close();
    }

    private static final String LLAMA = "{\"model\":\"llama3\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
    private static final String QWEN = "{\"model\":\"qwen3\",\"stream\":false,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";

    private int call(String path, String body, String requestId) throws Exception {
        try (Response r = relay.post(path, body, "X-Request-ID", requestId)) {
            r.body().string();
            return r.code();
        }
    }

    /** The metrics once {@code line} is among them (a request is counted when its exchange settles). */
    private String metricsWith(String line) throws Exception {
        String metrics = relay.metrics();
        for (int i = 0; i < 200 && !metrics.contains(line); i++) {
            Thread.sleep(10);
            metrics = relay.metrics();
        }
        assertThat(metrics).contains(line);
        return metrics;
    }

    @Test
    void attemptsAreCountedByBackendAndOutcome() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertThat(call("/api/chat", LLAMA, "ok-" + i)).isEqualTo(200);
        }
        beta.enqueue(new MockResponse.Builder().code(500).body("{\"error\":{\"message\":\"boom\"}}").build());
        assertThat(call("/api/chat", QWEN, "boom")).isEqualTo(500);
        beta.enqueue(new MockResponse.Builder().code(400).body("{\"error\":{\"message\":\"bad\"}}").build());
        assertThat(call("/v1/chat/completions", QWEN, "bad")).isEqualTo(400);
        assertThat(call("/v1/chat/completions", QWEN, "fine")).isEqualTo(200);
        assertThat(call("/api/chat", "{\"model\":\"nobody-serves-this\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", "unknown")).isEqualTo(404);

        String metrics = metricsWith("llm_relay_requests_total{route=\"/api/chat\",model=\"nobody-serves-this\"");
        assertThat(metrics)
                .contains("llm_relay_backend_attempts_total{backend=\"alpha\",outcome=\"ok\"} 3\n")
                .contains("llm_relay_backend_attempts_total{backend=\"beta\",outcome=\"server_error\"} 1\n")
                .contains("llm_relay_backend_attempts_total{backend=\"beta\",outcome=\"rejected\"} 1\n")
                .contains("llm_relay_backend_attempts_total{backend=\"beta\",outcome=\"ok\"} 1\n")
                .doesNotContain("llm_relay_backend_attempts_total{backend=\"gamma\"")
                .contains("llm_relay_requests_total{route=\"/api/chat\",model=\"llama3\",backend=\"alpha\",status=\"200\"} 3\n")
                .contains("llm_relay_requests_total{route=\"/api/chat\",model=\"qwen3\",backend=\"beta\",status=\"500\"} 1\n")
                .contains("llm_relay_requests_total{route=\"/v1/chat/completions\",model=\"qwen3\",backend=\"beta\",status=\"200\"} 1\n")
                .contains("llm_relay_backend_in_flight{backend=\"alpha\"} 0\n")
                .contains("llm_relay_backend_in_flight{backend=\"beta\"} 0\n");

        JsonNode ok = accessLine("ok-0");
        assertThat(ok.get("backend").asText()).isEqualTo("alpha");
        assertThat(ok.get("model").asText()).isEqualTo("llama3");
        assertThat(accessLine("boom").get("backend").asText()).isEqualTo("beta");
        assertThat(accessLine("boom").get("status").asInt()).isEqualTo(500);
        assertThat(accessLine("fine").get("backend").asText()).isEqualTo("beta");
        assertThat(accessLine("unknown").path("backend").asText("")).as("no backend was chosen").isEmpty();
    }

    @Test
    void inFlightFollowsAHeldStreamAndACancelledOneIsCountedAsSuch() throws Exception {
        Response stream = relay.post("/api/chat", "{\"model\":\"demo\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
                "X-Request-ID", "held");
        try {
            assertThat(stream.code()).isEqualTo(200);
            assertThat(stream.header("X-Relay-Backend")).isEqualTo("gamma");
            assertThat(relay.metrics())
                    .contains("llm_relay_backend_in_flight{backend=\"gamma\"} 1\n")
                    .contains("llm_relay_backend_in_flight{backend=\"alpha\"} 0\n");
        } finally {
            stream.close(); // the client leaves mid-stream
        }
        String metrics = metricsWith("llm_relay_backend_attempts_total{backend=\"gamma\",outcome=\"cancelled\"} 1\n");
        assertThat(metrics).contains("llm_relay_backend_in_flight{backend=\"gamma\"} 0\n");
        assertThat(accessLine("held").get("backend").asText()).isEqualTo("gamma");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (gamma.openStreams() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(gamma.openStreams()).as("the backend's stream was stopped").isZero();
    }

    /** The access log line of the request with {@code requestId}, waiting for it (lines are written once a request settles). */
    private JsonNode accessLine(String requestId) throws InterruptedException {
        for (int i = 0; i < 300; i++) {
            Optional<JsonNode> line = log.accessLines().stream()
                    .filter(l -> l.path("request_id").asText().equals(requestId)).findFirst();
            if (line.isPresent()) {
                return line.get();
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no access log line for request " + requestId);
    }
}
