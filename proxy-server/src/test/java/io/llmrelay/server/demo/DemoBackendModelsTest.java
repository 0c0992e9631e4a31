package io.llmrelay.server.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrelay.server.runtime.Transport;
import io.llmrelay.server.testing.Ndjson;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The demo backend asked directly (no proxy): the models it lists and serves, by default and as
 * {@code mock-backend --models} names them, since a fleet of mock backends depends on both.
 */
class DemoBackendModelsTest {

    private static final MediaType JSON = MediaType.get("application/json");

    private static EventLoopGroup loops;
    private static OkHttpClient http;
    private static DemoBackend standard;
    private static DemoBackend custom;

    @BeforeAll
    static void start() throws Exception {
        loops = Transport.best().newGroup(1, "test-demo-models");
        http = new OkHttpClient.Builder().readTimeout(10, TimeUnit.SECONDS).build();
        standard = DemoBackend.start(loops, Transport.best(), "127.0.0.1", 0, Duration.ZERO);
        custom = DemoBackend.start(loops, Transport.best(), "127.0.0.1", 0, Duration.ZERO,
                List.of("llama3.2:3b", "shared", "Org/Mini-Embed-v1"));
    }

    @AfterAll
    static void stop() {
        standard.close();
        custom.close();
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void byDefaultItListsDemoAndDemoEmbed() throws Exception {
        assertThat(standard.models()).containsExactly("demo", "demo-embed");
        JsonNode list = get(standard, "/v1/models");
        assertThat(list.get("object").asText()).isEqualTo("list");
        assertThat(ids(list)).containsExactly("demo", "demo-embed");
        assertThat(list.get("data").get(0).get("max_model_len").asInt()).isEqualTo(8192);
        assertThat(list.get("data").get(1).get("max_model_len").asInt()).isEqualTo(512);
        assertThat(list.get("data").get(0).get("owned_by").asText()).isEqualTo("llm-relay");
    }

    @Test
    void byDefaultItAnswersAsBefore() throws Exception {
        try (Response response = post(standard, "/v1/chat/completions",
                "{\"model\":\"demo\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")) {
            assertThat(response.code()).isEqualTo(200);
            JsonNode answer = Ndjson.json(response.body().string());
            assertThat(answer.get("model").asText()).isEqualTo("demo");
            assertThat(answer.get("choices").get(0).get("message").get("content").asText())
                    .startsWith("Hello! This is the llm-relay demo model. You said: \"Hi\".");
        }
        try (Response response = post(standard, "/v1/chat/completions",
                "{\"model\":\"shared\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")) {
            assertThat(response.code()).isEqualTo(404);
        }
    }

    @Test
    void namedModelsAreListedInTheirOrderWithTheirKind() throws Exception {
        JsonNode list = get(custom, "/v1/models");
        assertThat(ids(list)).containsExactly("llama3.2:3b", "shared", "Org/Mini-Embed-v1");
        assertThat(list.get("data").get(1).get("max_model_len").asInt()).isEqualTo(8192);
        assertThat(list.get("data").get(2).get("max_model_len").asInt()).isEqualTo(512);
    }

    @Test
    void everyNamedChatModelAnswersUnderItsOwnName() throws Exception {
        for (String model : List.of("llama3.2:3b", "shared")) {
            try (Response response = post(custom, "/v1/chat/completions",
                    "{\"model\":\"" + model + "\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")) {
                assertThat(response.code()).isEqualTo(200);
                String body = response.body().string();
                assertThat(body).startsWith("data: {").endsWith("data: [DONE]\n\n")
                        .contains("\"model\":\"" + model + "\"");
            }
        }
        try (Response response = post(custom, "/v1/completions", "{\"model\":\"shared\",\"prompt\":\"x\"}")) {
            assertThat(Ndjson.json(response.body().string()).get("model").asText()).isEqualTo("shared");
        }
    }

    @Test
    void anIdWithEmbedIsAnEmbeddingModelAndOnlyThat() throws Exception {
        try (Response response = post(custom, "/v1/embeddings", "{\"model\":\"Org/Mini-Embed-v1\",\"input\":\"hello\"}")) {
            assertThat(response.code()).isEqualTo(200);
            JsonNode answer = Ndjson.json(response.body().string());
            assertThat(answer.get("model").asText()).isEqualTo("Org/Mini-Embed-v1");
            assertThat(answer.get("data").get(0).get("embedding")).hasSize(64);
        }
        try (Response response = post(custom, "/v1/chat/completions",
                "{\"model\":\"Org/Mini-Embed-v1\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")) {
            assertThat(response.code()).isEqualTo(404);
        }
        try (Response response = post(custom, "/v1/embeddings", "{\"model\":\"shared\",\"input\":\"hello\"}")) {
            assertThat(response.code()).isEqualTo(404);
        }
    }

    @Test
    void aModelItDoesNotNameIsOpenAisNotFound() throws Exception {
        try (Response response = post(custom, "/v1/chat/completions",
                "{\"model\":\"demo\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")) {
            assertThat(response.code()).isEqualTo(404);
            JsonNode error = Ndjson.json(response.body().string()).get("error");
            assertThat(error.get("message").asText()).isEqualTo("The model `demo` does not exist.");
            assertThat(error.get("code").asText()).isEqualTo("model_not_found");
        }
    }

    @Test
    void aListItCannotServeIsRefusedBeforeAnythingStarts() {
        assertThatThrownBy(() -> DemoBackend.checkedModels(List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("at least one model id is needed");
        assertThatThrownBy(() -> DemoBackend.checkedModels(List.of("a", "")))
                .hasMessage("a model id is empty");
        assertThatThrownBy(() -> DemoBackend.checkedModels(List.of("a b")))
                .hasMessage("model id 'a b' has white space in it");
        assertThatThrownBy(() -> DemoBackend.checkedModels(List.of("a", "b", "a")))
                .hasMessage("model id 'a' is given twice");
        assertThatThrownBy(() -> DemoBackend.start(loops, Transport.best(), "127.0.0.1", 0, Duration.ZERO, List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ---- helpers

    private static JsonNode get(DemoBackend backend, String path) throws IOException {
        try (Response response = http.newCall(new Request.Builder().url(url(backend, path)).build()).execute()) {
            assertThat(response.code()).isEqualTo(200);
            return Ndjson.json(response.body().string());
        }
    }

    private static Response post(DemoBackend backend, String path, String json) throws IOException {
        return http.newCall(new Request.Builder().url(url(backend, path)).post(RequestBody.create(json, JSON)).build())
                .execute();
    }

    private static String url(DemoBackend backend, String path) {
        return "http://127.0.0.1:" + backend.port() + path;
    }

    private static List<String> ids(JsonNode list) {
        List<String> out = new ArrayList<>();
        list.get("data").forEach(m -> out.add(m.get("id").asText()));
        return out;
    }
}
