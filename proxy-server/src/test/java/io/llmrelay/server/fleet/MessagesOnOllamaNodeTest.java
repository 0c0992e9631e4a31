package io.llmrelay.server.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrelay.core.backend.BackendFlavor;
import io.llmrelay.core.config.BackendConfig;
import io.llmrelay.core.config.BackendOptions;
import io.llmrelay.core.config.RelayConfig;
import io.llmrelay.server.testing.Ndjson;
import io.llmrelay.server.testing.RelayHarness;
import io.llmrelay.testing.SeenSecrets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.UnaryOperator;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Messages on a native Ollama node, which serves {@code /v1/messages} itself (Ollama 0.14 and later):
 * the client's request reaches it as bytes (its model value rewritten to the node's name), the node's
 * events and errors come back untouched; with {@code native_apis: []} (an older node) the request is
 * translated to the node's chat completions instead.
 */
class MessagesOnOllamaNodeTest {

    /** What Ollama's own /v1/messages streams. */
    static final String NODE_STREAM = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":"
            + "\"msg_0f2a\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"llama3.2:latest\",\"content\":[],"
            + "\"usage\":{\"input_tokens\":9,\"output_tokens\":0}}}\n\n"
            + "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":"
            + "{\"type\":\"text\",\"text\":\"\"}}\n\n"
            + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
            + "{\"type\":\"text_delta\",\"text\":\"Hi from the node\"}}\n\n"
            + "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
            + "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},"
            + "\"usage\":{\"input_tokens\":9,\"output_tokens\":4}}\n\n"
            + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
    static final String NODE_ERROR = "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\","
            + "\"message\":\"invalid image source\"},\"request_id\":\"req_1\"}";

    private MockWebServer node;
    private final ConcurrentLinkedQueue<RecordedRequest> received = new ConcurrentLinkedQueue<>();

