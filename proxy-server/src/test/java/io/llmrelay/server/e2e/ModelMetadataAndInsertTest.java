package io.llmrelay.server.e2e;

import static io.llmrelay.server.testing.Ndjson.finishChunk;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrelay.core.backend.BackendFlavor;
import io.llmrelay.core.backend.ModelOverride;
import io.llmrelay.core.config.BackendConfig;
import io.llmrelay.core.config.RelayConfig;
import io.llmrelay.server.testing.Ndjson;
import io.llmrelay.server.testing.RelayHarness;
import io.llmrelay.server.testing.ScriptedBackend;
import java.util.List;
import java.util.function.UnaryOperator;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Operator overrides shape what clients see; fill-in-the-middle is refused where the backend cannot do it. */
class ModelMetadataAndInsertTest {

    private static final String MODELS = "{\"data\":[{\"id\":\"Qwen/Qwen2.5-Coder-7B\",\"max_model_len\":4096},"
            + "{\"id\":\"llama-3.1-8b\"}]}";
    private static final String FIM = "{\"model\":\"Qwen/Qwen2.5-Coder-7B\",\"prompt\":\"def add(a, b):\","
            + "\"suffix\":\"\\n    return c\",\"stream\":false}";

    private ScriptedBackend backend;

    @BeforeEach
    void start() throws Exception {
        backend = new ScriptedBackend();
        backend.models(MODELS);
    }

    @AfterEach
    void stop() {
        backend.close();
    }

    private UnaryOperator<RelayConfig> vllm(String... capabilityOverrides) {
        BackendConfig b = new BackendConfig("vllm", BackendConfig.parseUrl(backend.baseUrl()), BackendFlavor.VLLM, null);
        return c -> {
            List<ModelOverride> overrides = new java.util.ArrayList<>();
            for (String spec : capabilityOverrides) {
                overrides.add(ModelOverride.capabilities(spec));
            }
            overrides.add(ModelOverride.contextLength("llama-3.1-*=131072"));
            return new RelayConfig(c.host(), c.port(), List.of(b), c.maxRequestBytes(), c.maxEventBytes(), c.eventLoops(),
                    c.timeouts(), c.modelsRefresh(), c.healthInterval(), overrides, c.cors());
        };
    }

    @Test
    void showAndTagsCarryTheOverrides() throws Exception {
        try (RelayHarness relay = RelayHarness.start(backend.baseUrl(), vllm("*coder*=+insert,-tools"))) {
            try (Response r = relay.post("/api/show", "{\"model\":\"Qwen/Qwen2.5-Coder-7B\"}")) {
                JsonNode show = Ndjson.json(r.body().string());
                assertThat(show.get("capabilities").toString()).isEqualTo("[\"completion\",\"insert\"]");
                assertThat(show.get("model_info").get("qwen2.context_length").asInt()).isEqualTo(4096);
            }
            try (Response r = relay.post("/api/show", "{\"name\":\"llama-3.1-8b:latest\"}")) {
                JsonNode show = Ndjson.json(r.body().string());
                assertThat(show.get("model_info").get("llama.context_length").asInt()).isEqualTo(131072);
                assertThat(show.get("details").get("parameter_size").asText()).isEqualTo("8B");
            }
            try (Response r = relay.get("/api/tags")) {
                JsonNode models = Ndjson.json(r.body().string()).get("models");
                assertThat(models.get(1).get("details").get("context_length").asInt()).isEqualTo(131072);
            }
        }
    }

    @Test
    void aVllmBackendCannotFillInTheMiddle() throws Exception {
        try (RelayHarness relay = RelayHarness.start(backend.baseUrl(), vllm());
                Response r = relay.post("/api/generate", FIM)) {
            assertThat(r.code()).isEqualTo(400);
            assertThat(Ndjson.json(r.body().string()).get("error").asText())
                    .startsWith("\"Qwen/Qwen2.5-Coder-7B\" does not support insert");
        }
    }

    @Test
    void grantedInsertSendsTheSuffixToCompletions() throws Exception {
        backend.enqueueSse("data: {\"choices\":[{\"index\":0,\"text\":\"    c = a + b\",\"finish_reason\":null}]}\n\n"
                + "data: " + finishChunk("stop") + "\n\ndata: [DONE]\n\n", 1000);
        try (RelayHarness relay = RelayHarness.start(backend.baseUrl(), vllm("*coder*=+insert"));
                Response r = relay.post("/api/generate", FIM)) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(Ndjson.json(r.body().string()).get("response").asText()).isEqualTo("    c = a + b");
        }
        var upstream = backend.takeRequest();
        assertThat(upstream.getTarget()).isEqualTo("/v1/completions");
        JsonNode sent = Ndjson.json(upstream.getBody().utf8());
        assertThat(sent.get("prompt").asText()).isEqualTo("def add(a, b):");
        assertThat(sent.get("suffix").asText()).isEqualTo("\n    return c");
        assertThat(sent.get("model").asText()).isEqualTo("Qwen/Qwen2.5-Coder-7B");
    }
}
