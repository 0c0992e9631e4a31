package io.llmrelay.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrelay.server.testing.CapturedLog;
import io.llmrelay.server.testing.EchoAnswers;
import io.llmrelay.server.testing.Ndjson;
import io.llmrelay.server.testing.RelayHarness;
import io.llmrelay.server.testing.ScriptedBackend;
import io.llmrelay.server.testing.Sha256;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import mockwebserver3.MockResponse;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.llmrelay.testing.SeenSecrets;

/**
 * Client keys ({@code auth:}) end to end: which routes are open, 401 and 403 in each API's shape, the
 * catalogue each key sees, and the key's name — never the key — in the access log and the metrics.
 */
class ClientKeysTest {

    /** may use qwen3* only; its file entry holds the digest, never the key */
    static final String ALICE = "alice-7c1f-secret";
    /** every model, from keys_env */
    static final String BOB = "bob-92aa-secret";
    /** every model, from a variable named in the keys file */
    static final String OPS = "ops-5d0e-secret";
    static final String MODELS = "{\"object\":\"list\",\"data\":[" + model("qwen3:8b") + "," + model("qwen3:32b") + ","
            + model("llama3") + "," + model("secret-model") + "]}";

    @TempDir
    Path dir;

    private ScriptedBackend backend;
    private RelayHarness relay;
    private CapturedLog log;

    private static String model(String id) {
        return "{\"id\":\"" + id + "\",\"object\":\"model\",\"created\":1700000000,\"owned_by\":\"test\"}";
    }

    private static String sha256(String key) {
        return Sha256.hex(key);
    }

    @BeforeEach
    void start() throws Exception {
        backend = new ScriptedBackend();
        backend.models(MODELS);
        backend.answerAll(EchoAnswers.as("b"));
        Files.writeString(dir.resolve("keys.yaml"), """
                - name: alice
                  key_sha256: %s
                  models: ["qwen3*"]
                - name: ops
                  key_env: OPS_KEY
                """.formatted(sha256(ALICE)));
        log = new CapturedLog();
        relay = RelayHarness.fromYaml(dir, """
                backends:
                  - name: b
                    url: %s
                models:
                  fallbacks:
                    qwen3:8b: [llama3]
                auth:
                  keys_file: keys.yaml
                  keys_env: RELAY_API_KEYS
                """.formatted(backend.baseUrl()), Map.of("RELAY_API_KEYS", SeenSecrets.keyPairs("bob=" + BOB), "OPS_KEY", SeenSecrets.key(OPS))).awaitReady();
    }

    @AfterEach
    void stop() {
        relay.close();
        backend.close();
        log.close();
    }

    record Answer(int code, String body, Response response) {
        JsonNode json() {
            return Ndjson.json(body);
        }

        String header(String name) {
            return response.header(name);
        }
    }

    /** A request with headers given as name, value, ...; a null body is a GET. */
    private Answer call(String path, String json, String... headers) throws IOException {
        Request.Builder r = new Request.Builder().url(relay.url(path));
        if (json != null) {
            r.post(RequestBody.create(json, RelayHarness.JSON));
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            r.addHeader(headers[i], headers[i + 1]);
        }
        try (Response response = relay.http.newCall(r.build()).execute()) {
            return new Answer(response.code(), response.body().string(), response);
        }
    }

    private static String[] bearer(String key) {
        return new String[] {"Authorization", "Bearer " + key};
    }

    private static String chat(String model) {
        return "{\"model\":\"" + model + "\",\"stream\":false,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    }

    private static String openAiChat(String model) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    }

    @Test
    void theRoutesClientsProbeAreOpenWithoutAKey() throws Exception {
        assertThat(call("/", null).code()).isEqualTo(200);
        assertThat(call("/api/version", null).code()).isEqualTo(200);
        assertThat(call("/health", null).code()).isEqualTo(200);
        assertThat(call("/health/ready", null).code()).isEqualTo(200);
        // a wrong key on an open route is not refused: the route needs none
        assertThat(call("/api/version", null, bearer("wrong")).code()).isEqualTo(200);
    }

    @Test
    void everyOtherOllamaRouteNeedsAKeyAndSaysSoInOllamasShape() throws Exception {
        for (String[] request : new String[][] {{"/api/tags", null}, {"/api/ps", null},
                {"/api/show", "{\"model\":\"qwen3:8b\"}"}, {"/api/chat", chat("qwen3:8b")},
                {"/api/embed", "{\"model\":\"qwen3:8b\",\"input\":\"x\"}"}, {"/api/pull", "{\"model\":\"qwen3:8b\"}"}}) {
            Answer a = call(request[0], request[1]);
            assertThat(a.code()).as(request[0]).isEqualTo(401);
            assertThat(a.header("WWW-Authenticate")).as(request[0]).isEqualTo("Bearer");
            assertThat(a.json().get("error").asText()).as(request[0])
                    .isEqualTo("API key missing: send it as 'Authorization: Bearer <key>' or 'x-api-key: <key>'");
        }
        Answer wrong = call("/api/chat", chat("qwen3:8b"), bearer("alice-7c1f-secreT"));
        assertThat(wrong.code()).isEqualTo(401);
        assertThat(wrong.json().get("error").asText()).isEqualTo("invalid API key");
        assertThat(backend.untakenRequests()).isZero();
    }

