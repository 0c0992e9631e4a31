package io.llmrelay.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrelay.core.config.RelayConfig;
import io.llmrelay.core.config.SecurityConfig;
import io.llmrelay.server.demo.DemoBackend;
import io.llmrelay.server.testing.DemoBackends;
import io.llmrelay.server.testing.Ndjson;
import io.llmrelay.server.testing.RawHttp;
import io.llmrelay.server.testing.RelayHarness;
import java.util.List;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code limits.request} and the parser's limits, end to end: each refusal is a 4xx in the caller's
 * API shape (never a 5xx), is counted by reason in {@code llm_relay_requests_refused_total}, and the
 * next request on a fresh connection is served.
 */
class InputLimitsTest {

    private static final SecurityConfig.RequestLimits LIMITS = new SecurityConfig.RequestLimits(2048, 20, 512, 3, 2);

    private static DemoBackends demos;
    private static RelayHarness relay;

    @BeforeAll
    static void start() throws Exception {
        demos = new DemoBackends();
        demo = demos.start();
        relay = relayWithLimits();
    }

    private static DemoBackend demo;

    private static RelayHarness relayWithLimits() throws InterruptedException {
        RelayConfig c = RelayHarness.config(RelayHarness.backend(demo.baseUrl(), null));
        SecurityConfig.Limits l = SecurityConfig.Limits.none();
        return RelayHarness.start(c.withSecurity(new SecurityConfig(SecurityConfig.Auth.none(),
                new SecurityConfig.Limits(l.global(), l.perIp(), l.perKey(), l.redis(), l.redisDown(), LIMITS), List.of(),
                SecurityConfig.Admin.none()))).awaitReady();
    }

    @AfterAll
    static void stop() {
        relay.close();
        demos.close();
    }

    private static String chat(int messages, int imagesEach) {
        StringBuilder m = new StringBuilder();
        for (int i = 0; i < messages; i++) {
            m.append(i == 0 ? "" : ",").append("{\"role\":\"user\",\"content\":\"hi\",\"images\":[");
            for (int k = 0; k < imagesEach; k++) {
                m.append(k == 0 ? "" : ",").append("\"aGk=\"");
            }
            m.append("]}");
        }
        return "{\"model\":\"demo\",\"stream\":false,\"messages\":[" + m + "]}";
    }

    private static String v1Chat(int messages, int imagesEach) {
        StringBuilder m = new StringBuilder();
        for (int i = 0; i < messages; i++) {
            m.append(i == 0 ? "" : ",").append("{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}");
            for (int k = 0; k < imagesEach; k++) {
                m.append(",{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,aGk=\"}}");
            }
            m.append("]}");
        }
        return "{\"model\":\"demo\",\"messages\":[" + m + "]}";
    }

    private static JsonNode refused(String path, String body, int status) throws Exception {
        try (Response r = relay.post(path, body)) {
            String text = r.body().string();
            assertThat(r.code()).as(text).isEqualTo(status);
            return Ndjson.json(text);
        }
    }

