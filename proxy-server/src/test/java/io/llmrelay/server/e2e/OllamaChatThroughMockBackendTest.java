package io.llmrelay.server.e2e;

import static io.llmrelay.server.testing.Ndjson.contentChunk;
import static io.llmrelay.server.testing.Ndjson.finishChunk;
import static io.llmrelay.server.testing.Ndjson.sse;
import static io.llmrelay.server.testing.Ndjson.usageChunk;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrelay.core.config.Secret;
import io.llmrelay.server.testing.Ndjson;
import io.llmrelay.server.testing.RelayHarness;
import io.llmrelay.server.testing.ScriptedBackend;
import java.util.List;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import io.llmrelay.testing.SeenSecrets;

/** The proxy in front of a scripted OpenAI backend, driven by a real HTTP client. */
class OllamaChatThroughMockBackendTest {

    private ScriptedBackend backend;
    private RelayHarness relay;

    @BeforeEach
    void start() throws Exception {
        backend = new ScriptedBackend();
        relay = RelayHarness.start(backend.baseUrl(), RelayHarness.withBackend(
                RelayHarness.backend(backend.baseUrl(), Secret.of(SeenSecrets.key("sk-test-secret-123"), "test"))));
    }

    @AfterEach
    void stop() {
        relay.close();
        backend.close();
    }

    private void enqueueSse(String body, int chunkSize) {
        backend.enqueueSse(body, chunkSize);
    }

    @Test
    void streamsNdjsonAndSendsTheTranslatedRequest() throws Exception {
        enqueueSse(sse(contentChunk("Hel"), contentChunk("lo"), contentChunk(" world"), finishChunk("stop"),
                usageChunk(12, 3)), 7);

        String body;
        try (Response response = relay.post("/api/chat", "{\"model\":\"m\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"Hi\"}],\"options\":{\"num_predict\":64,\"temperature\":0.2,\"num_ctx\":4096,"
                + "\"mirostat\":1}}")) {
            assertThat(response.code()).isEqualTo(200);
            assertThat(response.header("Content-Type")).isEqualTo("application/x-ndjson");
            assertThat(response.header("Transfer-Encoding")).isEqualTo("chunked");
            body = response.body().string();
        }

        List<JsonNode> lines = Ndjson.parse(body);
        assertThat(lines).hasSize(4);
        for (JsonNode line : lines.subList(0, 3)) {
            assertThat(line.get("model").asText()).isEqualTo("m");
            assertThat(line.get("done").asBoolean()).isFalse();
            assertThat(line.get("message").get("role").asText()).isEqualTo("assistant");
            assertThat(line.has("error")).isFalse();
        }
        assertThat(lines.stream().limit(3).map(l -> l.get("message").get("content").asText()))
                .containsExactly("Hel", "lo", " world");
        JsonNode last = lines.get(3);
        assertThat(last.get("done").asBoolean()).isTrue();
        assertThat(last.get("done_reason").asText()).isEqualTo("stop");
        assertThat(last.get("prompt_eval_count").asLong()).isEqualTo(12);
        assertThat(last.get("eval_count").asLong()).isEqualTo(3);
        for (String metric : new String[] {"total_duration", "load_duration", "prompt_eval_duration", "eval_duration"}) {
            assertThat(last.get(metric).isIntegralNumber()).as(metric).isTrue();
            assertThat(last.get(metric).asLong()).as(metric).isGreaterThanOrEqualTo(0);
        }
        assertThat(last.get("total_duration").asLong()).isGreaterThan(0);

        RecordedRequest upstream = backend.takeRequest();
        assertThat(upstream.getTarget()).isEqualTo("/v1/chat/completions");
        assertThat(upstream.getHeaders().get("Authorization")).isEqualTo("Bearer sk-test-secret-123");
        assertThat(upstream.getHeaders().get("Host")).isEqualTo("localhost:" + backend.port());
        JsonNode sent = Ndjson.json(upstream.getBody().utf8());
        assertThat(sent.get("model").asText()).isEqualTo("m");
        assertThat(sent.get("stream").asBoolean()).isTrue();
        assertThat(sent.get("stream_options").get("include_usage").asBoolean()).isTrue();
        assertThat(sent.get("max_tokens").asInt()).isEqualTo(64);
        assertThat(sent.get("temperature").asDouble()).isEqualTo(0.2);
        assertThat(sent.has("options")).isFalse();
        assertThat(sent.has("num_ctx")).isFalse();
        assertThat(sent.get("messages").toString()).isEqualTo("[{\"role\":\"user\",\"content\":\"Hi\"}]");
    }

