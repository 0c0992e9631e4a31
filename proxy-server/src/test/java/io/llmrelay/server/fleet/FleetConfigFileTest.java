package io.llmrelay.server.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrelay.server.testing.EchoAnswers;
import io.llmrelay.server.testing.Ndjson;
import io.llmrelay.server.testing.RelayHarness;
import io.llmrelay.server.testing.ScriptedBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import mockwebserver3.RecordedRequest;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fleet read from a YAML file by {@code ConfigFile}, with every catalogue rule: a backend's own
 * {@code include}, {@code models.include} with {@code !}, a filter file, a mapping file and aliases.
 * What {@code /api/tags} and {@code /v1/models} show, and where each name's requests go and under
 * which id.
 */
class FleetConfigFileTest {

    @TempDir
    static Path dir;

    private static ScriptedBackend alpha;
    private static ScriptedBackend beta;
    private static ScriptedBackend gamma;
    private static RelayHarness relay;

    @BeforeAll
    static void start() throws Exception {
        alpha = new ScriptedBackend();
        alpha.models(FleetRoutingByModelTest.list("llama3.2:3b", "llama3.2:1b", "qwen2.5-coder:32b",
                "nomic-embed-text", "scratch-base", "shared"));
        alpha.answerAll(EchoAnswers.as("alpha"));
        beta = new ScriptedBackend();
        beta.models(FleetRoutingByModelTest.list("shared", "Qwen/Qwen2.5-Coder-32B-Instruct",
                "meta-llama/llama-3.3-70b-instruct", "text-embedding-3-small"));
        beta.answerAll(EchoAnswers.as("beta"));
        gamma = new ScriptedBackend(); // lists "m", but the file gives its models
        gamma.answerAll(EchoAnswers.as("gamma"));
        Files.writeString(dir.resolve("models.txt"), String.join("\n",
                "# what the team may use",
                "*",
                "!llama3.2:1b   # too small to be useful",
                ""));
        Files.writeString(dir.resolve("mapping.json"),
                "{\n  \"llama3.3\": \"meta-llama/llama-3.3-70b-instruct\"\n}\n");
        relay = RelayHarness.fromYaml(dir, String.join("\n",
                "backends:",
                "  - name: alpha",
                "    type: openai-compatible",
                "    url: " + alpha.baseUrl(),
                "    include: [\"*\", \"!shared\", \"!scratch*\"]",
                "  - name: beta",
                "    type: openai-compatible",
                "    url: " + beta.baseUrl(),
                "  - name: gamma",
                "    type: openai-compatible",
                "    url: " + gamma.baseUrl(),
                "    models: [static-a, llama3.2:3b]",
                "    headers:",
                "      X-Title: llm-relay",
                "routing:",
                "  strategy: round-robin",
                "models:",
                "  aliases:",
                "    coder: [qwen2.5-coder:32b, beta/Qwen/Qwen2.5-Coder-32B-Instruct]",
                "    big: [beta/meta-llama/llama-3.3-70b-instruct]",
                "    vectors: [nomic-embed-text]",
                "  include: [\"*\", \"!*embed*\"]",
                "  filter_file: models.txt",
                "  mapping_file: mapping.json",
                "")).awaitReady();
    }

    @AfterAll
    static void stop() {
        relay.close();
        alpha.close();
        beta.close();
        gamma.close();
    }

    @BeforeEach
    void forgetEarlierRequests() {
        alpha.drainRequests();
        beta.drainRequests();
        gamma.drainRequests();
    }