    @Test
    void tooManyMessagesOrImagesAreRefusedInTheCallersShapeOnEveryRoute() throws Exception {
        assertThat(refused("/api/chat", chat(4, 0), 400).get("error").asText())
                .isEqualTo("request has 4 messages; the limit is 3 (limits.request.max_messages)");
        assertThat(refused("/api/chat", chat(2, 2), 400).get("error").asText())
                .isEqualTo("request has 4 images; the limit is 2 (limits.request.max_images)");
        JsonNode v1 = refused("/v1/chat/completions", v1Chat(4, 0), 400).get("error");
        assertThat(v1.get("message").asText()).contains("4 messages");
        assertThat(v1.get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(refused("/v1/chat/completions", v1Chat(1, 3), 400).get("error").get("message").asText())
                .contains("3 images");
        try (Response r = relay.post("/api/chat", chat(3, 0)); Response v = relay.post("/v1/chat/completions", v1Chat(1, 2))) {
            assertThat(r.code()).as("at the limit").isEqualTo(200);
            assertThat(v.code()).isEqualTo(200);
        }
        assertThat(relay.metrics()).contains("llm_relay_requests_refused_total{reason=\"too_many_messages\"} 2")
                .contains("llm_relay_requests_refused_total{reason=\"too_many_images\"} 2");
    }

    @Test
    void jsonBeyondTheParsersLimitsIsA400WithItsReasonOnBothApis() throws Exception {
        String deep = "{\"model\":\"demo\",\"messages\":[],\"x\":" + "[".repeat(400) + "]".repeat(400) + "}";
        assertThat(refused("/api/chat", deep, 400).get("error").asText()).contains("JSON limits");
        assertThat(refused("/v1/chat/completions", deep, 400).get("error").get("message").asText()).contains("JSON limits");
        String longNumber = "{\"model\":\"demo\",\"messages\":[],\"options\":{\"temperature\":" + "1".repeat(5000) + "}}";
        refused("/api/chat", longNumber, 400);
        assertThat(refused("/api/chat", "{\"model\":", 400).get("error").asText()).startsWith("invalid JSON");
        assertThat(relay.metrics()).contains("llm_relay_requests_refused_total{reason=\"json_too_deep\"} 2")
                .contains("llm_relay_requests_refused_total{reason=\"json_number_too_long\"} 1")
                .contains("llm_relay_requests_refused_total{reason=\"invalid_json\"}");
    }

    @Test
    void tooManyOrTooLargeHeadersAndTooLongATargetAre431And414AndTheConnectionCloses() throws Exception {
        String[] many = new String[25];
        for (int i = 0; i < many.length; i++) {
            many[i] = "X-Extra-" + i + ": v";
        }
        assertRefusedOnTheWire(RawHttp.request("/v1/chat/completions", v1Chat(1, 0), many), 431, "28 header lines", true);
        assertRefusedOnTheWire(RawHttp.request("/api/chat", chat(1, 0), "X-Big: " + "b".repeat(3000)), 431,
                "header lines are too large", false);
        assertRefusedOnTheWire(RawHttp.getRequest("/api/tags?q=" + "q".repeat(1000)), 414, "request target is too long",
                false);
        assertThat(relay.metrics()).contains("llm_relay_requests_refused_total{reason=\"too_many_headers\"} 1")
                .contains("llm_relay_requests_refused_total{reason=\"headers_too_large\"} 1")
                .contains("llm_relay_requests_refused_total{reason=\"uri_too_long\"} 1");
        try (Response r = relay.get("/api/tags")) { // a fresh connection is served
            assertThat(r.code()).isEqualTo(200);
        }
    }

    /**
     * Found by fuzzing: a refusal closed the connection with the client's bytes still unread, the kernel
     * answered them with a reset, and the reset destroyed the 431 or 413 before the client read it.
     */
    @Test
    void aRefusalReachesAClientThatIsStillSending() throws Exception {
        try (RelayHarness own = relayWithLimits()) { // its own: the other tests count refusals
            assertRefusedOnTheWire(own, RawHttp.request("/api/chat", chat(1, 0), "X-Big: " + "b".repeat(300_000)), 431,
                    "header lines are too large", false);
            assertRefusedOnTheWire(own, RawHttp.request("/v1/chat/completions", "{\"model\":\"demo\",\"x\":\""
                    + "y".repeat(3 * 1024 * 1024) + "\"}"), 413, "request body too large", true);
            // refused at the head for its Expect, while the body comes anyway (clients stop waiting for 100)
            assertRefusedOnTheWire(own, RawHttp.request("/api/chat", "{\"model\":\"" + "m".repeat(3 * 1024 * 1024)
                    + "\"}", "Expect: 100-continue"), 413, "request body too large", false);
            assertRefusedOnTheWire(own, RawHttp.request("/api/chat", "{\"model\":\"" + "m".repeat(300_000) + "\"}",
                    "Expect: 200-ok"), 417, "'Expect' may only be '100-continue'", false);
            try (Response r = own.get("/api/tags")) {
                assertThat(r.code()).isEqualTo(200);
            }
        }
    }

    private static void assertRefusedOnTheWire(byte[] request, int status, String says, boolean openAi) throws Exception {
        assertRefusedOnTheWire(relay, request, status, says, openAi);
    }

    private static void assertRefusedOnTheWire(RelayHarness relay, byte[] request, int status, String says,
            boolean openAi) throws Exception {
        try (RawHttp client = RawHttp.connect(relay.port(), 64 * 1024)) {
            client.send(request);
            RawHttp.Response r = client.readResponse();
            assertThat(r.status()).isEqualTo(status);
            assertThat(r.header("Connection")).isEqualTo("close");
            JsonNode error = Ndjson.json(r.body()).get("error");
            assertThat(openAi ? error.get("message").asText() : error.asText()).contains(says);
            assertThat(client.readResponse()).as("the connection is closed").isNull();
        }
    }
}