    @Test
    void nonStreamingAnswerIsOneCompactJsonObject() throws Exception {
        enqueueSse(sse(contentChunk("Hel"), contentChunk("lo"), finishChunk("length"), usageChunk(5, 2)), 5);

        try (Response response = relay.post("/api/chat",
                "{\"model\":\"m\",\"stream\":false,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")) {
            assertThat(response.code()).isEqualTo(200);
            assertThat(response.header("Content-Type")).isEqualTo("application/json; charset=utf-8");
            String body = response.body().string();
            assertThat(body).doesNotContain("\n");
            JsonNode answer = Ndjson.json(body);
            assertThat(answer.get("message").get("content").asText()).isEqualTo("Hello");
            assertThat(answer.get("done").asBoolean()).isTrue();
            assertThat(answer.get("done_reason").asText()).isEqualTo("length");
            assertThat(answer.get("eval_count").asInt()).isEqualTo(2);
            assertThat(response.header("Content-Length")).isEqualTo(String.valueOf(body.getBytes().length));
        }
    }

    @Test
    void generateAnswersWithResponseField() throws Exception {
        enqueueSse(sse(contentChunk("4"), finishChunk("stop"), usageChunk(9, 1)), 1000);

        try (Response response = relay.post("/api/generate",
                "{\"model\":\"m\",\"system\":\"be brief\",\"prompt\":\"2+2?\"}")) {
            List<JsonNode> lines = Ndjson.parse(response.body().string());
            assertThat(lines.get(0).get("response").asText()).isEqualTo("4");
            assertThat(lines.get(0).has("message")).isFalse();
            assertThat(lines.get(lines.size() - 1).get("done").asBoolean()).isTrue();
        }
        JsonNode sent = Ndjson.json(backend.takeRequest().getBody().utf8());
        assertThat(sent.get("messages").toString())
                .isEqualTo("[{\"role\":\"system\",\"content\":\"be brief\"},{\"role\":\"user\",\"content\":\"2+2?\"}]");
    }

    @Test
    void backendErrorKeepsStatusAndMessageInOllamaShape() throws Exception {
        backend.enqueue(new MockResponse.Builder().code(429).setHeader("Content-Type", "application/json")
                .body("{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\",\"code\":\"rate_limit\"}}")
                .build());

        try (Response response = relay.post("/api/chat", "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")) {
            assertThat(response.code()).isEqualTo(429);
            assertThat(response.header("Content-Type")).startsWith("application/json");
            JsonNode error = Ndjson.json(response.body().string());
            assertThat(error.get("error").asText()).contains("Rate limit reached").contains("test-backend");
            assertThat(error.size()).isEqualTo(1);
        }
    }

    @Test
    void backendErrorReachesOpenAiClientsAsTheBackendSentIt() throws Exception {
        String original = "{\"error\":{\"message\":\"bad model\",\"type\":\"invalid_request_error\",\"param\":\"model\","
                + "\"code\":\"model_not_found\"}}";
        backend.enqueue(new MockResponse.Builder().code(404).setHeader("Content-Type", "application/json")
                .body(original).build());

        try (Response response = relay.post("/v1/chat/completions", "{\"model\":\"m\",\"messages\":[]}")) {
            assertThat(response.code()).isEqualTo(404);
            assertThat(response.body().string()).isEqualTo(original);
        }
    }

    @Test
    void nonJsonBackendErrorBecomesAMessage() throws Exception {
        backend.enqueue(new MockResponse.Builder().code(503).setHeader("Content-Type", "text/html")
                .body("<html>Service Unavailable</html>").build());

        try (Response response = relay.post("/v1/chat/completions", "{\"model\":\"m\",\"messages\":[]}")) {
            assertThat(response.code()).isEqualTo(503);
            JsonNode error = Ndjson.json(response.body().string()).get("error");
            assertThat(error.get("message").asText()).contains("Service Unavailable");
            assertThat(error.get("type").asText()).isEqualTo("api_error");
        }
    }

    @Test
    void errorEventBeforeAnyOutputGetsARealStatus() throws Exception {
        enqueueSse("data: {\"error\":{\"message\":\"model is overloaded\",\"code\":502}}\n\n", 1000);

        try (Response response = relay.post("/api/chat", "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")) {
            assertThat(response.code()).isEqualTo(502);
            assertThat(Ndjson.json(response.body().string()).get("error").asText()).contains("model is overloaded");
        }
    }

