package io.llmrelay.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrelay.server.testing.Ndjson;
import io.llmrelay.server.testing.ProxiedBackend;
import io.llmrelay.server.testing.RawHttp;
import io.llmrelay.server.testing.RelayHarness;
import java.util.stream.Stream;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every bad input gets a clear error in the caller's API shape and the right status. */
class ErrorAnswersTest {

    @RegisterExtension
    static final ProxiedBackend proxied = new ProxiedBackend();

    static Stream<Arguments> badRequests() {
        return Stream.of(
                // path, body, status, message fragment
                Arguments.of("/api/chat", "", 400, "missing request body"),
                Arguments.of("/api/chat", " \n ", 400, "missing request body"), // Go's decoder: io.EOF, as for none
                Arguments.of("/api/chat", "{\"model\":", 400, "invalid JSON"),
                Arguments.of("/api/chat", "{\"model\":\"m\",\"messages\":[", 400,
                        "invalid JSON in request body: Unexpected end-of-input: expected close marker for Array (line 1, column 26)"),
                Arguments.of("/api/chat", "[1,2]", 400, "expected a JSON object"),
                Arguments.of("/api/chat", "{\"messages\":[]}", 400, "model is required"),
                Arguments.of("/api/chat", "{\"model\":\"m\",\"messages\":\"hi\"}", 400, "\"messages\""),
                Arguments.of("/api/chat", "{\"model\":\"m\",\"stream\":\"yes\",\"messages\":[]}", 400, "\"stream\""),
                Arguments.of("/api/chat", "{\"model\":\"m\",\"messages\":[{\"content\":\"x\"}]}", 400, "role is required"),
                Arguments.of("/api/chat", "{\"model\":\"m\",\"format\":\"xml\",\"messages\":[{\"role\":\"user\"}]}", 400,
                        "invalid format"),
                Arguments.of("/api/chat", "{\"model\":\"m\",\"options\":{\"temperature\":\"hot\"},\"messages\":[]}", 400,
                        "option \"temperature\" must be of type float"),
                Arguments.of("/api/generate", "{\"model\":\"m\",\"prompt\":\"x\",\"raw\":true,\"system\":\"s\"}", 400,
                        "raw mode does not support template, system, or context"),
                Arguments.of("/api/embed", "{\"model\":\"m\",\"input\":5}", 400, "invalid input type"),
                Arguments.of("/api/show", "{}", 400, "model is required"),
                Arguments.of("/api/show", "{\"model\":\"nope\"}", 404, "model 'nope' not found"),
                Arguments.of("/api/pull", "{\"name\":\"nope\"}", 404, "model 'nope' not found"),
                Arguments.of("/api/chat", "{\"model\":\"nope\",\"messages\":[]}", 404, "model 'nope' not found"),
                Arguments.of("/api/push", "{\"model\":\"m\"}", 501, "not supported"),
                Arguments.of("/api/create", "{\"model\":\"m\"}", 501, "not supported"),
                Arguments.of("/api/copy", "{\"source\":\"m\",\"destination\":\"n\"}", 501, "not supported"),
                Arguments.of("/api/blobs/sha256:abc", "", 501, "not supported"),
                Arguments.of("/api/nothing", "{}", 404, "404 page not found"));
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @MethodSource("badRequests")
    void ollamaErrors(String path, String body, int status, String message) throws Exception {
        try (Response response = proxied.relay.post(path, body)) {
            assertThat(response.code()).isEqualTo(status);
            assertThat(response.header("Content-Type")).isEqualTo("application/json; charset=utf-8");
            JsonNode error = Ndjson.json(response.body().string());
            assertThat(error.size()).isEqualTo(1);
            assertThat(error.get("error").asText()).contains(message);
        }
    }

    @Test
    void wrongMethodIs405WithAllow() throws Exception {
        try (Response response = proxied.relay.get("/api/chat")) {
            assertThat(response.code()).isEqualTo(405);
            assertThat(response.header("Allow")).isEqualTo("POST");
            assertThat(Ndjson.json(response.body().string()).get("error").asText()).contains("method not allowed");
        }
        try (Response response = proxied.relay.http.newCall(new Request.Builder().url(proxied.relay.url("/api/delete"))
                .delete(RequestBody.create("{\"name\":\"m\"}", RelayHarness.JSON)).build()).execute()) {
            assertThat(response.code()).isEqualTo(501);
        }
    }

    @Test
    void unknownOpenAiRoutesAnswerInOpenAiShape() throws Exception {
        try (Response response = proxied.relay.post("/v1/nothing", "{}")) {
            assertThat(response.code()).isEqualTo(404);
            JsonNode error = Ndjson.json(response.body().string()).get("error");
            assertThat(error.get("message").asText()).contains("404 page not found");
            assertThat(error.get("type").asText()).isEqualTo("not_found_error");
            assertThat(error.has("param")).isTrue();
            assertThat(error.has("code")).isTrue();
        }
    }

    /** Found by fuzzing: {@code GET /v1/models/%} was a 500, the id's percent-decoding having thrown. */
    @Test
    void aModelIdWithABrokenPercentEscapeIs400InOpenAiShape() throws Exception {
        for (String target : new String[] {"/v1/models/%", "/v1/models/demo%zz", "/v1/models/%4"}) {
            try (RawHttp client = RawHttp.connect(proxied.relay.port(), 64 * 1024)) {
                client.send(RawHttp.getRequest(target));
                RawHttp.Response r = client.readResponse();
                assertThat(r.status()).as(target).isEqualTo(400);
                JsonNode error = Ndjson.json(r.body()).get("error");
                assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
                assertThat(error.get("message").asText())
                        .isEqualTo("invalid model id in the path: a '%' must be followed by two hex digits");
            }
        }
    }

    /**
     * Found by fuzzing: a UTF-16 body on {@code /v1/chat/completions} whose model had to be rewritten
     * ({@code m:latest} → {@code m}) was a 500 and leaked a buffer: the parser detects UTF-16 and then
     * gives no byte offsets (-1), which the rewrite used as such.
     */
    @Test
    void aBodyThatIsNotUtf8IsA400OnEveryKindOfRoute() throws Exception {
        byte[] v1 = "{\"model\":\"m:latest\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"
                .getBytes(java.nio.charset.StandardCharsets.UTF_16);
        byte[] ollama = "{\"model\":\"m\",\"stream\":false,\"messages\":[]}"
                .getBytes(java.nio.charset.StandardCharsets.UTF_16LE); // no byte order mark
        for (Object[] c : new Object[][] {{"/v1/chat/completions", v1}, {"/api/chat", ollama}}) {
            try (Response response = proxied.relay.http.newCall(new Request.Builder().url(proxied.relay.url((String) c[0]))
                    .post(RequestBody.create((byte[]) c[1], RelayHarness.JSON)).build()).execute()) {
                String body = response.body().string();
                assertThat(response.code()).as(body).isEqualTo(400);
                JsonNode error = Ndjson.json(body).get("error");
                String message = error.isTextual() ? error.asText() : error.get("message").asText();
                assertThat(message).isEqualTo("request body is not UTF-8: JSON must be sent as UTF-8 (RFC 8259)");
            }
        }
    }

    @Test
    void rootAndVersionAnswerLikeOllama() throws Exception {
        try (Response response = proxied.relay.get("/")) {
            assertThat(response.body().string()).isEqualTo("Ollama is running");
        }
        try (Response response = proxied.relay.http.newCall(new Request.Builder().url(proxied.relay.url("/")).head().build()).execute()) {
            assertThat(response.code()).isEqualTo(200);
            assertThat(response.header("Content-Length")).isEqualTo("17");
            assertThat(response.body().string()).isEmpty();
        }
        try (Response response = proxied.relay.get("/api/version")) {
            String version = Ndjson.json(response.body().string()).get("version").asText();
            String[] parts = version.split("\\.");
            assertThat(Integer.parseInt(parts[0]) * 1000 + Integer.parseInt(parts[1])).isGreaterThanOrEqualTo(6);
        }
    }

    @Test
    void pullOfAServedModelSucceeds() throws Exception {
        try (Response response = proxied.relay.post("/api/pull", "{\"name\":\"m\"}")) {
            assertThat(response.header("Content-Type")).isEqualTo("application/x-ndjson");
            assertThat(response.body().string()).isEqualTo("{\"status\":\"success\"}\n");
        }
        try (Response response = proxied.relay.post("/api/pull", "{\"model\":\"m:latest\",\"stream\":false}")) {
            assertThat(response.body().string()).isEqualTo("{\"status\":\"success\"}");
        }
    }

    @Test
    void loadAndUnloadAreAnsweredWithoutTheBackendAndShowInPs() throws Exception {
        try (Response response = proxied.relay.post("/api/generate", "{\"model\":\"m\",\"keep_alive\":\"1h\"}")) {
            JsonNode line = Ndjson.parse(response.body().string()).get(0);
            assertThat(line.get("done_reason").asText()).isEqualTo("load");
            assertThat(line.get("response").asText()).isEmpty();
        }
        try (Response response = proxied.relay.get("/api/ps")) {
            JsonNode models = Ndjson.json(response.body().string()).get("models");
            assertThat(models).hasSize(1);
            assertThat(models.get(0).get("name").asText()).isEqualTo("m:latest");
            assertThat(java.time.OffsetDateTime.parse(models.get(0).get("expires_at").asText()))
                    .isAfter(java.time.OffsetDateTime.now().plusMinutes(59));
        }
        try (Response response = proxied.relay.post("/api/chat", "{\"model\":\"m\",\"messages\":[],\"keep_alive\":0,\"stream\":false}")) {
            assertThat(Ndjson.json(response.body().string()).get("done_reason").asText()).isEqualTo("unload");
        }
        try (Response response = proxied.relay.get("/api/ps")) {
            assertThat(response.body().string()).isEqualTo("{\"models\":[]}");
        }
    }

    @Test
    void anUnreachableBackendIs502NamingIt() throws Exception {
        try (RelayHarness orphan = RelayHarness.start(RelayHarness.deadBackendUrl())) {
            try (Response response = orphan.post("/api/chat", "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")) {
                assertThat(response.code()).isEqualTo(502);
                assertThat(Ndjson.json(response.body().string()).get("error").asText())
                        .contains("cannot connect to backend test-backend (http://127.0.0.1:");
            }
            try (Response response = orphan.get("/api/tags")) {
                assertThat(response.code()).isEqualTo(502);
                assertThat(Ndjson.json(response.body().string()).get("error").asText()).contains("test-backend");
            }
        }
    }

    @Test
    void tagsCarryTheBackendsContextLength() throws Exception {
        try (Response response = proxied.relay.get("/api/tags")) {
            JsonNode model = Ndjson.json(response.body().string()).get("models").get(0);
            assertThat(model.get("name").asText()).isEqualTo("m:latest");
            assertThat(model.get("model").asText()).isEqualTo("m:latest");
            assertThat(model.get("size").isIntegralNumber()).isTrue();
            assertThat(model.get("details").get("context_length").asInt()).isEqualTo(32768);
            assertThat(java.time.OffsetDateTime.parse(model.get("modified_at").asText()).toEpochSecond())
                    .isEqualTo(1700000000L);
        }
    }
}