    @Test
    void theOpenAiRoutesAnswer401InOpenAisShape() throws Exception {
        Answer missing = call("/v1/models", null);
        assertThat(missing.code()).isEqualTo(401);
        assertThat(missing.header("WWW-Authenticate")).isEqualTo("Bearer");
        JsonNode error = missing.json().get("error");
        assertThat(error.get("type").asText()).isEqualTo("authentication_error");
        assertThat(error.get("code").asText()).isEqualTo("invalid_api_key");
        assertThat(error.get("message").asText()).startsWith("API key missing");

        String guess = "sk-a-guess-that-must-not-be-echoed";
        Answer wrong = call("/v1/chat/completions", openAiChat("qwen3:8b"), bearer(guess));
        assertThat(wrong.code()).isEqualTo(401);
        assertThat(wrong.json().get("error").get("message").asText()).isEqualTo("invalid API key");
        assertThat(wrong.json().get("error").get("code").asText()).isEqualTo("invalid_api_key");
        assertThat(wrong.body()).doesNotContain(guess).doesNotContain("sk-a-guess");
        assertThat(call("/v1/models/qwen3:8b", null).code()).isEqualTo(401);
        assertThat(call("/v1/embeddings", "{\"model\":\"qwen3:8b\",\"input\":\"x\"}").code()).isEqualTo(401);
        assertThat(backend.untakenRequests()).isZero();
    }

    @Test
    void aKeyIsTakenFromBearerOrXApiKeyButTwoDifferentKeysAreRefused() throws Exception {
        assertThat(call("/api/tags", null, "x-api-key", BOB).code()).isEqualTo(200);
        assertThat(call("/api/tags", null, "Authorization", "bearer " + BOB).code()).isEqualTo(200);
        assertThat(call("/api/tags", null, "Authorization", "Bearer " + OPS).code()).isEqualTo(200);
        assertThat(call("/api/tags", null, "Authorization", "Bearer " + BOB, "x-api-key", BOB).code()).isEqualTo(200);
        Answer two = call("/api/tags", null, "Authorization", "Bearer " + BOB, "x-api-key", ALICE);
        assertThat(two.code()).isEqualTo(401);
        assertThat(two.json().get("error").asText()).contains("two different API keys");
        // Basic credentials are not a key
        assertThat(call("/api/tags", null, "Authorization", "Basic " + BOB).code()).isEqualTo(401);
    }

    @Test
    void aModelTheKeyMayNotUseIs403InTheCallersShapeAndNeverReachesTheBackend() throws Exception {
        Answer ollama = call("/api/chat", chat("llama3"), bearer(ALICE));
        assertThat(ollama.code()).isEqualTo(403);
        assertThat(ollama.json().get("error").asText()).isEqualTo("model 'llama3' is not allowed for API key 'alice'");
        Answer openAi = call("/v1/chat/completions", openAiChat("llama3"), bearer(ALICE));
        assertThat(openAi.code()).isEqualTo(403);
        assertThat(openAi.json().get("error").get("type").asText()).isEqualTo("permission_error");
        assertThat(openAi.json().get("error").get("message").asText())
                .isEqualTo("model 'llama3' is not allowed for API key 'alice'");
        assertThat(call("/api/embed", "{\"model\":\"secret-model\",\"input\":\"x\"}", bearer(ALICE)).code())
                .isEqualTo(403);
        assertThat(call("/api/pull", "{\"model\":\"llama3\"}", bearer(ALICE)).code()).isEqualTo(403);
        assertThat(backend.untakenRequests()).isZero();

        Answer allowed = call("/api/chat", chat("qwen3:8b"), bearer(ALICE));
        assertThat(allowed.code()).isEqualTo(200);
        assertThat(allowed.json().get("message").get("content").asText()).isEqualTo("b serves qwen3:8b");
        assertThat(call("/api/chat", chat("llama3"), bearer(BOB)).code()).isEqualTo(200);
    }