    @BeforeEach
    void startNode() throws Exception {
        node = new MockWebServer();
        node.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                String path = request.getTarget();
                if (!path.equals("/api/version") && !path.equals("/api/tags") && !path.equals("/api/show")) {
                    received.add(request);
                }
                return switch (path) {
                    case "/api/version" -> json(200, "{\"version\":\"0.14.0\"}");
                    case "/api/tags" -> json(200, OllamaNodeTest.TAGS);
                    case "/api/show" -> json(200, OllamaNodeTest.SHOW);
                    case "/v1/messages" -> request.getBody().utf8().contains("\"image\"") ? json(400, NODE_ERROR)
                            : new MockResponse.Builder().code(200).setHeader("Content-Type", "text/event-stream")
                                    .body(NODE_STREAM).build();
                    case "/v1/chat/completions" -> new MockResponse.Builder().code(200)
                            .setHeader("Content-Type", "text/event-stream")
                            .body("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"translated\"}}]}\n\n"
                                    + "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],"
                                    + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1}}\n\ndata: [DONE]\n\n")
                            .build();
                    default -> json(404, "{\"error\":\"404 page not found\"}");
                };
            }
        });
        node.start();
    }

    @AfterEach
    void stopNode() throws Exception {
        node.close();
    }

    private static MockResponse json(int status, String body) {
        return new MockResponse.Builder().code(status).setHeader("Content-Type", "application/json; charset=utf-8")
                .body(body).build();
    }

    private RelayHarness relay(BackendOptions options) throws Exception {
        BackendConfig b = new BackendConfig("node-1", BackendConfig.parseUrl("http://127.0.0.1:" + node.getPort()),
                BackendFlavor.OLLAMA, null, null, false, options);
        UnaryOperator<RelayConfig> fleet = c -> new RelayConfig(c.host(), c.port(), List.of(b), c.maxRequestBytes(),
                c.maxEventBytes(), c.eventLoops(), c.timeouts(), c.modelsRefresh(), c.healthInterval(), c.modelOverrides(),
                c.cors());
        return RelayHarness.start("http://127.0.0.1:" + node.getPort(), fleet);
    }

    private static Response post(RelayHarness relay, String path, String json, String... headers) throws Exception {
        Request.Builder r = new Request.Builder().url(relay.url(path)).post(RequestBody.create(json, RelayHarness.JSON));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            r.addHeader(headers[i], headers[i + 1]);
        }
        return relay.http.newCall(r.build()).execute();
    }

    @Test
    void theNodeServesMessagesItselfAndItsEventsComeBackByteForByte() throws Exception {
        String request = "{\"model\":\"llama3.2\",\"max_tokens\":32,\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
        String clientKey = SeenSecrets.key("sk-ant-node-client-key");
        try (RelayHarness relay = relay(BackendOptions.defaults());
                Response r = post(relay, "/v1/messages", request, "x-api-key", clientKey, "anthropic-version", "2023-06-01")) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.header("X-Relay-Backend")).isEqualTo("node-1");
            assertThat(r.header("Content-Type")).isEqualTo("text/event-stream");
            assertThat(r.body().string()).isEqualTo(NODE_STREAM);
        }
        RecordedRequest sent = received.poll();
        assertThat(sent.getTarget()).isEqualTo("/v1/messages");
        // the node's own name for the model, everything else as the client wrote it
        assertThat(sent.getBody().utf8()).isEqualTo(request.replace("\"llama3.2\"", "\"llama3.2:latest\""));
        assertThat(sent.getHeaders().get("x-api-key")).isNull();
        assertThat(sent.getHeaders().get("anthropic-version")).isEqualTo("2023-06-01");
    }

    @Test
    void theNodesOwnAnthropicErrorReachesTheClientUnchanged() throws Exception {
        try (RelayHarness relay = relay(BackendOptions.defaults());
                Response r = post(relay, "/v1/messages", "{\"model\":\"llama3.2:latest\",\"max_tokens\":8,\"messages\":"
                        + "[{\"role\":\"user\",\"content\":[{\"type\":\"image\",\"source\":{\"type\":\"url\","
                        + "\"url\":\"https://example.com/a.png\"}}]}]}")) {
            assertThat(r.code()).isEqualTo(400);
            assertThat(r.body().string()).isEqualTo(NODE_ERROR);
        }
    }

    @Test
    void withNativeApisOffTheRequestIsTranslatedToTheNodesChatCompletions() throws Exception {
        try (RelayHarness relay = relay(BackendOptions.defaults().withNativeApis(Set.of()));
                Response r = post(relay, "/v1/messages", "{\"model\":\"llama3.2\",\"max_tokens\":32,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")) {
            assertThat(r.code()).isEqualTo(200);
            JsonNode message = Ndjson.json(r.body().string());
            assertThat(message.path("type").asText()).isEqualTo("message");
            assertThat(message.path("content").get(0).path("text").asText()).isEqualTo("translated");
            assertThat(message.path("usage").toString()).isEqualTo("{\"input_tokens\":3,\"output_tokens\":1}");
        }
        RecordedRequest sent = received.poll();
        assertThat(sent.getTarget()).isEqualTo("/v1/chat/completions");
        assertThat(Ndjson.json(sent.getBody().utf8()).path("model").asText()).isEqualTo("llama3.2:latest");
    }

    @Test
    void countTokensOnANodeIsAnEstimateAndNeverReachesIt() throws Exception {
        try (RelayHarness relay = relay(BackendOptions.defaults());
                Response r = post(relay, "/v1/messages/count_tokens", "{\"model\":\"llama3.2\",\"messages\":"
                        + "[{\"role\":\"user\",\"content\":\"Hi\"}]}")) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.header("X-Relay-Token-Count")).isEqualTo("estimate");
            assertThat(r.body().string()).isEqualTo("{\"input_tokens\":6}");
        }
        assertThat(received).isEmpty();
    }
}
