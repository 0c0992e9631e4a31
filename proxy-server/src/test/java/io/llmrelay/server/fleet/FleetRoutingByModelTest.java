package io.llmrelay.server.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrelay.core.config.RoutingConfig;
import io.llmrelay.server.testing.EchoAnswers;
import io.llmrelay.server.testing.Ndjson;
import io.llmrelay.server.testing.RelayHarness;
import io.llmrelay.server.testing.ScriptedBackend;
import java.util.ArrayList;
import java.util.List;
import mockwebserver3.RecordedRequest;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A fleet of two MockWebServers, each with its own models: every route sends a request to the one
 * backend that serves its model, under the id that backend knows, and says so in
 * {@code X-Relay-Backend}, {@code X-Relay-Model} and {@code X-Relay-Attempts}. The catalogue is
 * the fleet's: a model two backends serve is listed once, {@code name:latest} is {@code name} on
 * every route, and a name nobody serves is a 404 in the caller's shape with nothing sent.
 */
class FleetRoutingByModelTest {

    private static ScriptedBackend alpha;
    private static ScriptedBackend beta;
    private static RelayHarness relay;

    @BeforeAll
    static void start() throws Exception {
        alpha = new ScriptedBackend();
        alpha.models(list("llama3", "nomic-embed-text", "shared", "demo"));
        alpha.answerAll(EchoAnswers.as("alpha"));
        beta = new ScriptedBackend();
        beta.models(list("qwen3", "mxbai-embed-large", "shared"));
        beta.answerAll(EchoAnswers.as("beta"));
        relay = RelayHarness.start(RelayHarness.fleet(RoutingConfig.Strategy.ROUND_ROBIN,
                RelayHarness.member("alpha", alpha.baseUrl()), RelayHarness.member("beta", beta.baseUrl())))
                .awaitReady();
    }

    @AfterAll
    static void stop() {
        relay.close();
        alpha.close();
        beta.close();
    }

    @BeforeEach
    void forgetEarlierRequests() {
        alpha.drainRequests();
        beta.drainRequests();
    }

    /** An OpenAI model list of {@code ids}. */
    static String list(String... ids) {
        StringBuilder s = new StringBuilder("{\"object\":\"list\",\"data\":[");
        for (int i = 0; i < ids.length; i++) {
            s.append(i == 0 ? "" : ",").append("{\"id\":\"").append(ids[i])
                    .append("\",\"object\":\"model\",\"created\":1700000000,\"owned_by\":\"test\"}");
        }
        return s.append("]}").toString();
    }

