package io.llmrelay.server.e2e;

import static io.llmrelay.server.testing.Ndjson.contentChunk;
import static io.llmrelay.server.testing.Ndjson.finishChunk;
import static io.llmrelay.server.testing.Ndjson.sse;
import static io.llmrelay.server.testing.Ndjson.usageChunk;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrelay.core.backend.BackendFlavor;
import io.llmrelay.core.config.BackendConfig;
import io.llmrelay.core.config.BackendOptions;
import io.llmrelay.core.config.ModelsConfig;
import io.llmrelay.core.config.RelayConfig;
import io.llmrelay.server.testing.Ndjson;
import io.llmrelay.server.testing.RelayHarness;
import io.llmrelay.server.testing.ScriptedBackend;
import io.llmrelay.testing.SeenSecrets;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockResponseBody;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.Request;
import okhttp3.Response;
import okio.BufferedSink;
import okio.BufferedSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /v1/responses} through a running proxy: translated onto a scripted OpenAI backend's chat
 * completions (streamed event by event, or one response object), forwarded as bytes to an Ollama node
 * that serves the API itself, and refused in OpenAI's error shape.
 */
class ResponsesEndToEndTest {

    private ScriptedBackend backend;
    private RelayHarness relay;

    @BeforeEach
    void start() throws Exception {
        backend = new ScriptedBackend();
        relay = RelayHarness.start(backend.baseUrl());
    }

    @AfterEach
    void stop() {
        relay.close();
        backend.close();
    }

    // ---------------------------------------------------------------- translated

    @Test
    void aStreamedAnswerIsTranslatedEventByEventAndEachEventLeavesAsItArrives() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        String first = sse(contentChunk("Hel")).replace("data: [DONE]\n\n", "");
        String rest = sse(contentChunk("lo!"), finishChunk("stop"), usageChunk(12, 2));
        backend.enqueue(new MockResponse.Builder().setHeader("Content-Type", "text/event-stream")
                .body(new HeldBody(first, rest, release)).removeHeader("Content-Length")
                .setHeader("Transfer-Encoding", "chunked").build());