    private static String chat(String model) {
        return "{\"model\":\"" + model + "\",\"stream\":false,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    }

    private static String modelSentTo(ScriptedBackend backend) throws InterruptedException {
        RecordedRequest r = backend.takeRequest();
        return Ndjson.json(r.getBody().utf8()).get("model").asText();
    }

    @Test
    void theCatalogueShowsWhatTheRulesKeep() throws Exception {
        List<String> tags = new ArrayList<>();
        try (Response r = relay.get("/api/tags")) {
            assertThat(r.code()).isEqualTo(200);
            Ndjson.json(r.body().string()).get("models").forEach(m -> tags.add(m.get("name").asText()));
        }
        assertThat(tags).containsExactlyInAnyOrder(
                "llama3.2:3b", "qwen2.5-coder:32b", // alpha's, past every rule
                "shared:latest", // beta's only: alpha's own include drops it there
                "Qwen/Qwen2.5-Coder-32B-Instruct:latest",
                "llama3.3:latest", // the mapping's name for beta's meta-llama/llama-3.3-70b-instruct
                "coder:latest", "big:latest", "vectors:latest", // the aliases
                "static-a:latest"); // gamma's static list (not its own "m")
        // not: llama3.2:1b (filter file), scratch-base (alpha's include), *embed* (models.include),
        // meta-llama/llama-3.3-70b-instruct (known by its mapped name)
        List<String> ids = new ArrayList<>();
        try (Response r = relay.get("/v1/models")) {
            Ndjson.json(r.body().string()).get("data").forEach(m -> ids.add(m.get("id").asText()));
        }
        assertThat(ids).containsExactlyInAnyOrder("llama3.2:3b", "qwen2.5-coder:32b", "shared",
                "Qwen/Qwen2.5-Coder-32B-Instruct", "llama3.3", "coder", "big", "vectors", "static-a");
    }

    @Test
    void anAliasSpreadsOverItsTargetsEachUnderItsBackendsId() throws Exception {
        Map<String, String> modelBy = new TreeMap<>();
        for (int i = 0; i < 4; i++) {
            try (Response r = relay.post(i % 2 == 0 ? "/api/chat" : "/v1/chat/completions", chat("coder"))) {
                assertThat(r.code()).isEqualTo(200);
                String backend = r.header("X-Relay-Backend");
                String model = r.header("X-Relay-Model");
                String previous = modelBy.put(backend, model);
                assertThat(previous == null || previous.equals(model)).isTrue();
                assertThat(r.body().string()).contains(EchoAnswers.text(backend, model));
            }
        }
        assertThat(modelBy).isEqualTo(Map.of("alpha", "qwen2.5-coder:32b", "beta", "Qwen/Qwen2.5-Coder-32B-Instruct"));
        assertThat(modelSentTo(alpha)).isEqualTo("qwen2.5-coder:32b");
        assertThat(modelSentTo(beta)).isEqualTo("Qwen/Qwen2.5-Coder-32B-Instruct");
    }

    @Test
    void aPinnedAliasAndAMappedNameReachTheirBackendUnderItsId() throws Exception {
        for (String name : new String[] {"big", "llama3.3", "llama3.3:latest"}) {
            for (int i = 0; i < 2; i++) {
                try (Response r = relay.post(i == 0 ? "/api/chat" : "/v1/chat/completions", chat(name))) {
                    assertThat(r.code()).as(name).isEqualTo(200);
                    assertThat(r.header("X-Relay-Backend")).as(name).isEqualTo("beta");
                    assertThat(r.header("X-Relay-Model")).as(name).isEqualTo("meta-llama/llama-3.3-70b-instruct");
                    r.body().string();
                }
                assertThat(modelSentTo(beta)).isEqualTo("meta-llama/llama-3.3-70b-instruct");
            }
        }
        assertThat(alpha.untakenRequests()).isZero();
    }

    @Test
    void aBackendsOwnIncludeKeepsAModelOffThatBackend() throws Exception {
        for (int i = 0; i < 4; i++) {
            try (Response r = relay.post("/api/chat", chat("shared"))) {
                assertThat(r.code()).isEqualTo(200);
                assertThat(r.header("X-Relay-Backend")).isEqualTo("beta");
                r.body().string();
            }
        }
        assertThat(beta.drainRequests()).hasSize(4);
        assertThat(alpha.untakenRequests()).isZero();
    }

    @Test
    void aStaticModelListIsServedAsGivenWithTheBackendsExtraHeaders() throws Exception {
        try (Response r = relay.post("/api/chat", chat("static-a:latest"))) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.header("X-Relay-Backend")).isEqualTo("gamma");
            assertThat(r.header("X-Relay-Model")).isEqualTo("static-a");
            r.body().string();
        }
        RecordedRequest sent = gamma.takeRequest();
        assertThat(Ndjson.json(sent.getBody().utf8()).get("model").asText()).isEqualTo("static-a");
        assertThat(sent.getHeaders().get("X-Title")).isEqualTo("llm-relay");
        Map<String, Integer> servedBy = new TreeMap<>();
        for (int i = 0; i < 4; i++) {
            try (Response r = relay.post("/v1/chat/completions", chat("llama3.2:3b"))) {
                assertThat(r.code()).isEqualTo(200);
                servedBy.merge(r.header("X-Relay-Backend"), 1, Integer::sum);
                r.body().string();
            }
        }
        assertThat(servedBy).as("listed by alpha, given to gamma by the file").isEqualTo(Map.of("alpha", 2, "gamma", 2));
        try (Response r = relay.post("/api/chat", chat("m"))) {
            assertThat(r.code()).as("what gamma itself lists is not served").isEqualTo(404);
        }
    }

    @Test
    void anAliasMayNameAModelTheFiltersHide() throws Exception {
        try (Response r = relay.post("/api/embed", "{\"model\":\"vectors\",\"input\":\"hi\"}")) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.header("X-Relay-Backend")).isEqualTo("alpha");
            assertThat(r.header("X-Relay-Model")).isEqualTo("nomic-embed-text");
            assertThat(Ndjson.json(r.body().string()).get("embeddings")).hasSize(1);
        }
        assertThat(modelSentTo(alpha)).isEqualTo("nomic-embed-text");
    }

    @Test
    void whatTheRulesDropIsUnknownEverywhereAndNothingIsSent() throws Exception {
        for (String[] call : new String[][] {
            {"/api/chat", chat("llama3.2:1b")}, // the filter file
            {"/api/chat", chat("scratch-base")}, // alpha's own include
            {"/api/embed", "{\"model\":\"nomic-embed-text\",\"input\":\"hi\"}"}, // models.include
            {"/api/embed", "{\"model\":\"text-embedding-3-small\",\"input\":\"hi\"}"},
            {"/v1/embeddings", "{\"model\":\"text-embedding-3-small\",\"input\":\"hi\"}"},
            {"/v1/chat/completions", chat("llama3.2:1b")},
        }) {
            try (Response r = relay.post(call[0], call[1])) {
                assertThat(r.code()).as("%s %s", call[0], call[1]).isEqualTo(404);
                JsonNode error = Ndjson.json(r.body().string()).get("error");
                assertThat(call[0].startsWith("/v1") ? error.get("message").asText() : error.asText()).contains("not found");
            }
        }
        assertThat(alpha.untakenRequests()).isZero();
        assertThat(beta.untakenRequests()).isZero();
        assertThat(gamma.untakenRequests()).isZero();
    }
}
