package io.llmrelay.server.e2e;

import static io.llmrelay.server.e2e.MessagesEndToEndTest.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrelay.server.testing.EchoAnswers;
import io.llmrelay.server.testing.Ndjson;
import io.llmrelay.server.testing.RelayHarness;
import io.llmrelay.server.testing.ScriptedBackend;
import io.llmrelay.server.testing.Sha256;
import io.llmrelay.testing.SeenSecrets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import mockwebserver3.RecordedRequest;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Client keys on the Messages routes: Anthropic clients send theirs as {@code x-api-key}; a missing or
 * wrong key is Anthropic's 401, a model the key may not use its 403, and the key never reaches a backend.
 */
class MessagesKeysTest {

    /** may use qwen3* only */
    static final String ALICE = "alice-messages-4b1e-secret";
    static final String MODELS = "{\"object\":\"list\",\"data\":[{\"id\":\"qwen3:8b\",\"object\":\"model\"},"
            + "{\"id\":\"llama3\",\"object\":\"model\"}]}";

    @TempDir
    Path dir;

    private ScriptedBackend backend;
    private RelayHarness relay;

    @BeforeEach
    void start() throws Exception {
        backend = new ScriptedBackend();
        backend.models(MODELS);
        backend.answerAll(EchoAnswers.as("b"));
        Files.writeString(dir.resolve("keys.yaml"), """
                - name: alice
                  key_sha256: %s
                  models: ["qwen3*"]
                """.formatted(Sha256.hex(ALICE)));
        relay = RelayHarness.fromYaml(dir, """
                backends:
                  - name: b
                    url: %s
                auth:
                  keys_file: keys.yaml
                """.formatted(backend.baseUrl())).awaitReady();
    }

    @AfterEach
    void stop() {
        relay.close();
        backend.close();
    }

    private Response post(String path, String json, String... headers) throws IOException {
        Request.Builder r = new Request.Builder().url(relay.url(path)).post(RequestBody.create(json, RelayHarness.JSON));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            r.addHeader(headers[i], headers[i + 1]);
        }
        return relay.http.newCall(r.build()).execute();
    }

    private static String message(String model) {
        return "{\"model\":\"" + model + "\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    }

    @Test
    void withoutAKeyOrWithAWrongOneTheAnswerIsAnthropics401() throws Exception {
        assertError(post("/v1/messages", message("qwen3:8b")), 401, "authentication_error",
                "API key missing: send it as 'Authorization: Bearer <key>' or 'x-api-key: <key>'");
        String guess = SeenSecrets.key("sk-ant-a-guess-never-echoed");
        try (Response r = post("/v1/messages", message("qwen3:8b"), "x-api-key", guess)) {
            assertThat(r.code()).isEqualTo(401);
            String body = r.body().string();
            assertThat(body).doesNotContain(guess);
            assertThat(Ndjson.json(body).path("error").path("type").asText()).isEqualTo("authentication_error");
        }
        assertError(post("/v1/messages/count_tokens", message("qwen3:8b")), 401, "authentication_error", null);
        assertThat(backend.untakenRequests()).isZero();
    }

    @Test
    void aModelTheKeyMayNotUseIsAnthropics403AndTheKeyNeverReachesTheBackend() throws Exception {
        assertError(post("/v1/messages", message("llama3"), "x-api-key", ALICE), 403, "permission_error",
                "model 'llama3' is not allowed for API key 'alice'");
        assertError(post("/v1/messages/count_tokens", message("llama3"), "x-api-key", ALICE), 403, "permission_error",
                "model 'llama3' is not allowed for API key 'alice'");
        assertThat(backend.untakenRequests()).isZero();

        try (Response r = post("/v1/messages", message("qwen3:8b"), "x-api-key", ALICE, "anthropic-version", "2023-06-01")) {
            assertThat(r.code()).isEqualTo(200);
            JsonNode answer = Ndjson.json(r.body().string());
            assertThat(answer.path("content").get(0).path("text").asText()).isEqualTo("b serves qwen3:8b");
        }
        RecordedRequest upstream = backend.takeRequest();
        assertThat(upstream.getHeaders().get("x-api-key")).isNull();
        assertThat(upstream.getHeaders().get("Authorization")).isNull();
    }
}
