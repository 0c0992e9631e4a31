package io.llmrelay.server.e2e;

import static io.llmrelay.server.testing.Ndjson.contentChunk;
import static io.llmrelay.server.testing.Ndjson.finishChunk;
import static io.llmrelay.server.testing.Ndjson.sse;
import static io.llmrelay.server.testing.Ndjson.usageChunk;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrelay.core.backend.BackendFlavor;
import io.llmrelay.core.config.BackendConfig;
import io.llmrelay.server.testing.Ndjson;
import io.llmrelay.server.testing.RelayHarness;
import io.llmrelay.server.testing.ScriptedBackend;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The proxy's own catalogue decides, not the backend's word: unknown names are 404 without a call
 * (llama.cpp answers any name with its one model), the server's type and facts are read from what it
 * says of itself, and readiness follows the health probes.
 */
class CatalogueTest {

    /** What xllamacpp 2026.10.11549 lists for SmolLM2-135M (n_ctx 4096 over 2 slots); "created" is the time of each read. */
    private static final String LLAMACPP_MODELS = "{\"object\":\"list\",\"data\":[{\"id\":\"smollm2\",\"aliases\":[\"smollm2\"],"
            + "\"object\":\"model\",\"architecture\":{\"input_modalities\":[\"text\"]},\"created\":%d,"
            + "\"owned_by\":\"llamacpp\",\"meta\":{\"n_vocab\":49152,\"n_ctx\":2048,\"n_ctx_train\":8192,"
            + "\"n_params\":134515008,\"size\":96576768,\"ftype\":\"Q4_1\"}}]}";
    /** Its /props with SmolLM2's own template: no tools, no thinking. */
    private static final String STOCK_PROPS = "{\"default_generation_settings\":{\"n_ctx\":2048},\"total_slots\":2,"
            + "\"modalities\":{\"vision\":false},\"chat_template\":\"{% for m in messages %}<|im_start|>{% endfor %}\","
            + "\"chat_template_caps\":{\"supports_tools\":false,\"supports_tool_calls\":false}}";
    private static final String CHAT = "{\"model\":\"%s\",\"stream\":false,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]%s}";

    private ScriptedBackend backend;
    private final AtomicLong now = new AtomicLong(1796018689);

    @BeforeEach
    void start() throws Exception {
        backend = new ScriptedBackend();
        backend.models(() -> String.format(LLAMACPP_MODELS, now.incrementAndGet()));
        backend.listHeader("Server", "llama.cpp");
        backend.listHeader("Access-Control-Allow-Origin", "");
        backend.serve("/props", STOCK_PROPS);
    }

    @AfterEach
    void stop() {
        backend.close();
    }

    /** A proxy that was not told the backend's type, as a user who gives only --backend URL. */
    private RelayHarness detecting() throws Exception {
        BackendConfig undeclared = new BackendConfig("llama", BackendConfig.parseUrl(backend.baseUrl()),
                BackendFlavor.GENERIC, null, null, true);
        RelayHarness relay = RelayHarness.start(backend.baseUrl(), c -> RelayHarness.withPeriods(Duration.ofMillis(300),
                Duration.ofMillis(200)).apply(RelayHarness.withBackend(undeclared).apply(c)));
        awaitReady(relay, 200);
        return relay;
    }

    @Test
    void unknownModelsAre404OnEveryRouteWithoutACallToTheBackend() throws Exception {
        try (RelayHarness relay = detecting()) {
            for (String[] call : new String[][] {
                {"/api/chat", String.format(CHAT, "no-such-model", "")},
                {"/api/generate", "{\"model\":\"no-such-model\",\"prompt\":\"hi\"}"},
                {"/api/embed", "{\"model\":\"no-such-model\",\"input\":\"hi\"}"},
                {"/api/embeddings", "{\"model\":\"no-such-model\",\"prompt\":\"hi\"}"},
                {"/api/show", "{\"model\":\"no-such-model\"}"},
            }) {
                try (Response r = relay.post(call[0], call[1])) {
                    assertThat(r.code()).as(call[0]).isEqualTo(404);
                    assertThat(Ndjson.json(r.body().string()).get("error").asText()).as(call[0])
                            .isEqualTo("model 'no-such-model' not found");
                }
            }
            for (String path : new String[] {"/v1/chat/completions", "/v1/completions", "/v1/embeddings"}) {
                try (Response r = relay.post(path, "{\"model\":\"no-such-model\",\"messages\":[],\"input\":\"x\"}")) {
                    assertThat(r.code()).as(path).isEqualTo(404);
                    JsonNode error = Ndjson.json(r.body().string()).get("error");
                    assertThat(error.get("message").asText()).isEqualTo("model 'no-such-model' not found");
                    assertThat(error.get("type").asText()).isEqualTo("not_found_error");
                }
            }
            try (Response r = relay.get("/v1/models/no-such-model")) {
                assertThat(r.code()).isEqualTo(404);
            }
            try (Response r = relay.get("/api/ps")) {
                assertThat(Ndjson.json(r.body().string()).get("models")).isEmpty();
            }
            assertThat(backend.untakenRequests()).isZero();
        }
    }

