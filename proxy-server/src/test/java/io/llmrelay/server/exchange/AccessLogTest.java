package io.llmrelay.server.exchange;

import static io.llmrelay.server.testing.Ndjson.contentChunk;
import static io.llmrelay.server.testing.Ndjson.finishChunk;
import static io.llmrelay.server.testing.Ndjson.sse;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrelay.core.config.Secret;
import io.llmrelay.server.testing.CapturedLog;
import io.llmrelay.server.testing.Ndjson;
import io.llmrelay.server.testing.RelayHarness;
import io.llmrelay.server.testing.ScriptedBackend;
import java.util.List;
import java.util.stream.Collectors;
import mockwebserver3.MockResponse;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import io.llmrelay.testing.SeenSecrets;

/** One JSON line per request with the fields operators need, and never a credential. */
class AccessLogTest {

    private static final String BACKEND_KEY = "sk-BACKEND-SECRET-0001";
    private static final String CLIENT_KEY = "client-SECRET-0002";

    private CapturedLog log;
    private ScriptedBackend backend;
    private RelayHarness relay;

    @BeforeEach
    void start() throws Exception {
        log = new CapturedLog();
        backend = new ScriptedBackend();
        relay = RelayHarness.start(backend.baseUrl(), RelayHarness.withBackend(
                RelayHarness.backend(backend.baseUrl(), Secret.of(SeenSecrets.key(BACKEND_KEY), "env TEST_KEY"))));
    }

    @AfterEach
    void stop() {
        relay.close();
        backend.close();
        log.close();
    }

    @Test
    void eachRequestLogsOneJsonLineWithItsFields() throws Exception {
        backend.enqueueSse(sse(contentChunk("hi"), finishChunk("stop")), 1000);
        try (Response response = call("/api/chat", "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")) {
            response.body().string();
        }
        JsonNode line = awaitAccessLines(1).get(0);
        assertThat(line.get("request_id").asText()).isEqualTo("log-test-1");
        assertThat(line.get("method").asText()).isEqualTo("POST");
        assertThat(line.get("path").asText()).isEqualTo("/api/chat");
        assertThat(line.get("model").asText()).isEqualTo("m");
        assertThat(line.get("backend").asText()).isEqualTo("test-backend");
        assertThat(line.get("status").asInt()).isEqualTo(200);
        assertThat(line.get("bytes").asLong()).isPositive();
        assertThat(line.get("ttfb_us").asLong()).isPositive();
        assertThat(line.get("duration_us").asLong()).isGreaterThanOrEqualTo(line.get("ttfb_us").asLong());
        assertThat(line.get("outcome").asText()).isEqualTo("ok");
        assertThat(line.get("overhead_us").asLong()).isBetween(0L, line.get("duration_us").asLong());
    }

    @Test
    void theLineHasItsMembersInOrderAndNamesTheRequestInItsMessage() throws Exception {
        try (Response response = call("/api/chat", "{\"model\":")) {
            assertThat(response.code()).isEqualTo(400);
        }
        JsonNode line = awaitAccessLines(1).get(0);
        assertThat(line.get("message").asText()).isEqualTo("POST /api/chat 400");
        List<String> names = new java.util.ArrayList<>();
        line.fieldNames().forEachRemaining(names::add);
        assertThat(names).containsSubsequence("message", "method", "path", "status", "request_id", "model", "backend",
                "bytes", "ttfb_us", "duration_us", "overhead_us", "outcome", "client_ip", "key", "error");
        assertThat(line.get("status").isInt()).isTrue();
        assertThat(line.get("model").isNull()).isTrue(); // unknown: the body did not parse
        assertThat(line.get("client_ip").asText()).isEqualTo("127.0.0.1");
        assertThat(line.get("error").asText()).isNotEmpty();
    }

    @Test
    void inTextModeTheMessageCarriesEveryField() throws Exception {
        io.llmrelay.server.log.LogFormat.json(false);
        String message;
        try (Response response = call("/api/chat", "{\"model\":")) {
            assertThat(response.code()).isEqualTo(400);
            awaitAccessLines(1); // the line is written as the exchange ends, after the answer
            message = log.accessEvents().get(0).getFormattedMessage();
        } finally {
            io.llmrelay.server.log.LogFormat.json(true);
        }
        assertThat(message).matches("method=POST path=/api/chat status=400 request_id=log-test-1 model=null "
                + "backend=null bytes=\\d+ ttfb_us=\\d+ duration_us=\\d+ overhead_us=\\d+ outcome=\\w+ "
                + "client_ip=127\\.0\\.0\\.1 key=null error=.+");
    }

    @Test
    void credentialsNeverReachAnyLogLine() throws Exception {
        backend.enqueueSse(sse(contentChunk("hi"), finishChunk("stop")), 1000);
        backend.enqueue(new MockResponse.Builder().code(401).body("{\"error\":{\"message\":\"invalid key\"}}").build());
        try (Response r = call("/v1/chat/completions", "{\"model\":\"m\",\"stream\":true}")) {
            r.body().string();
        }
        try (Response r = call("/api/chat", "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")) {
            assertThat(r.code()).isEqualTo(401);
        }
        try (Response r = call("/api/chat", "{\"model\":")) {
            assertThat(r.code()).isEqualTo(400);
        }
        awaitAccessLines(3);
        String everything = log.events().stream().map(log::encode).collect(Collectors.joining());
        assertThat(everything).doesNotContain(BACKEND_KEY).doesNotContain(CLIENT_KEY).doesNotContainIgnoringCase("authorization");
        // the key did reach the backend, and the client's own key did not
        assertThat(backend.takeRequest().getHeaders().get("Authorization")).isEqualTo("Bearer " + BACKEND_KEY);
    }

    private Response call(String path, String body) throws java.io.IOException {
        return relay.http.newCall(new Request.Builder().url(relay.url(path))
                .header("Authorization", "Bearer " + CLIENT_KEY)
                .header("X-Request-ID", "log-test-" + (log.accessEvents().size() + 1))
                .post(RequestBody.create(body, RelayHarness.JSON)).build()).execute();
    }

    private List<JsonNode> awaitAccessLines(int n) throws InterruptedException {
        for (int i = 0; i < 200 && log.accessEvents().size() < n; i++) {
            Thread.sleep(10);
        }
        List<JsonNode> lines = log.accessLines();
        assertThat(lines).hasSizeGreaterThanOrEqualTo(n);
        return lines;
    }
}
