package io.llmrelay.server.fleet;

import static io.llmrelay.server.testing.RelayHarness.member;
import static io.llmrelay.server.testing.RelayHarness.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrelay.core.config.RoutingConfig.Strategy;
import io.llmrelay.server.demo.DemoBackend;
import io.llmrelay.server.testing.DemoBackends;
import io.llmrelay.server.testing.Ndjson;
import io.llmrelay.server.testing.RelayHarness;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code max_concurrency} is enforced: with every backend of a model at its cap (held streams), the
 * next request is a 503 with {@code Retry-After}, in the caller's API shape, and nothing is sent; a
 * backend below its cap still serves; once the streams end, requests are served again.
 */
class FleetCapacityTest {

    private static final String STREAMED_CHAT = "{\"model\":\"demo\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    private DemoBackends demos;
    private DemoBackend a;
    private DemoBackend b;
    private RelayHarness relay;
    private final List<Response> held = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        demos = new DemoBackends();
        a = demos.start(Duration.ofSeconds(1)); // ~20 tokens a second apart: a stream outlasts the test
        b = demos.start(Duration.ofSeconds(1));
        relay = RelayHarness.start(RelayHarness.fleet(Strategy.LEAST_CONNECTIONS,
                member("a", a.baseUrl(), options(100, 1, 1)), member("b", b.baseUrl(), options(100, 1, 1)))).awaitReady();
    }

    @AfterEach
    void stop() {
        held.forEach(Response::close);
        relay.close();
        demos.close();
    }

    /** Opens a stream and keeps it (its first token came; the rest takes seconds); returns its backend. */
    private String hold() throws Exception {
        Response r = relay.post("/api/chat", STREAMED_CHAT);
        held.add(r);
        assertThat(r.code()).isEqualTo(200);
        return r.header("X-Relay-Backend");
    }

    private void fillBothCaps() throws Exception {
        Set<String> holders = new HashSet<>();
        holders.add(hold());
        holders.add(hold());
        assertThat(holders).containsExactlyInAnyOrder("a", "b");
        assertThat(a.openStreams() + b.openStreams()).isEqualTo(2);
    }

    @Test
    void everyBackendAtItsCapIsA503InOllamasShapeOnTheOllamaRoutes() throws Exception {
        fillBothCaps();
        for (String[] call : new String[][] {
            {"/api/chat", STREAMED_CHAT},
            {"/api/chat", "{\"model\":\"demo\",\"stream\":false,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"},
            {"/api/generate", "{\"model\":\"demo:latest\",\"prompt\":\"hi\"}"},
            {"/api/embed", "{\"model\":\"demo-embed\",\"input\":\"hi\"}"},
        }) {
            try (Response r = relay.post(call[0], call[1])) {
                assertThat(r.code()).as(call[0]).isEqualTo(503);
                assertThat(r.header("Retry-After")).as(call[0]).isEqualTo("1");
                assertThat(r.header("Content-Type")).as(call[0]).startsWith("application/json");
                JsonNode error = Ndjson.json(r.body().string()).get("error");
                assertThat(error.isTextual()).as(call[0] + ": {\"error\": \"...\"}").isTrue();
                assertThat(error.asText()).contains("max_concurrency");
            }
        }
        assertThat(a.openStreams() + b.openStreams()).as("nothing more was sent").isEqualTo(2);
    }

    @Test
    void everyBackendAtItsCapIsA503InOpenAisShapeOnV1() throws Exception {
        fillBothCaps();
        for (String[] call : new String[][] {
            {"/v1/chat/completions", "{\"model\":\"demo\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"},
            {"/v1/chat/completions", "{\"model\":\"demo:latest\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"},
            {"/v1/embeddings", "{\"model\":\"demo-embed\",\"input\":\"hi\"}"},
        }) {
            try (Response r = relay.post(call[0], call[1])) {
                assertThat(r.code()).as(call[0]).isEqualTo(503);
                assertThat(r.header("Retry-After")).as(call[0]).isEqualTo("1");
                JsonNode error = Ndjson.json(r.body().string()).get("error");
                assertThat(error.isObject()).as(call[0] + ": {\"error\": {...}}").isTrue();
                assertThat(error.get("message").asText()).contains("max_concurrency");
                assertThat(error.get("type").asText()).isEqualTo("api_error");
                assertThat(error.has("param")).isTrue();
                assertThat(error.has("code")).isTrue();
            }
        }
        assertThat(a.openStreams() + b.openStreams()).as("nothing more was sent").isEqualTo(2);
    }

    @Test
    void aBackendBelowItsCapServesAndTheSlotsComeBackWhenTheStreamsEnd() throws Exception {
        String first = hold();
        String other = first.equals("a") ? "b" : "a";
        assertThat(hold()).as("the capped backend is passed over").isEqualTo(other);
        try (Response r = relay.post("/api/chat", STREAMED_CHAT)) {
            assertThat(r.code()).isEqualTo(503);
        }
        held.remove(0).close(); // the client leaves: the proxy cancels the stream and gives the slot back
        FleetStrategiesTest.awaitInFlight(relay, first, 0);
        try (Response r = relay.post("/v1/chat/completions",
                "{\"model\":\"demo\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.header("X-Relay-Backend")).isEqualTo(first);
            assertThat(Ndjson.json(r.body().string()).get("choices").get(0).get("message").get("content").asText())
                    .startsWith("Hello!");
        }
        FleetStrategiesTest.awaitInFlight(relay, first, 0);
        FleetStrategiesTest.awaitInFlight(relay, other, 1);
    }
}