        List<JsonNode> events = new ArrayList<>();
        Request request = new Request.Builder().url(relay.url("/v1/responses")).post(okhttp3.RequestBody.create(
                "{\"model\":\"m\",\"input\":\"Hi\",\"instructions\":\"Be brief.\",\"stream\":true,\"max_output_tokens\":64}",
                RelayHarness.JSON)).build();
        try (Response r = relay.http.newCall(request).execute()) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.header("Content-Type")).isEqualTo("text/event-stream");
            assertThat(r.header("X-Relay-Backend")).isEqualTo("test-backend");
            BufferedSource source = r.body().source();
            // the backend holds the rest of its answer: the first delta must come through without it
            readEvents(source, events, "response.output_text.delta");
            assertThat(release.getCount()).isEqualTo(1);
            assertThat(events.get(events.size() - 1).get("delta").asText()).isEqualTo("Hel");
            release.countDown();
            readEvents(source, events, null);
        }
        assertThat(events).extracting(e -> e.get("type").asText()).containsExactly(
                "response.created", "response.in_progress", "response.output_item.added", "response.content_part.added",
                "response.output_text.delta", "response.output_text.delta", "response.output_text.done",
                "response.content_part.done", "response.output_item.done", "response.completed");
        JsonNode response = events.get(events.size() - 1).get("response");
        assertThat(response.get("model").asText()).isEqualTo("m");
        assertThat(response.get("output").get(0).get("content").get(0).get("text").asText()).isEqualTo("Hello!");
        assertThat(response.get("usage").get("input_tokens").asInt()).isEqualTo(12);
        assertThat(response.get("usage").get("output_tokens").asInt()).isEqualTo(2);

        RecordedRequest upstream = backend.takeRequest();
        assertThat(upstream.getTarget()).isEqualTo("/v1/chat/completions");
        assertThat(Ndjson.json(upstream.getBody().utf8())).isEqualTo(Ndjson.json("{\"model\":\"m\",\"messages\":["
                + "{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\"Hi\"}],\"stream\":true,"
                + "\"stream_options\":{\"include_usage\":true},\"max_tokens\":64}"));
        assertThat(relay.metrics()).contains(
                "llm_relay_requests_total{route=\"/v1/responses\",model=\"m\",backend=\"test-backend\",status=\"200\"} 1\n");
    }

    @Test
    void aClientThatDoesNotStreamGetsOneResponseObject() throws Exception {
        backend.enqueueSse(sse(contentChunk("Hello"), contentChunk(" there."), finishChunk("stop"), usageChunk(5, 2)), 9);
        try (Response r = relay.post("/v1/responses", "{\"model\":\"m\",\"input\":\"Hi\"}")) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.header("Content-Type")).isEqualTo("application/json; charset=utf-8");
            JsonNode response = Ndjson.json(r.body().string());
            assertThat(response.get("object").asText()).isEqualTo("response");
            assertThat(response.get("id").asText()).startsWith("resp_");
            assertThat(response.get("status").asText()).isEqualTo("completed");
            assertThat(response.get("output")).hasSize(1);
            assertThat(response.get("output").get(0).get("content").get(0).get("text").asText()).isEqualTo("Hello there.");
            assertThat(response.get("usage").get("total_tokens").asInt()).isEqualTo(7);
        }
        // upstream, translated requests always stream: the proxy merges them
        assertThat(Ndjson.json(backend.takeRequest().getBody().utf8()).get("stream").asBoolean()).isTrue();
    }

    @Test
    void aToolCallRoundTrip() throws Exception {
        backend.enqueueSse(sse(
                "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\","
                        + "\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\"}}]}}]}",
                "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\" \\\"Paris\\\"}\"}}]}}]}",
                finishChunk("tool_calls")), 11);
        String tools = "[{\"type\":\"function\",\"name\":\"get_weather\",\"parameters\":{\"type\":\"object\","
                + "\"properties\":{\"city\":{\"type\":\"string\"}}}}]";
        JsonNode call;
        try (Response r = relay.post("/v1/responses", "{\"model\":\"m\",\"input\":\"Weather in Paris?\",\"tools\":" + tools + "}")) {
            JsonNode response = Ndjson.json(r.body().string());
            call = response.get("output").get(0);
            assertThat(call.get("type").asText()).isEqualTo("function_call");
            assertThat(call.get("call_id").asText()).isEqualTo("call_1");
            assertThat(call.get("arguments").asText()).isEqualTo("{\"city\": \"Paris\"}");
            assertThat(response.get("tools")).isEqualTo(Ndjson.json(tools)); // echoed as sent
        }
        assertThat(Ndjson.json(backend.takeRequest().getBody().utf8()).get("tools")).isEqualTo(Ndjson.json(
                "[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"parameters\":{\"type\":\"object\","
                        + "\"properties\":{\"city\":{\"type\":\"string\"}}}}}]"));

        backend.enqueueSse(sse(contentChunk("Sunny."), finishChunk("stop")), 64);
        String followUp = "{\"model\":\"m\",\"tools\":" + tools + ",\"input\":[{\"role\":\"user\",\"content\":\"Weather in Paris?\"},"
                + call + ",{\"type\":\"function_call_output\",\"call_id\":\"call_1\",\"output\":\"18C, sunny\"}]}";
        try (Response r = relay.post("/v1/responses", followUp)) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(Ndjson.json(r.body().string()).get("output").get(0).get("content").get(0).get("text").asText())
                    .isEqualTo("Sunny.");
        }
        assertThat(Ndjson.json(backend.takeRequest().getBody().utf8()).get("messages")).isEqualTo(Ndjson.json(
                "[{\"role\":\"user\",\"content\":\"Weather in Paris?\"},{\"role\":\"assistant\",\"content\":\"\","
                        + "\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
                        + "\"arguments\":\"{\\\"city\\\": \\\"Paris\\\"}\"}}]},"
                        + "{\"role\":\"tool\",\"content\":\"18C, sunny\",\"tool_call_id\":\"call_1\"}]"));
    }

    // ---------------------------------------------------------------- errors

    @Test
    void refusalsComeInOpenAisErrorShapeBeforeAnythingIsSent() throws Exception {
        assertOpenAiError(relay.post("/v1/responses", "{\"model\":\"nope\",\"input\":\"Hi\"}"), 404, "not_found_error",
                "model 'nope' not found");
        assertOpenAiError(relay.post("/v1/responses", "{\"model\":\"m\",\"input\":"), 400, "invalid_request_error",
                "invalid JSON in request body");
        assertOpenAiError(relay.post("/v1/responses", "{\"model\":\"m\",\"input\":\"Hi\",\"previous_response_id\":\"resp_1\"}"),
                400, "invalid_request_error", "previous_response_id is not supported");
        assertOpenAiError(relay.post("/v1/responses", "{\"model\":\"m\",\"input\":\"Hi\",\"tools\":[{\"type\":\"web_search\"}]}"),
                400, "invalid_request_error", "tool types not supported: web_search");
        assertOpenAiError(relay.get("/v1/responses/resp_123"), 404, "not_found_error",
                "response 'resp_123' not found: llm-relay serves the Responses API statelessly");
        assertOpenAiError(relay.post("/v1/responses/resp_123/cancel", ""), 404, "not_found_error",
                "response 'resp_123' not found");
        assertThat(backend.untakenRequests()).isZero();
    }

    @Test
    void aBackendsOwnOpenAiErrorReachesTheClientAsItWasSent() throws Exception {
        String error = "{\"error\":{\"message\":\"This model's maximum context length is 32768 tokens.\","
                + "\"type\":\"BadRequestError\",\"param\":\"messages\",\"code\":400}}";
        backend.enqueue(new MockResponse.Builder().code(400).setHeader("Content-Type", "application/json").body(error).build());
        try (Response r = relay.post("/v1/responses", "{\"model\":\"m\",\"input\":\"Hi\",\"stream\":true}")) {
            assertThat(r.code()).isEqualTo(400);
            assertThat(r.body().string()).isEqualTo(error);
        }
    }

    @Test
    void aStreamThatFailsAfterItStartedEndsWithResponseFailedAndAnErrorEvent() throws Exception {
        backend.enqueueSse("data: " + contentChunk("Partial") + "\n\n"
                + "data: {\"error\":{\"message\":\"CUDA out of memory\",\"type\":\"InternalServerError\",\"code\":500}}\n\n", 16);
        List<JsonNode> events = new ArrayList<>();
        try (Response r = relay.post("/v1/responses", "{\"model\":\"m\",\"input\":\"Hi\",\"stream\":true}")) {
            assertThat(r.code()).isEqualTo(200); // the status went out with the first event
            readEvents(r.body().source(), events, null);
        }
        List<String> types = events.stream().map(e -> e.get("type").asText()).toList();
        assertThat(types).startsWith("response.created", "response.in_progress").endsWith("response.failed", "error");
        assertThat(types).doesNotContain("response.completed");
        JsonNode failed = events.get(events.size() - 2).get("response");
        assertThat(failed.get("status").asText()).isEqualTo("failed");
        assertThat(failed.get("error").get("message").asText()).contains("CUDA out of memory");
        JsonNode error = events.get(events.size() - 1);
        assertThat(error.get("message").asText()).contains("CUDA out of memory");
        assertThat(error.get("sequence_number").asInt())
                .isEqualTo(events.get(events.size() - 2).get("sequence_number").asInt() + 1);
    }

    @Test
    void withClientKeysOnAMissingKeyIs401InOpenAisShape(@TempDir Path dir) throws Exception {
        String key = "resp-key-3f9a-secret";
        try (RelayHarness keyed = RelayHarness.fromYaml(dir, """
                backends:
                  - name: b
                    url: %s
                auth:
                  keys_env: RELAY_API_KEYS
                """.formatted(backend.baseUrl()), Map.of("RELAY_API_KEYS", SeenSecrets.keyPairs("app=" + key))).awaitReady()) {
            assertOpenAiError(keyed.post("/v1/responses", "{\"model\":\"m\",\"input\":\"Hi\"}"), 401, "authentication_error",
                    "API key missing");
            assertOpenAiError(keyed.get("/v1/responses/resp_1"), 401, "authentication_error", "API key missing");
            backend.enqueueSse(sse(contentChunk("ok"), finishChunk("stop")), 64);
            try (Response r = keyed.post("/v1/responses", "{\"model\":\"m\",\"input\":\"Hi\"}", "Authorization", "Bearer " + key)) {
                assertThat(r.code()).isEqualTo(200);
                assertThat(Ndjson.json(r.body().string()).get("status").asText()).isEqualTo("completed");
            }
        }
    }

    // ---------------------------------------------------------------- native

    @Test
    void anOllamaNodeGetsTheRequestAsBytesWithOnlyTheModelRewritten() throws Exception {
        try (OllamaNode node = new OllamaNode()) {
            ModelsConfig aliases = new ModelsConfig(Map.of("fast", List.of("llama3.2:latest")), List.of(), null, List.of(),
                    null, Map.of());
            try (RelayHarness nodeRelay = RelayHarness.start(node.url(), node.fleet(BackendOptions.defaults(), aliases))) {
                String request = "{\"model\":\"fast\",\"input\":[{\"type\":\"web_search_call\",\"id\":\"ws_1\"}],"
                        + "\"tools\":[{\"type\":\"web_search\"}],\"stream\":true}";
                try (Response r = nodeRelay.post("/v1/responses", request)) {
                    assertThat(r.code()).isEqualTo(200);
                    assertThat(r.header("X-Relay-Backend")).isEqualTo("node-1");
                    assertThat(r.body().string()).isEqualTo(OllamaNode.STREAM); // the node's own answer, untouched
                }
                RecordedRequest sent = node.received.poll();
                assertThat(sent.getTarget()).isEqualTo("/v1/responses");
                // what only translation cannot carry (a hosted tool) is the node's to judge: sent as it came
                assertThat(sent.getBody().utf8()).isEqualTo(request.replace("\"fast\"", "\"llama3.2:latest\""));
                // what needs stored state is refused whichever backend would answer
                assertOpenAiError(nodeRelay.post("/v1/responses", "{\"model\":\"fast\",\"input\":\"x\","
                        + "\"previous_response_id\":\"resp_1\"}"), 400, "invalid_request_error", "previous_response_id");
                assertThat(node.received).isEmpty();
            }
        }
    }

    @Test
    void anOllamaNodeWithoutTheApiIsTranslatedOntoItsChatCompletions() throws Exception {
        try (OllamaNode node = new OllamaNode()) {
            BackendOptions old = BackendOptions.defaults().withNativeApis(Set.of());
            try (RelayHarness nodeRelay = RelayHarness.start(node.url(), node.fleet(old, ModelsConfig.none()))) {
                try (Response r = nodeRelay.post("/v1/responses", "{\"model\":\"llama3.2\",\"input\":\"Hi\"}")) {
                    assertThat(r.code()).isEqualTo(200);
                    JsonNode response = Ndjson.json(r.body().string());
                    assertThat(response.get("model").asText()).isEqualTo("llama3.2");
                    assertThat(response.get("output").get(0).get("content").get(0).get("text").asText()).isEqualTo("hi");
                }
                RecordedRequest sent = node.received.poll();
                assertThat(sent.getTarget()).isEqualTo("/v1/chat/completions");
                assertThat(Ndjson.json(sent.getBody().utf8()).get("model").asText()).isEqualTo("llama3.2:latest");
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    /** Reads SSE events into {@code into} until one of type {@code until} (null: the body's end). */
    private static void readEvents(BufferedSource source, List<JsonNode> into, String until) throws IOException {
        String event = null;
        for (String line = source.readUtf8Line(); line != null; line = source.readUtf8Line()) {
            if (line.startsWith("event: ")) {
                event = line.substring(7);
            } else if (line.startsWith("data: ")) {
                JsonNode data = Ndjson.json(line.substring(6));
                assertThat(data.get("type").asText()).isEqualTo(event);
                into.add(data);
                if (data.get("type").asText().equals(until)) {
                    return;
                }
            }
        }
        assertThat(until).as("the stream ended before %s", until).isNull();
    }

    private static void assertOpenAiError(Response r, int status, String type, String messageStart) throws IOException {
        try (r) {
            assertThat(r.code()).isEqualTo(status);
            assertThat(r.header("Content-Type")).startsWith("application/json");
            JsonNode error = Ndjson.json(r.body().string()).get("error");
            assertThat(error.get("type").asText()).isEqualTo(type);
            assertThat(error.get("message").asText()).startsWith(messageStart);
        }
    }

    /** A chunked SSE body whose second part is held back until the test releases it. */
    private record HeldBody(String first, String rest, CountDownLatch release) implements MockResponseBody {
        @Override
        public long getContentLength() {
            return -1;
        }

        @Override
        public void writeTo(BufferedSink sink) throws IOException {
            chunk(sink, first);
            sink.flush();
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            chunk(sink, rest);
            sink.writeUtf8("0\r\n\r\n");
            sink.flush();
        }

        private static void chunk(BufferedSink sink, String text) throws IOException {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            sink.writeUtf8(Integer.toHexString(bytes.length)).writeUtf8("\r\n").write(bytes).writeUtf8("\r\n");
        }
    }

    /** An Ollama node (0.14) serving one model, {@code /v1/responses} itself, and chat completions. */
    private static final class OllamaNode implements AutoCloseable {
        static final String TAGS = "{\"models\":[{\"name\":\"llama3.2:latest\",\"model\":\"llama3.2:latest\","
                + "\"modified_at\":\"2025-05-10T08:06:48.639712648-07:00\",\"size\":2019393189,\"digest\":\""
                + "a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72\",\"details\":{\"format\":\"gguf\","
                + "\"family\":\"llama\",\"parameter_size\":\"3.2B\",\"quantization_level\":\"Q4_K_M\"}}]}";
        static final String SHOW = "{\"details\":{\"format\":\"gguf\",\"family\":\"llama\"},\"model_info\":"
                + "{\"llama.context_length\":131072},\"capabilities\":[\"completion\",\"tools\"]}";
        static final String STREAM = "event: response.created\ndata: {\"type\":\"response.created\",\"sequence_number\":0,"
                + "\"response\":{\"id\":\"resp_9\",\"object\":\"response\",\"status\":\"in_progress\",\"output\":[]}}\n\n"
                + "event: response.completed\ndata: {\"type\":\"response.completed\",\"sequence_number\":1,"
                + "\"response\":{\"id\":\"resp_9\",\"object\":\"response\",\"status\":\"completed\",\"output\":[]}}\n\n";

        final MockWebServer server = new MockWebServer();
        final ConcurrentLinkedQueue<RecordedRequest> received = new ConcurrentLinkedQueue<>();

        OllamaNode() throws IOException {
            server.setDispatcher(new Dispatcher() {
                @Override
                public MockResponse dispatch(RecordedRequest request) {
                    String path = request.getTarget();
                    return switch (path) {
                        case "/api/version" -> json("{\"version\":\"0.14.0\"}");
                        case "/api/tags" -> json(TAGS);
                        case "/api/show" -> json(SHOW);
                        case "/v1/responses" -> {
                            received.add(request);
                            yield new MockResponse.Builder().setHeader("Content-Type", "text/event-stream").body(STREAM).build();
                        }
                        case "/v1/chat/completions" -> {
                            received.add(request);
                            yield json("{\"id\":\"c\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,"
                                    + "\"message\":{\"role\":\"assistant\",\"content\":\"hi\"},\"finish_reason\":\"stop\"}]}");
                        }
                        default -> new MockResponse.Builder().code(404).body("{\"error\":\"404 page not found\"}").build();
                    };
                }
            });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getPort();
        }

        UnaryOperator<RelayConfig> fleet(BackendOptions options, ModelsConfig models) {
            BackendConfig b = new BackendConfig("node-1", BackendConfig.parseUrl(url()), BackendFlavor.OLLAMA, null, null,
                    false, options);
            return c -> new RelayConfig(c.host(), c.port(), List.of(b), c.maxRequestBytes(), c.maxEventBytes(),
                    c.eventLoops(), c.timeouts(), c.modelsRefresh(), c.healthInterval(), c.modelOverrides(), c.cors(),
                    c.routing(), models);
        }

        private static MockResponse json(String body) {
            return new MockResponse.Builder().setHeader("Content-Type", "application/json").body(body).build();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