    @Test
    void errorAfterStreamingStartedEndsWithOneErrorLine() throws Exception {
        enqueueSse("data: " + contentChunk("partial") + "\n\ndata: {\"error\":{\"message\":\"upstream exploded\"}}\n\n", 1000);

        try (Response response = relay.post("/api/chat", "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")) {
            assertThat(response.code()).isEqualTo(200);
            List<JsonNode> lines = Ndjson.parse(response.body().string());
            assertThat(lines).hasSize(2);
            assertThat(lines.get(0).get("message").get("content").asText()).isEqualTo("partial");
            assertThat(lines.get(1).size()).isEqualTo(1);
            assertThat(lines.get(1).get("error").asText()).contains("upstream exploded");
        }
    }

    @Test
    void passThroughStreamsTheBackendBytesUntouched() throws Exception {
        String events = sse(contentChunk("a"), contentChunk("b"), finishChunk("stop"));
        enqueueSse(events, 3);
        String request = "{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"é\"}],\"extra\":1}";

        try (Response response = relay.http.newCall(new Request.Builder().url(relay.url("/v1/chat/completions?x=1"))
                .header("Authorization", "Bearer client-key")
                .post(RequestBody.create(request, RelayHarness.JSON)).build()).execute()) {
            assertThat(response.code()).isEqualTo(200);
            assertThat(response.header("Content-Type")).isEqualTo("text/event-stream");
            assertThat(response.body().string()).isEqualTo(events);
        }
        RecordedRequest upstream = backend.takeRequest();
        assertThat(upstream.getTarget()).isEqualTo("/v1/chat/completions?x=1");
        assertThat(upstream.getBody().utf8()).isEqualTo(request);
        assertThat(upstream.getHeaders().get("Authorization")).isEqualTo("Bearer sk-test-secret-123");
    }

    @Test
    void requestIdIsEchoedAndForwarded() throws Exception {
        enqueueSse(sse(contentChunk("x"), finishChunk("stop")), 1000);

        try (Response response = relay.http.newCall(new Request.Builder().url(relay.url("/api/chat"))
                .header("X-Request-ID", "req-42")
                .post(RequestBody.create("{\"model\":\"m\",\"stream\":false,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
                        RelayHarness.JSON)).build()).execute()) {
            assertThat(response.header("X-Request-ID")).isEqualTo("req-42");
        }
        assertThat(backend.takeRequest().getHeaders().get("X-Request-ID")).isEqualTo("req-42");
    }

    @Test
    void backendConnectionsArePooledAcrossRequests() throws Exception {
        relay.awaitReady(); // the start-up probe and list read share the pool: let them finish first
        for (int i = 0; i < 3; i++) {
            enqueueSse(sse(contentChunk("x"), finishChunk("stop")), 1000);
        }
        for (int i = 0; i < 3; i++) {
            try (Response response = relay.post("/api/chat",
                    "{\"model\":\"m\",\"stream\":false,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")) {
                assertThat(response.code()).isEqualTo(200);
                response.body().string();
            }
        }
        // the same client connection lands on one event loop, whose pool reuses one backend connection
        int first = backend.takeRequest().getConnectionIndex();
        assertThat(backend.takeRequest().getConnectionIndex()).isEqualTo(first);
        assertThat(backend.takeRequest().getConnectionIndex()).isEqualTo(first);
    }

    @Test
    void aPooledConnectionThatDiesBeforeAnsweringIsRetriedOnceOnANewOne() throws Exception {
        String chat = "{\"model\":\"m\",\"stream\":false,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
        enqueueSse(sse(contentChunk("one"), finishChunk("stop")), 1000);
        backend.enqueue(new MockResponse.Builder()
                .onResponseStart(new mockwebserver3.SocketEffect.CloseSocket()).build());
        enqueueSse(sse(contentChunk("two"), finishChunk("stop")), 1000);

        for (String expected : new String[] {"one", "two"}) {
            try (Response response = relay.post("/api/chat", chat)) {
                assertThat(response.code()).isEqualTo(200);
                assertThat(Ndjson.json(response.body().string()).get("message").get("content").asText())
                        .isEqualTo(expected);
            }
        }
        RecordedRequest first = backend.takeRequest();
        RecordedRequest dropped = backend.takeRequest();
        RecordedRequest retried = backend.takeRequest();
        assertThat(dropped.getConnectionIndex()).isEqualTo(first.getConnectionIndex());
        assertThat(retried.getConnectionIndex()).isNotEqualTo(dropped.getConnectionIndex());
        assertThat(retried.getBody()).isEqualTo(dropped.getBody());
    }
}