    @Test
    void aLlamaCppServerIsRecognisedAndDescribedByItsOwnFacts() throws Exception {
        backend.enqueueSse(sse(contentChunk("Hello"), finishChunk("stop"), usageChunk(5, 1)), 1000);
        try (RelayHarness relay = detecting()) {
            try (Response r = relay.get("/health/ready")) {
                JsonNode ready = Ndjson.json(r.body().string()).get("backends").get(0);
                assertThat(ready.get("type").asText()).isEqualTo("llamacpp");
            }
            try (Response r = relay.post("/api/show", "{\"model\":\"smollm2\"}")) {
                JsonNode show = Ndjson.json(r.body().string());
                assertThat(show.get("capabilities").toString()).isEqualTo("[\"completion\"]");
                String arch = show.get("model_info").get("general.architecture").asText();
                assertThat(show.get("model_info").get(arch + ".context_length").asInt()).isEqualTo(8192);
                assertThat(show.get("details").get("format").asText()).isEqualTo("gguf");
                assertThat(show.get("details").get("quantization_level").asText()).isEqualTo("Q4_1");
                assertThat(show.get("details").get("parameter_size").asText()).isEqualTo("134.52M");
            }
            // llama.cpp's own sampling names reach it: the type was detected, not assumed generic
            try (Response r = relay.post("/api/chat", String.format(CHAT, "smollm2:latest",
                    ",\"options\":{\"top_k\":7,\"min_p\":0.11,\"repeat_penalty\":1.3,\"typical_p\":0.9}"))) {
                assertThat(r.code()).isEqualTo(200);
            }
            JsonNode sent = Ndjson.json(backend.takeRequest().getBody().utf8());
            assertThat(sent.get("model").asText()).isEqualTo("smollm2");
            assertThat(sent.get("top_k").asInt()).isEqualTo(7);
            assertThat(sent.get("min_p").asDouble()).isEqualTo(0.11);
            assertThat(sent.get("repeat_penalty").asDouble()).isEqualTo(1.3);
            assertThat(sent.get("typical_p").asDouble()).isEqualTo(0.9);
            // /api/ps: what a request can use (the slot), not what the model was trained on
            try (Response r = relay.get("/api/ps")) {
                JsonNode m = Ndjson.json(r.body().string()).get("models").get(0);
                assertThat(m.get("name").asText()).isEqualTo("smollm2:latest");
                assertThat(m.get("context_length").asInt()).isEqualTo(2048);
                assertThat(m.get("size").asLong()).isEqualTo(96576768);
            }
        }
    }

    @Test
    void requestsNeedingACapabilityTheModelLacksAreRefusedUnsent() throws Exception {
        try (RelayHarness relay = detecting()) {
            String tools = ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":{}}}]";
            try (Response r = relay.post("/api/chat", String.format(CHAT, "smollm2", tools))) {
                assertThat(r.code()).isEqualTo(400);
                assertThat(Ndjson.json(r.body().string()).get("error").asText()).isEqualTo("\"smollm2\" does not support tools");
            }
            try (Response r = relay.post("/api/chat", String.format(CHAT, "smollm2", ",\"think\":true"))) {
                assertThat(r.code()).isEqualTo(400);
                assertThat(Ndjson.json(r.body().string()).get("error").asText())
                        .isEqualTo("\"smollm2\" does not support thinking");
            }
            assertThat(backend.untakenRequests()).isZero();
        }
    }

