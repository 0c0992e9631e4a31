package io.llmrelay.server.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrelay.core.backend.BackendFlavor;
import io.llmrelay.core.config.BackendConfig;
import io.llmrelay.core.config.ModelsConfig;
import io.llmrelay.core.config.RelayConfig;
import io.llmrelay.server.demo.DemoBackend;
import io.llmrelay.server.runtime.Transport;
import io.llmrelay.server.testing.Ndjson;
import io.llmrelay.server.testing.RelayHarness;
import io.netty.channel.EventLoopGroup;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
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
 * A native Ollama node ({@code type: ollama}) behind the proxy: its models are discovered from
 * {@code /api/tags} and {@code /api/show}, Ollama requests reach its {@code /api/*} byte for byte
 * (the model value rewritten only for an alias), OpenAI requests its {@code /v1/*}, and model
 * management goes to it. The node is a MockWebServer answering as Ollama does (ollama-api.md).
 */
class OllamaNodeTest {

    static final String DIGEST = "a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72";
    static final String TAGS = "{\"models\":[{\"name\":\"llama3.2:latest\",\"model\":\"llama3.2:latest\","
            + "\"modified_at\":\"2025-05-10T08:06:48.639712648-07:00\",\"size\":2019393189,\"digest\":\"" + DIGEST + "\","
            + "\"details\":{\"parent_model\":\"\",\"format\":\"gguf\",\"family\":\"llama\",\"families\":[\"llama\"],"
            + "\"parameter_size\":\"3.2B\",\"quantization_level\":\"Q4_K_M\"}}]}";
    static final String SHOW = "{\"modelfile\":\"FROM llama3.2\",\"parameters\":\"\",\"template\":\"\","
            + "\"details\":{\"parent_model\":\"\",\"format\":\"gguf\",\"family\":\"llama\",\"families\":[\"llama\"],"
            + "\"parameter_size\":\"3.2B\",\"quantization_level\":\"Q4_K_M\"},"
            + "\"model_info\":{\"general.architecture\":\"llama\",\"general.parameter_count\":3212749888,"
            + "\"llama.context_length\":131072},\"capabilities\":[\"completion\",\"tools\"],"
            + "\"modified_at\":\"2025-05-10T08:06:48.639712648-07:00\"}";
    static final String CHAT_STREAM = "{\"model\":\"llama3.2:latest\",\"created_at\":\"2025-05-10T15:07:01.1Z\","
            + "\"message\":{\"role\":\"assistant\",\"content\":\"Hel\"},\"done\":false}\n"
            + "{\"model\":\"llama3.2:latest\",\"created_at\":\"2025-05-10T15:07:01.2Z\","
            + "\"message\":{\"role\":\"assistant\",\"content\":\"lo\"},\"done\":false}\n"
            + "{\"model\":\"llama3.2:latest\",\"created_at\":\"2025-05-10T15:07:01.3Z\","
            + "\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done_reason\":\"stop\",\"done\":true,"
            + "\"total_duration\":4883583458,\"load_duration\":1334875,\"prompt_eval_count\":26,"
            + "\"prompt_eval_duration\":342546000,\"eval_count\":2,\"eval_duration\":4535599000}\n";

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
                    case "/api/version" -> json(200, "{\"version\":\"0.12.3\"}");
                    case "/api/tags" -> json(200, TAGS);
                    case "/api/show" -> json(200, SHOW);
                    case "/api/chat" -> new MockResponse.Builder().code(200)
                            .setHeader("Content-Type", "application/x-ndjson").body(CHAT_STREAM).build();
                    case "/api/generate" -> json(500, "{\"error\":\"model runner has unexpectedly stopped\"}");
                    case "/api/pull" -> new MockResponse.Builder().code(200)
                            .setHeader("Content-Type", "application/x-ndjson")
                            .body("{\"status\":\"pulling manifest\"}\n{\"status\":\"success\"}\n").build();
                    case "/api/delete" -> new MockResponse.Builder().code(200).build();
                    case "/v1/chat/completions" -> json(200, "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\","
                            + "\"model\":\"llama3.2:latest\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                            + "\"content\":\"hi\"},\"finish_reason\":\"stop\"}]}");
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

    private UnaryOperator<RelayConfig> nodeFleet(ModelsConfig models) {
        BackendConfig b = new BackendConfig("node-1", BackendConfig.parseUrl("http://127.0.0.1:" + node.getPort()),
                BackendFlavor.OLLAMA, null, null, false);
        return c -> new RelayConfig(c.host(), c.port(), List.of(b), c.maxRequestBytes(), c.maxEventBytes(),
                c.eventLoops(), c.timeouts(), c.modelsRefresh(), c.healthInterval(), c.modelOverrides(), c.cors(),
                c.routing(), models);
    }

    private RelayHarness relay(ModelsConfig models) throws Exception {
        return RelayHarness.start("http://127.0.0.1:" + node.getPort(), nodeFleet(models));
    }

    @Test
    void theNodesModelsAreListedWithItsOwnDigestDetailsAndCapabilities() throws Exception {
        try (RelayHarness relay = relay(ModelsConfig.none())) {
            JsonNode tags;
            try (Response r = relay.get("/api/tags")) {
                tags = Ndjson.json(r.body().string()).get("models");
            }
            assertThat(tags).hasSize(1);
            JsonNode m = tags.get(0);
            assertThat(m.get("name").asText()).isEqualTo("llama3.2:latest");
            assertThat(m.get("digest").asText()).isEqualTo(DIGEST);
            assertThat(m.get("size").asLong()).isEqualTo(2019393189L);
            assertThat(m.get("details").get("parameter_size").asText()).isEqualTo("3.2B");
            assertThat(m.get("details").get("quantization_level").asText()).isEqualTo("Q4_K_M");
            try (Response r = relay.post("/api/show", "{\"model\":\"llama3.2\"}")) {
                JsonNode show = Ndjson.json(r.body().string());
                assertThat(show.get("capabilities").toString()).isEqualTo("[\"completion\",\"tools\"]");
                assertThat(show.get("model_info").get("llama.context_length").asLong()).isEqualTo(131072);
            }
        }
    }

    @Test
    void anOllamaChatReachesTheNodeAndComesBackByteForByte() throws Exception {
        String request = "{\"model\":\"llama3.2:latest\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
                + "\"options\":{\"num_ctx\":4096,\"seed\":7},\"keep_alive\":\"5m\"}";
        try (RelayHarness relay = relay(ModelsConfig.none()); Response r = relay.post("/api/chat", request)) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.header("Content-Type")).isEqualTo("application/x-ndjson");
            assertThat(r.header("X-Relay-Backend")).isEqualTo("node-1");
            assertThat(r.header("X-Relay-Model")).isEqualTo("llama3.2:latest");
            assertThat(r.body().string()).isEqualTo(CHAT_STREAM);
        }
        RecordedRequest sent = received.poll();
        assertThat(sent.getTarget()).isEqualTo("/api/chat");
        assertThat(sent.getBody().utf8()).isEqualTo(request); // untranslated, untouched
    }

    @Test
    void anAliasRewritesOnlyTheModelValue() throws Exception {
        ModelsConfig models = new ModelsConfig(Map.of("fast", List.of("llama3.2:latest")), List.of(), null, List.of(),
                null, Map.of());
        String request = "{\"model\":\"fast\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
        try (RelayHarness relay = relay(models); Response r = relay.post("/api/chat", request)) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.body().string()).isEqualTo(CHAT_STREAM);
        }
        assertThat(received.poll().getBody().utf8())
                .isEqualTo("{\"model\":\"llama3.2:latest\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
    }

    @Test
    void theNodesOwnErrorReachesAnOllamaClientUnchanged() throws Exception {
        try (RelayHarness relay = relay(ModelsConfig.none());
                Response r = relay.post("/api/generate", "{\"model\":\"llama3.2\",\"prompt\":\"Hi\"}")) {
            assertThat(r.code()).isEqualTo(500);
            assertThat(r.body().string()).isEqualTo("{\"error\":\"model runner has unexpectedly stopped\"}");
        }
    }

    @Test
    void openAiRequestsGoToTheNodesV1Routes() throws Exception {
        try (RelayHarness relay = relay(ModelsConfig.none());
                Response r = relay.post("/v1/chat/completions",
                        "{\"model\":\"llama3.2\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(Ndjson.json(r.body().string()).get("choices").get(0).get("message").get("content").asText())
                    .isEqualTo("hi");
        }
        RecordedRequest sent = received.poll();
        assertThat(sent.getTarget()).isEqualTo("/v1/chat/completions");
        assertThat(sent.getBody().utf8()).contains("\"model\":\"llama3.2:latest\""); // the node's own name
    }

    @Test
    void modelManagementGoesToTheNode() throws Exception {
        try (RelayHarness relay = relay(ModelsConfig.none())) {
            try (Response r = relay.post("/api/pull", "{\"model\":\"qwen3:0.6b\"}")) {
                assertThat(r.code()).isEqualTo(200);
                assertThat(r.body().string()).isEqualTo("{\"status\":\"pulling manifest\"}\n{\"status\":\"success\"}\n");
            }
            assertThat(received.poll().getTarget()).isEqualTo("/api/pull");
            Request delete = new Request.Builder().url(relay.url("/api/delete"))
                    .delete(RequestBody.create("{\"model\":\"llama3.2\"}", RelayHarness.JSON)).build();
            try (Response r = relay.http.newCall(delete).execute()) {
                assertThat(r.code()).isEqualTo(200);
            }
            RecordedRequest sent = received.poll();
            assertThat(sent.getMethod()).isEqualTo("DELETE");
            assertThat(sent.getTarget()).isEqualTo("/api/delete");
            Request named = new Request.Builder().url(relay.url("/api/pull")).header("X-Relay-Backend", "gpu-9")
                    .post(RequestBody.create("{\"model\":\"x\"}", RelayHarness.JSON)).build();
            try (Response r = relay.http.newCall(named).execute()) {
                assertThat(r.code()).isEqualTo(400);
                assertThat(Ndjson.json(r.body().string()).get("error").asText())
                        .isEqualTo("X-Relay-Backend names no Ollama node: 'gpu-9' (nodes: node-1)");
            }
            Request copy = new Request.Builder().url(relay.url("/api/copy"))
                    .post(RequestBody.create("{\"source\":\"nope\",\"destination\":\"x\"}", RelayHarness.JSON)).build();
            try (Response r = relay.http.newCall(copy).execute()) {
                assertThat(r.code()).isEqualTo(404);
            }
        }
    }

    /** A second llm-relay serving the demo backend is an Ollama server too: the proxy speaks to it natively. */
    @Test
    void anotherRelayIsANode() throws Exception {
        EventLoopGroup loops = Transport.best().newGroup(1, "test-demo");
        DemoBackend demo = DemoBackend.start(loops, Transport.best(), "127.0.0.1", 0, Duration.ZERO);
        try (RelayHarness inner = RelayHarness.start(demo.baseUrl())) {
            BackendConfig b = new BackendConfig("inner", BackendConfig.parseUrl(inner.url("")), BackendFlavor.OLLAMA,
                    null, null, false);
            try (RelayHarness outer = RelayHarness.start(inner.url(""), RelayHarness.withBackend(b));
                    Response r = outer.post("/api/chat",
                            "{\"model\":\"demo\",\"stream\":false,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")) {
                assertThat(r.code()).isEqualTo(200);
                assertThat(r.header("X-Relay-Backend")).isEqualTo("inner");
                JsonNode answer = Ndjson.json(r.body().string());
                assertThat(answer.get("model").asText()).isEqualTo("demo:latest");
                assertThat(answer.get("message").get("content").asText())
                        .startsWith("Hello! This is the llm-relay demo model. You said: \"Hi\".");
            }
        } finally {
            demo.close();
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