    private static String chat(String model, boolean stream) {
        return "{\"model\":\"" + model + "\",\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    }

    /** The answer came from {@code backend}, which received {@code model}, at the first attempt. */
    private static void assertRelayHeaders(Response r, String backend, String model) {
        assertThat(r.code()).as("status").isEqualTo(200);
        assertThat(r.header("X-Relay-Backend")).isEqualTo(backend);
        assertThat(r.header("X-Relay-Model")).isEqualTo(model);
        assertThat(r.header("X-Relay-Attempts")).isEqualTo("1");
    }

    /** The one request {@code expected} received since the test began (and none at the other), on {@code path}, for {@code model}. */
    private static JsonNode onlyRequest(ScriptedBackend expected, ScriptedBackend other, String path, String model)
            throws InterruptedException {
        RecordedRequest got = expected.takeRequest();
        assertThat(got.getUrl().encodedPath()).isEqualTo(path);
        JsonNode body = Ndjson.json(got.getBody().utf8());
        assertThat(body.get("model").asText()).isEqualTo(model);
        assertThat(expected.untakenRequests()).as("one request").isZero();
        assertThat(other.untakenRequests()).as("nothing at the other backend").isZero();
        return body;
    }

    @Test
    void ollamaChatStreamedGoesToTheBackendOfItsModel() throws Exception {
        try (Response r = relay.post("/api/chat", chat("qwen3", true))) {
            assertRelayHeaders(r, "beta", "qwen3");
            List<JsonNode> lines = Ndjson.parse(r.body().string());
            StringBuilder text = new StringBuilder();
            lines.forEach(l -> text.append(l.path("message").path("content").asText("")));
            assertThat(text.toString()).isEqualTo(EchoAnswers.text("beta", "qwen3"));
            assertThat(lines.get(lines.size() - 1).get("done").asBoolean()).isTrue();
            assertThat(lines.get(0).get("model").asText()).isEqualTo("qwen3");
        }
        JsonNode sent = onlyRequest(beta, alpha, "/v1/chat/completions", "qwen3");
        assertThat(sent.get("stream").asBoolean()).isTrue();
        assertThat(sent.get("messages").get(0).get("content").asText()).isEqualTo("hi");
    }

    @Test
    void ollamaChatWholeGoesToTheBackendOfItsModel() throws Exception {
        try (Response r = relay.post("/api/chat", chat("llama3", false))) {
            assertRelayHeaders(r, "alpha", "llama3");
            JsonNode answer = Ndjson.json(r.body().string());
            assertThat(answer.get("message").get("content").asText()).isEqualTo(EchoAnswers.text("alpha", "llama3"));
            assertThat(answer.get("done").asBoolean()).isTrue();
        }
        onlyRequest(alpha, beta, "/v1/chat/completions", "llama3");
    }

    @Test
    void ollamaGenerateGoesToTheBackendOfItsModel() throws Exception {
        try (Response r = relay.post("/api/generate", "{\"model\":\"qwen3:latest\",\"prompt\":\"hi\",\"stream\":false}")) {
            assertRelayHeaders(r, "beta", "qwen3");
            JsonNode answer = Ndjson.json(r.body().string());
            assertThat(answer.get("response").asText()).isEqualTo(EchoAnswers.text("beta", "qwen3"));
            assertThat(answer.get("model").asText()).isEqualTo("qwen3:latest");
        }
        onlyRequest(beta, alpha, "/v1/chat/completions", "qwen3");
    }

    @Test
    void ollamaEmbedGoesToTheBackendOfItsModel() throws Exception {
        try (Response r = relay.post("/api/embed", "{\"model\":\"nomic-embed-text\",\"input\":[\"a\",\"b\"]}")) {
            assertRelayHeaders(r, "alpha", "nomic-embed-text");
            JsonNode answer = Ndjson.json(r.body().string());
            assertThat(answer.get("embeddings")).hasSize(2);
            assertThat(answer.get("model").asText()).isEqualTo("nomic-embed-text");
        }
        JsonNode sent = onlyRequest(alpha, beta, "/v1/embeddings", "nomic-embed-text");
        assertThat(sent.get("input")).hasSize(2);
        try (Response r = relay.post("/api/embed", "{\"model\":\"mxbai-embed-large\",\"input\":\"a\"}")) {
            assertRelayHeaders(r, "beta", "mxbai-embed-large");
            assertThat(Ndjson.json(r.body().string()).get("embeddings")).hasSize(1);
        }
        onlyRequest(beta, alpha, "/v1/embeddings", "mxbai-embed-large");
    }

    @Test
    void openAiChatWholeIsForwardedAsBytesToTheBackendOfItsModel() throws Exception {
        String request = chat("llama3", false);
        try (Response r = relay.post("/v1/chat/completions", request)) {
            assertRelayHeaders(r, "alpha", "llama3");
            JsonNode answer = Ndjson.json(r.body().string());
            assertThat(answer.get("object").asText()).isEqualTo("chat.completion");
            assertThat(answer.get("choices").get(0).get("message").get("content").asText())
                    .isEqualTo(EchoAnswers.text("alpha", "llama3"));
        }
        RecordedRequest got = alpha.takeRequest();
        assertThat(got.getUrl().encodedPath()).isEqualTo("/v1/chat/completions");
        assertThat(got.getBody().utf8()).isEqualTo(request);
        assertThat(beta.untakenRequests()).isZero();
    }

    @Test
    void openAiChatStreamedIsForwardedAsBytesToTheBackendOfItsModel() throws Exception {
        String request = chat("qwen3", true);
        try (Response r = relay.post("/v1/chat/completions", request)) {
            assertRelayHeaders(r, "beta", "qwen3");
            assertThat(r.header("Content-Type")).isEqualTo("text/event-stream");
            String body = r.body().string();
            assertThat(body).startsWith("data: {").endsWith("data: [DONE]\n\n")
                    .contains(EchoAnswers.text("beta", "qwen3"));
        }
        RecordedRequest got = beta.takeRequest();
        assertThat(got.getBody().utf8()).isEqualTo(request);
        assertThat(alpha.untakenRequests()).isZero();
    }

    @Test
    void aModelTwoBackendsServeIsListedOnceAndServedByBoth() throws Exception {
        List<String> tags = new ArrayList<>();
        try (Response r = relay.get("/api/tags")) {
            Ndjson.json(r.body().string()).get("models").forEach(m -> tags.add(m.get("name").asText()));
        }
        assertThat(tags).containsExactlyInAnyOrder("llama3:latest", "nomic-embed-text:latest", "shared:latest",
                "demo:latest", "qwen3:latest", "mxbai-embed-large:latest");
        List<String> ids = new ArrayList<>();
        try (Response r = relay.get("/v1/models")) {
            Ndjson.json(r.body().string()).get("data").forEach(m -> ids.add(m.get("id").asText()));
        }
        assertThat(ids).containsExactlyInAnyOrder("llama3", "nomic-embed-text", "shared", "demo", "qwen3",
                "mxbai-embed-large");
        List<String> servedBy = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            try (Response r = relay.post("/v1/chat/completions", chat("shared", false))) {
                assertThat(r.code()).isEqualTo(200);
                servedBy.add(r.header("X-Relay-Backend"));
                assertThat(Ndjson.json(r.body().string()).get("choices").get(0).get("message").get("content").asText())
                        .isEqualTo(EchoAnswers.text(r.header("X-Relay-Backend"), "shared"));
            }
        }
        assertThat(servedBy).as("round-robin over both").containsOnly("alpha", "beta").contains("alpha", "beta");
        assertThat(alpha.drainRequests()).hasSize(2);
        assertThat(beta.drainRequests()).hasSize(2);
    }