    @Test
    void aBackendThatGivesNoListJudgesNamesAndCapabilitiesItself() throws Exception {
        backend.listStatus(401); // its list needs the client's own key
        backend.enqueueSse(sse(contentChunk("Hi"), finishChunk("stop"), usageChunk(5, 1)), 1000);
        backend.enqueueSse(sse(contentChunk("Hi"), finishChunk("stop"), usageChunk(5, 1)), 1000);
        try (RelayHarness relay = RelayHarness.start(backend.baseUrl()).awaitReady()) {
            int reads = backend.listReads();
            for (int i = 0; i < 2; i++) {
                try (Response r = relay.post("/api/chat", String.format(CHAT, "any-model", ",\"think\":true"))) {
                    assertThat(r.code()).isEqualTo(200);
                }
            }
            assertThat(backend.listReads()).as("no list read per request").isEqualTo(reads);
        }
        for (int i = 0; i < 2; i++) {
            JsonNode sent = Ndjson.json(backend.takeRequest().getBody().utf8());
            assertThat(sent.get("model").asText()).isEqualTo("any-model");
        }
    }

    @Test
    void modificationTimesStayPutAcrossRefreshes() throws Exception {
        try (RelayHarness relay = detecting()) {
            String first = modifiedAt(relay);
            int reads = backend.listReads();
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (backend.listReads() < reads + 2 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(backend.listReads()).isGreaterThanOrEqualTo(reads + 2);
            assertThat(modifiedAt(relay)).isEqualTo(first);
        }
    }

    private static String modifiedAt(RelayHarness relay) throws Exception {
        try (Response r = relay.get("/api/tags")) {
            return Ndjson.json(r.body().string()).get("models").get(0).get("modified_at").asText();
        }
    }

    @Test
    void modelObjectsComeFromTheCatalogue() throws Exception {
        try (RelayHarness relay = detecting(); Response r = relay.get("/v1/models/smollm2")) {
            assertThat(r.code()).isEqualTo(200);
            JsonNode model = Ndjson.json(r.body().string());
            assertThat(model.get("id").asText()).isEqualTo("smollm2");
            assertThat(model.get("object").asText()).isEqualTo("model");
            assertThat(model.get("owned_by").asText()).isEqualTo("llamacpp");
        }
        assertThat(backend.untakenRequests()).isZero();
    }

    @Test
    void theBackendsCorsHeadersNeverReachTheClient() throws Exception {
        try (RelayHarness relay = detecting(); Response r = relay.get("/v1/models")) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.headers().names()).doesNotContain("Access-Control-Allow-Origin", "access-control-allow-origin");
        }
    }

    @Test
    void readinessFollowsTheBackendWithinSeconds() throws Exception {
        try (RelayHarness relay = detecting()) {
            backend.listStatus(503); // llama.cpp says 503 while it loads a model
            awaitReady(relay, 503);
            try (Response r = relay.get("/health/ready")) {
                assertThat(Ndjson.json(r.body().string()).get("backends").get(0).get("error").asText())
                        .contains("answered 503");
            }
            backend.listStatus(200);
            awaitReady(relay, 200);
        }
    }

    @Test
    void aBackendThatIsNotThereIsNotReady() throws Exception {
        try (RelayHarness relay = RelayHarness.start(RelayHarness.deadBackendUrl(),
                RelayHarness.withPeriods(Duration.ofSeconds(60), Duration.ofMillis(200)))) {
            awaitReady(relay, 503);
            try (Response r = relay.post("/api/chat", String.format(CHAT, "smollm2", ""))) {
                assertThat(r.code()).isEqualTo(502);
                assertThat(Ndjson.json(r.body().string()).get("error").asText()).startsWith("cannot connect to backend");
            }
        }
    }

    private static void awaitReady(RelayHarness relay, int status) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        int last = 0;
        while (System.nanoTime() < deadline) {
            try (Response r = relay.http.newCall(new Request.Builder().url(relay.url("/health/ready")).build()).execute()) {
                last = r.code();
            }
            if (last == status) {
                return;
            }
            Thread.sleep(50);
        }
        assertThat(last).as("/health/ready within 3 s").isEqualTo(status);
    }
}