    @Test
    void aFallbackChainNeverLeadsAKeyToAModelItMayNotUse() throws Exception {
        // qwen3:8b fails on its only backend; its chain falls back to llama3, which alice may not use
        backend.answerAll(request -> request.getBody().utf8().contains("qwen3:8b")
                ? new MockResponse.Builder().code(500).body("{\"error\":{\"message\":\"down\"}}").build()
                : EchoAnswers.as("b").apply(request));
        Answer bob = call("/api/chat", chat("qwen3:8b"), bearer(BOB));
        assertThat(bob.code()).isEqualTo(200);
        assertThat(bob.json().get("message").get("content").asText()).isEqualTo("b serves llama3");
        Answer alice = call("/api/chat", chat("qwen3:8b"), bearer(ALICE));
        assertThat(alice.code()).isEqualTo(500);
        assertThat(backend.drainRequests()).extracting(r -> r.getBody().utf8().contains("llama3"))
                .containsExactly(false, true, false);
    }

    @Test
    void eachKeySeesOnlyItsModelsInEveryList() throws Exception {
        assertThat(names(call("/api/tags", null, bearer(ALICE)).json().get("models"), "name"))
                .containsExactly("qwen3:8b", "qwen3:32b");
        assertThat(names(call("/api/tags", null, bearer(BOB)).json().get("models"), "name"))
                .containsExactly("qwen3:8b", "qwen3:32b", "llama3:latest", "secret-model:latest");
        assertThat(names(call("/v1/models", null, bearer(ALICE)).json().get("data"), "id"))
                .containsExactly("qwen3:8b", "qwen3:32b");
        assertThat(names(call("/v1/models", null, bearer(OPS)).json().get("data"), "id")).hasSize(4);

        Answer hidden = call("/v1/models/llama3", null, bearer(ALICE));
        assertThat(hidden.code()).isEqualTo(404);
        assertThat(hidden.json().get("error").get("message").asText()).isEqualTo("model 'llama3' not found");
        assertThat(call("/v1/models/llama3", null, bearer(BOB)).code()).isEqualTo(200);
        assertThat(call("/v1/models/qwen3:8b", null, bearer(ALICE)).code()).isEqualTo(200);
        Answer show = call("/api/show", "{\"model\":\"llama3\"}", bearer(ALICE));
        assertThat(show.code()).isEqualTo(404);
        assertThat(show.json().get("error").asText()).isEqualTo("model 'llama3' not found");
        assertThat(call("/api/show", "{\"model\":\"qwen3:32b\"}", bearer(ALICE)).code()).isEqualTo(200);

        // /api/ps: both models are loaded (bob used llama3), alice sees only hers
        assertThat(call("/api/chat", chat("llama3"), bearer(BOB)).code()).isEqualTo(200);
        assertThat(call("/api/chat", chat("qwen3:8b"), bearer(ALICE)).code()).isEqualTo(200);
        assertThat(names(call("/api/ps", null, bearer(BOB)).json().get("models"), "name"))
                .containsExactlyInAnyOrder("llama3:latest", "qwen3:8b");
        assertThat(names(call("/api/ps", null, bearer(ALICE)).json().get("models"), "name"))
                .containsExactly("qwen3:8b");
    }

    private static List<String> names(JsonNode list, String field) {
        List<String> out = new ArrayList<>();
        list.forEach(m -> out.add(m.get(field).asText()));
        return out;
    }

    @Test
    void theAccessLogNamesTheKeyAndTheClientButNeverHoldsAKey() throws Exception {
        call("/api/chat", chat("qwen3:8b"), "Authorization", "Bearer " + ALICE, "X-Request-ID", "keys-1");
        call("/v1/chat/completions", openAiChat("llama3"), "x-api-key", BOB, "X-Request-ID", "keys-2");
        call("/api/tags", null, "Authorization", "Bearer not-a-key-" + ALICE, "X-Request-ID", "keys-3");
        call("/api/chat", chat("llama3"), "Authorization", "Bearer " + ALICE, "X-Request-ID", "keys-4");
        Map<String, JsonNode> lines = awaitLines("keys-1", "keys-2", "keys-3", "keys-4");

        assertThat(lines.get("keys-1").get("key").asText()).isEqualTo("alice");
        assertThat(lines.get("keys-1").get("client_ip").asText()).isEqualTo("127.0.0.1");
        assertThat(lines.get("keys-2").get("key").asText()).isEqualTo("bob");
        assertThat(lines.get("keys-3").get("key").isNull()).isTrue();
        assertThat(lines.get("keys-3").get("status").asInt()).isEqualTo(401);
        assertThat(lines.get("keys-3").get("error").asText()).isEqualTo("invalid API key");
        assertThat(lines.get("keys-4").get("key").asText()).isEqualTo("alice");
        assertThat(lines.get("keys-4").get("status").asInt()).isEqualTo(403);

        String everything = log.events().stream().map(log::encode).collect(Collectors.joining());
        assertThat(everything).doesNotContain(ALICE).doesNotContain(BOB).doesNotContain(OPS)
                .doesNotContain(sha256(ALICE));
    }