    @Test
    void aListedNameWithItsTagIsServedOnV1AndTheBackendReceivesItsOwnId() throws Exception {
        String request = "{\"model\":\"demo:latest\",\"stream\":false,\"temperature\":0.5,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        try (Response r = relay.post("/v1/chat/completions", request)) {
            assertRelayHeaders(r, "alpha", "demo");
            assertThat(Ndjson.json(r.body().string()).get("choices").get(0).get("message").get("content").asText())
                    .isEqualTo(EchoAnswers.text("alpha", "demo"));
        }
        RecordedRequest got = alpha.takeRequest();
        // only the model's value is rewritten; every other byte is the client's
        assertThat(got.getBody().utf8()).isEqualTo(request.replace("\"demo:latest\"", "\"demo\""));
        assertThat(beta.untakenRequests()).isZero();
    }

    @Test
    void anUnknownModelIs404InEachApisShapeAndNothingIsSent() throws Exception {
        for (String[] call : new String[][] {
            {"/api/chat", chat("gpt-9", true)},
            {"/api/generate", "{\"model\":\"gpt-9\",\"prompt\":\"hi\"}"},
            {"/api/embed", "{\"model\":\"gpt-9\",\"input\":\"hi\"}"},
        }) {
            try (Response r = relay.post(call[0], call[1])) {
                assertThat(r.code()).as(call[0]).isEqualTo(404);
                JsonNode error = Ndjson.json(r.body().string()).get("error");
                assertThat(error.isTextual()).as(call[0] + ": Ollama's {\"error\": \"...\"}").isTrue();
                assertThat(error.asText()).contains("gpt-9").contains("not found");
                assertThat(r.header("X-Relay-Backend")).isNull();
            }
        }
        for (String path : new String[] {"/v1/chat/completions", "/v1/embeddings"}) {
            try (Response r = relay.post(path, "{\"model\":\"gpt-9\",\"input\":\"x\",\"messages\":[]}")) {
                assertThat(r.code()).as(path).isEqualTo(404);
                JsonNode error = Ndjson.json(r.body().string()).get("error");
                assertThat(error.isObject()).as(path + ": OpenAI's {\"error\": {...}}").isTrue();
                assertThat(error.get("message").asText()).contains("gpt-9");
                assertThat(error.get("type").asText()).isEqualTo("not_found_error");
                assertThat(r.header("X-Relay-Backend")).isNull();
            }
        }
        try (Response r = relay.get("/v1/models/gpt-9")) {
            assertThat(r.code()).isEqualTo(404);
            assertThat(Ndjson.json(r.body().string()).get("error").get("type").asText()).isEqualTo("not_found_error");
        }
        try (Response r = relay.get("/v1/models/qwen3:latest")) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(Ndjson.json(r.body().string()).get("id").asText()).isEqualTo("qwen3");
        }
        assertThat(alpha.untakenRequests()).as("nothing sent to alpha").isZero();
        assertThat(beta.untakenRequests()).as("nothing sent to beta").isZero();
    }
}
