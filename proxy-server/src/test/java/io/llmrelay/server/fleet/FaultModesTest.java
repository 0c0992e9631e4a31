package io.llmrelay.server.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrelay.core.config.BackendOptions;
import io.llmrelay.core.config.BackendTimeouts;
import io.llmrelay.core.config.ModelsConfig;
import io.llmrelay.core.config.ResilienceConfig;
import io.llmrelay.core.config.RoutingConfig;
import io.llmrelay.server.demo.DemoBackend;
import io.llmrelay.server.demo.Fault;
import io.llmrelay.server.demo.FaultPlan;
import io.llmrelay.server.testing.DemoBackends;
import io.llmrelay.server.testing.Ndjson;
import io.llmrelay.server.testing.RelayHarness;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every fault of the fault-injecting backend, through the proxy: a fleet of a faulty backend
 * (tried first: higher priority) and a healthy one serving the same model. A fault before anything
 * reached the client is failed over (the healthy backend answers, attempt 2); a fault after the
 * first token ends the answer with a well-formed error from the backend that started it. Nothing
 * leaks (paranoid leak detection fails the class otherwise), nothing hangs.
 */
class FaultModesTest {

    private static final String CHAT = "{\"model\":\"demo\",\"stream\":false,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String STREAM = CHAT.replace("\"stream\":false", "\"stream\":true");
    private static final String V1 = "{\"model\":\"demo\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    private static DemoBackends demos;
    private static DemoBackend faulty;
    private static RelayHarness relay;

    @BeforeAll
    static void start() throws Exception {
        demos = new DemoBackends();
        faulty = demos.start();
        DemoBackend healthy = demos.start();
        // the faulty one is tried first; its silence before a first byte is cut short so a stall fails over fast
        BackendOptions first = new BackendOptions(200, 1, 0, Map.of(), List.of(), List.of(),
                new BackendTimeouts(null, Duration.ofMillis(500), Duration.ofMillis(500)));
        // failover alone: the faulty backend keeps being tried first (no breaker, ejection or hold-off;
        // those are ResilienceTest's)
        relay = RelayHarness.start(RelayHarness.withResilience(RelayHarness.fleet(List.of(
                RelayHarness.member("faulty", faulty.baseUrl(), first), RelayHarness.member("healthy", healthy.baseUrl())),
                new RoutingConfig(RoutingConfig.Strategy.PRIORITY, RoutingConfig.Sticky.OFF), ModelsConfig.none()),
                RelayHarness.failoverOnly(ResilienceConfig.Retry.defaults()))).awaitReady();
    }

    @AfterAll
    static void stop() {
        relay.close();
        demos.close();
    }

    @BeforeEach
    void noFault() {
        faulty.fault(FaultPlan.NONE);
    }

    /** The faults that strike before the first token: the healthy backend answers every API. */
    @ParameterizedTest
    @EnumSource(value = Fault.class, names = {"REFUSE", "RESET_BEFORE_HEADERS", "STALL_BEFORE_FIRST_BYTE",
            "STATUS_500", "STATUS_429", "STATUS_503", "WRONG_CONTENT_TYPE"})
    void aFaultBeforeTheFirstTokenIsFailedOver(Fault mode) throws Exception {
        faulty.fault(FaultPlan.of(mode).withRetryAfterSeconds(0)); // a Retry-After would hold it off (ResilienceTest)
        for (String[] call : new String[][] {{"/api/chat", CHAT}, {"/api/chat", STREAM}, {"/v1/chat/completions", V1}}) {
            if (mode == Fault.WRONG_CONTENT_TYPE && call[0].startsWith("/v1")) {
                continue; // a pass-through answer is the backend's own: its HTML goes out as it came (below)
            }
            try (Response r = relay.post(call[0], call[1])) {
                String body = r.body().string();
                assertThat(r.code()).as("%s %s: %s", mode, call[0], body).isEqualTo(200);
                assertThat(r.header("X-Relay-Backend")).as("%s %s: %s", mode, call[0], body).isEqualTo("healthy");
                assertThat(r.header("X-Relay-Attempts")).isEqualTo("2");
                assertThat(text(body)).startsWith("Hello! This is the llm-relay demo model");
            }
        }
    }

    /** A whole answer cut short (embeddings: one JSON body) is failed over too, naming the backend that cut it. */
    @Test
    void aWholeEmbeddingsAnswerThatCannotBeReadIsFailedOver() throws Exception {
        faulty.fault(FaultPlan.of(Fault.MALFORMED_SSE));
        try (Response r = relay.post("/api/embed", "{\"model\":\"demo-embed\",\"input\":\"hello there\"}")) {
            String body = r.body().string();
            assertThat(r.code()).as(body).isEqualTo(200);
            assertThat(r.header("X-Relay-Backend")).isEqualTo("healthy");
            assertThat(r.header("X-Relay-Attempts")).isEqualTo("2");
            assertThat(Ndjson.json(body).get("embeddings").get(0).size()).isPositive();
        }
    }

    /** The answer's text, whichever shape it came in: NDJSON lines, an Ollama answer, an OpenAI one. */
    private static String text(String body) {
        StringBuilder text = new StringBuilder();
        for (JsonNode line : body.endsWith("\n") ? Ndjson.parse(body) : List.of(Ndjson.json(body))) {
            JsonNode content = line.has("choices") ? line.get("choices").get(0).get("message").get("content")
                    : line.path("message").path("content");
            text.append(content.asText(""));
        }
        return text.toString();
    }

    /** A reset after three tokens: the client keeps what it got and a last error line; no second backend. */
    @Test
    void aResetMidStreamEndsTheStreamWithAnErrorLine() throws Exception {
        faulty.fault(FaultPlan.of(Fault.RESET_MID_STREAM));
        try (Response r = relay.post("/api/chat", STREAM)) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.header("X-Relay-Backend")).isEqualTo("faulty");
            assertThat(r.header("X-Relay-Attempts")).isEqualTo("1");
            List<JsonNode> lines = Ndjson.parse(r.body().string());
            assertThat(lines).hasSizeGreaterThan(1);
            assertThat(lines.get(0).get("message").get("content").asText()).isNotEmpty();
            assertThat(lines.get(lines.size() - 1).get("error").asText()).contains("faulty");
        }
        try (Response r = relay.post("/api/chat", CHAT)) { // merged: tokens had arrived, so no retry either
            assertThat(r.code()).isEqualTo(502);
            assertThat(r.header("X-Relay-Backend")).isEqualTo("faulty");
            assertThat(Ndjson.json(r.body().string()).get("error").asText()).contains("faulty");
        }
    }

    @Test
    void aStallMidStreamEndsAtTheIdleLimitWithAnErrorLine() throws Exception {
        faulty.fault(FaultPlan.of(Fault.STALL_MID_STREAM));
        try (Response r = relay.post("/api/chat", STREAM)) {
            List<JsonNode> lines = Ndjson.parse(r.body().string());
            assertThat(lines.get(lines.size() - 1).get("error").asText()).contains("sent nothing for");
        }
    }

    /**
     * The silence timer is the backend connection's and outlives a call: a stall on a connection that
     * just served a request is still cut at the limit (500 ms here), neither early by the first call's
     * timer nor late by waiting out a second period.
     */
    @Test
    void aStallOnAConnectionReusedFromThePoolIsCutAtTheLimit() throws Exception {
        try (Response r = relay.post("/api/chat", CHAT)) { // leaves the faulty backend's connection pooled
            assertThat(r.header("X-Relay-Backend")).isEqualTo("faulty");
            r.body().string();
        }
        Thread.sleep(200); // the first call's timer is now due well before the second call's limit
        faulty.fault(FaultPlan.of(Fault.STALL_MID_STREAM));
        long start = System.nanoTime();
        try (Response r = relay.post("/api/chat", STREAM)) {
            List<JsonNode> lines = Ndjson.parse(r.body().string());
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertThat(lines.get(lines.size() - 1).get("error").asText()).contains("sent nothing for 0.500 s");
            assertThat(millis).as("cut at the idle limit").isBetween(450L, 2_000L);
        }
    }

    @Test
    void aSlowDripStillArrivesWhole() throws Exception {
        faulty.fault(FaultPlan.of(Fault.SLOW_DRIP).withDrip(Duration.ofMillis(1)));
        try (Response r = relay.post("/api/chat", CHAT)) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.header("X-Relay-Backend")).isEqualTo("faulty");
            assertThat(Ndjson.json(r.body().string()).get("message").get("content").asText())
                    .startsWith("Hello! This is the llm-relay demo model");
        }
    }

    @Test
    void aMalformedOrOversizeEventIsAWellFormedError() throws Exception {
        for (Fault mode : new Fault[] {Fault.MALFORMED_SSE, Fault.OVERSIZE_EVENT}) {
            faulty.fault(FaultPlan.of(mode));
            try (Response r = relay.post("/api/chat", STREAM)) {
                String body = r.body().string();
                assertThat(r.code()).as(mode.wireName()).isEqualTo(200);
                List<JsonNode> lines = Ndjson.parse(body);
                JsonNode last = lines.get(lines.size() - 1);
                // before the first token another backend answers whole; after it, the stream ends with an error line
                assertThat(last.has("error") || last.path("done").asBoolean()).as("%s: %s", mode, last).isTrue();
            }
        }
    }
}