    private Map<String, JsonNode> awaitLines(String... requestIds) throws InterruptedException {
        Map<String, JsonNode> found = new java.util.HashMap<>();
        for (int i = 0; i < 500 && found.size() < requestIds.length; i++) {
            for (JsonNode line : log.accessLines()) {
                String id = line.get("request_id").asText();
                if (List.of(requestIds).contains(id)) {
                    found.put(id, line);
                }
            }
            Thread.sleep(10);
        }
        assertThat(found).containsOnlyKeys(requestIds);
        return found;
    }

    @Test
    void theMetricsCountEachKeysRequestsByNameAndStatusClass() throws Exception {
        call("/api/chat", chat("qwen3:8b"), bearer(ALICE));
        call("/api/chat", chat("qwen3:8b"), bearer(ALICE));
        call("/api/chat", chat("llama3"), bearer(ALICE));
        call("/api/tags", null, bearer(BOB));
        call("/api/tags", null, bearer("wrong"));
        String metrics = awaitMetrics(
                "llm_relay_key_requests_total{key=\"bob\",status_class=\"2xx\"} 1",
                "llm_relay_key_requests_total{key=\"alice\",status_class=\"2xx\"} 2",
                "llm_relay_key_requests_total{key=\"alice\",status_class=\"4xx\"} 1",
                "llm_relay_errors_total{kind=\"unauthorized\"} 1",
                "llm_relay_errors_total{kind=\"forbidden\"} 1");
        assertThat(metrics).doesNotContain(ALICE).doesNotContain(BOB).doesNotContain("key=\"wrong\"");
        String promtool = System.getProperty("llmrelay.promtool"); // test.sh passes it, as for MetricsEndpointTest
        if (promtool != null && !promtool.isBlank()) {
            Process p = new ProcessBuilder(promtool, "check", "metrics").redirectErrorStream(true).start();
            p.getOutputStream().write(metrics.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as("promtool said: %s", out).isZero();
            assertThat(out).isEmpty();
        }
    }

    /** /metrics (loopback, so no key needed) once it shows every sample: a request is counted as it settles. */
    private String awaitMetrics(String... samples) throws Exception {
        String metrics = "";
        for (int i = 0; i < 200 && !java.util.Arrays.stream(samples).allMatch(metrics::contains); i++) {
            metrics = relay.metrics();
            Thread.sleep(10);
        }
        assertThat(metrics).contains(samples);
        return metrics;
    }

    @Test
    void aReloadAppliesTheKeysFileAsItIsNow() throws Exception {
        assertThat(call("/api/tags", null, bearer(ALICE)).code()).isEqualTo(200);
        String carol = "carol-0b3e-secret";
        Files.writeString(dir.resolve("keys.yaml"), """
                - name: carol
                  key_sha256: %s
                  models: ["llama3"]
                - name: ops
                  key_env: OPS_KEY
                """.formatted(sha256(carol)));
        try (Response reloaded = relay.reload()) {
            assertThat(reloaded.code()).isEqualTo(200);
        }
        assertThat(call("/api/tags", null, bearer(ALICE)).code()).isEqualTo(401);
        assertThat(names(call("/api/tags", null, bearer(carol)).json().get("models"), "name"))
                .containsExactly("llama3:latest");
        assertThat(call("/api/chat", chat("qwen3:8b"), bearer(carol)).code()).isEqualTo(403);
        assertThat(call("/api/tags", null, bearer(BOB)).code()).isEqualTo(200);
    }

    @Test
    void internalStatusListsTheKeysByNameWithTheirModelsAndLimits() throws Exception {
        JsonNode status = call("/internal/status", null).json();
        assertThat(status.get("access").get("keys_required").asBoolean()).isTrue();
        assertThat(names(status.get("keys"), "name")).containsExactly("alice", "ops", "bob");
        JsonNode alice = status.get("keys").get(0);
        assertThat(alice.get("models").toString()).isEqualTo("[\"qwen3*\"]");
        assertThat(alice.get("limits").get("rps").asInt()).isZero();
        assertThat(alice.get("source").asText()).isEqualTo("keys.yaml:1");
        assertThat(status.get("access").get("admin").get("who").asText()).isEqualTo("clients on this machine (loopback)");
        String text = status.toString();
        assertThat(text).doesNotContain(ALICE).doesNotContain(BOB).doesNotContain(OPS).doesNotContain(sha256(ALICE))
                .doesNotContain(sha256(ALICE).substring(0, 8));
    }
}
