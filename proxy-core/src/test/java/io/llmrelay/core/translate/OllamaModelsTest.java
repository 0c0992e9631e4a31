package io.llmrelay.core.translate;

import static io.llmrelay.core.translate.TestJson.json;
import static io.llmrelay.core.translate.TestJson.parse;
import static io.llmrelay.core.translate.TestJson.written;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmrelay.core.api.ModelNames;
import io.llmrelay.core.backend.ModelDetails;
import io.llmrelay.core.backend.ModelInfo;
import io.llmrelay.core.backend.OllamaBodies;
import io.llmrelay.core.backend.OllamaShow;
import io.llmrelay.core.backend.OllamaTags;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class OllamaModelsTest {

    private static final ZoneOffset PDT = ZoneOffset.ofHours(-7);
    private static final Instant FALLBACK = Instant.parse("2025-01-02T03:04:05.5Z");

    private static final ModelInfo QWEN = new ModelInfo("Qwen/Qwen3-8B", 1751919739, "vllm", 32768, caps("completion", "tools"));
    private static final ModelInfo GPT = new ModelInfo("openai/gpt-4o", 0, "", 0, caps("completion", "tools", "vision"));
    private static final ModelInfo ODD = new ModelInfo("4o-mini:free", 0, "", 0, caps("completion"));

    private static final String QWEN_DETAILS = "{'parent_model':'','format':'','family':'qwen3','families':['qwen3'],"
            + "'parameter_size':'8B','quantization_level':'','context_length':32768}";

    @Test
    void tagsListEveryFieldClientsRequire() {
        JsonNode tags = parse(written(out -> OllamaModels.tags(List.of(
                new OllamaModels.Listed(QWEN, FALLBACK), new OllamaModels.Listed(GPT, FALLBACK)), PDT, out)));
        assertThat(tags).isEqualTo(json("{'models':["
                + "{'name':'Qwen/Qwen3-8B:latest','model':'Qwen/Qwen3-8B:latest','modified_at':'2025-07-07T13:22:19-07:00',"
                + "'size':0,'digest':'a82fd547628efc95bba6ce4fbe5c4c21fdfe5b815eca823db15d1df4837b1167',"
                + "'details':" + QWEN_DETAILS + ",'capabilities':['completion','tools']},"
                + "{'name':'openai/gpt-4o:latest','model':'openai/gpt-4o:latest','modified_at':'2025-01-01T20:04:05.5-07:00',"
                + "'size':0,'digest':'" + ModelNames.digest("openai/gpt-4o") + "','details':{'parent_model':'','format':'',"
                + "'family':'gpt','families':['gpt'],'parameter_size':'','quantization_level':''},"
                + "'capabilities':['completion','tools','vision']}]}"));
        for (JsonNode m : tags.path("models")) {
            assertListEntry(m);
        }
    }

    /** SmolLM2 as llama.cpp describes it: trained on 8192 tokens, 2048 per slot, a 96 MB Q4_1 GGUF file. */
    private static final ModelInfo SMOL = new ModelInfo("smollm2", 1796018689, "llamacpp", 8192, 2048, caps("completion"),
            new io.llmrelay.core.backend.ModelDetails(96576768, "gguf", "Q4_1", 134515008, ""));

    @Test
    void theServersFileDetailsAreShown() {
        JsonNode m = parse(written(out -> OllamaModels.tags(List.of(new OllamaModels.Listed(SMOL, FALLBACK)), ZoneOffset.UTC,
                out))).path("models").get(0);
        assertThat(m.path("size").asLong()).isEqualTo(96576768);
        assertThat(m.path("details")).isEqualTo(json("{'parent_model':'','format':'gguf','family':'smollm2',"
                + "'families':['smollm2'],'parameter_size':'134.52M','quantization_level':'Q4_1','context_length':8192}"));
    }

    @Test
    void showGivesTheTrainedContextAndPsWhatARequestCanUse() {
        JsonNode show = parse(written(out -> OllamaModels.show(new OllamaModels.Listed(SMOL, FALLBACK), "llama", ZoneOffset.UTC,
                out)));
        String arch = show.path("model_info").path("general.architecture").asText();
        assertThat(show.path("model_info").path(arch + ".context_length").asLong()).isEqualTo(8192);
        assertThat(show.path("model_info").path("general.parameter_count").asLong()).isEqualTo(134515008);
        JsonNode ps = parse(written(out -> OllamaModels.ps(List.of(new OllamaModels.Loaded(SMOL, FALLBACK)), ZoneOffset.UTC,
                out))).path("models").get(0);
        assertThat(ps.path("context_length").asLong()).isEqualTo(2048);
        assertThat(ps.path("details").path("context_length").asLong()).isEqualTo(2048);
        assertThat(ps.path("size").asLong()).isEqualTo(96576768);
    }

    @Test
    void aModelWithoutFamilyHasAnEmptyFamiliesArray() {
        JsonNode m = parse(written(out -> OllamaModels.tags(List.of(new OllamaModels.Listed(ODD, FALLBACK)), ZoneOffset.UTC,
                out))).path("models").get(0);
        assertThat(m.path("name").asText()).isEqualTo("4o-mini:free");
        assertThat(m.path("modified_at").asText()).isEqualTo("2025-01-02T03:04:05.5Z");
        assertThat(m.path("details").path("families")).isEqualTo(json("[]"));
        assertListEntry(m);
    }

    @Test
    void noModelsIsAnEmptyArray() {
        assertThat(written(out -> OllamaModels.tags(List.of(), PDT, out))).isEqualTo("{\"models\":[]}");
        assertThat(written(out -> OllamaModels.ps(List.of(), PDT, out))).isEqualTo("{\"models\":[]}");
    }

    @Test
    void showHasDetailsCapabilitiesAndModelInfoWithTheContextLength() {
        JsonNode show = parse(written(out -> OllamaModels.show(new OllamaModels.Listed(QWEN, FALLBACK), "vllm", PDT, out)));
        assertThat(show).isEqualTo(json("{'modelfile':'# Served by llm-relay from backend vllm\\nFROM Qwen/Qwen3-8B\\n',"
                + "'details':" + QWEN_DETAILS + ",'model_info':{'general.architecture':'qwen3',"
                + "'general.basename':'Qwen/Qwen3-8B','qwen3.context_length':32768},"
                + "'capabilities':['completion','tools'],'modified_at':'2025-07-07T13:22:19-07:00'}"));
    }

    @Test
    void showAlwaysHasModelInfoEvenWithoutContextLengthOrFamily() {
        JsonNode show = parse(written(out -> OllamaModels.show(new OllamaModels.Listed(ODD, FALLBACK), "or", ZoneOffset.UTC, out)));
        assertThat(show.path("model_info")).isEqualTo(json("{'general.architecture':'llm','general.basename':'4o-mini:free'}"));
        assertThat(show.path("details").size()).isEqualTo(6);
        assertThat(show.path("capabilities")).isEqualTo(json("['completion']"));
        assertThat(OllamaModels.architecture(ODD)).isEqualTo("llm");
        assertThat(OllamaModels.architecture(QWEN)).isEqualTo("qwen3");
    }

    @Test
    void psListsLoadedModelsWithExpiryAndContext() {
        Instant expires = Instant.parse("2025-07-07T20:27:19.25Z");
        JsonNode ps = parse(written(out -> OllamaModels.ps(List.of(new OllamaModels.Loaded(QWEN, expires),
                new OllamaModels.Loaded(GPT, expires)), PDT, out)));
        assertThat(ps.path("models").get(0)).isEqualTo(json("{'name':'Qwen/Qwen3-8B:latest','model':'Qwen/Qwen3-8B:latest',"
                + "'size':0,'digest':'a82fd547628efc95bba6ce4fbe5c4c21fdfe5b815eca823db15d1df4837b1167',"
                + "'details':" + QWEN_DETAILS + ",'expires_at':'2025-07-07T13:27:19.25-07:00','size_vram':0,"
                + "'context_length':32768}"));
        JsonNode gpt = ps.path("models").get(1);
        assertThat(gpt.has("context_length")).isFalse();
        assertThat(OffsetDateTime.parse(gpt.path("expires_at").asText()).toInstant()).isEqualTo(expires);
        assertListEntry(gpt);
    }

    /** llama3.2 as an Ollama node lists it ({@code /api/tags}) and describes it ({@code /api/show}). */
    private static ModelInfo nodeLlama() {
        ModelInfo listed = OllamaTags.parse(parse(OllamaBodies.TAGS)).get(1);
        return OllamaShow.parse(parse(OllamaBodies.SHOW_LLAMA)).applyTo(listed);
    }

    @Test
    void anOllamaNodesDigestAndDetailsComeOutAsTheNodeListedThem() {
        JsonNode node = parse(OllamaBodies.TAGS).path("models").get(1);
        JsonNode tags = parse(written(out -> OllamaModels.tags(List.of(new OllamaModels.Listed(nodeLlama(), FALLBACK)),
                PDT, out))).path("models").get(0);
        for (String key : new String[] {"name", "model", "size", "digest"}) {
            assertThat(tags.path(key)).as(key).isEqualTo(node.path(key));
        }
        // the node's time, to the second, in the proxy's offset
        assertThat(OffsetDateTime.parse(tags.path("modified_at").asText()).toEpochSecond())
                .isEqualTo(OffsetDateTime.parse(node.path("modified_at").asText()).toEpochSecond());
        ObjectNode expected = node.path("details").deepCopy();
        expected.put("context_length", 131072);
        assertThat(tags.path("details")).isEqualTo(expected);
        assertThat(tags.path("capabilities")).isEqualTo(json("['completion','tools']"));
        assertListEntry(tags);
    }

    @Test
    void showAndPsWriteTheNodesDetailsToo() {
        JsonNode nodeShow = parse(OllamaBodies.SHOW_LLAMA);
        JsonNode show = parse(written(out -> OllamaModels.show(new OllamaModels.Listed(nodeLlama(), FALLBACK), "ollama-1",
                PDT, out)));
        ObjectNode details = nodeShow.path("details").deepCopy();
        details.put("context_length", 131072);
        assertThat(show.path("details")).isEqualTo(details);
        assertThat(show.path("capabilities")).isEqualTo(nodeShow.path("capabilities"));
        JsonNode info = show.path("model_info");
        assertThat(info.path("general.architecture")).isEqualTo(nodeShow.path("model_info").path("general.architecture"));
        assertThat(info.path("llama.context_length")).isEqualTo(nodeShow.path("model_info").path("llama.context_length"));
        assertThat(info.path("general.parameter_count")).isEqualTo(nodeShow.path("model_info").path("general.parameter_count"));

        JsonNode ps = parse(written(out -> OllamaModels.ps(List.of(new OllamaModels.Loaded(nodeLlama(), FALLBACK)), PDT,
                out))).path("models").get(0);
        assertThat(ps.path("digest").asText()).isEqualTo("a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72");
        assertThat(ps.path("details").path("families")).isEqualTo(json("['llama']"));
        assertThat(ps.path("size").asLong()).isEqualTo(2019393189L);
    }

    @Test
    void aNodesFamiliesAndParentAreWrittenAsGiven() {
        ModelDetails details = new ModelDetails(3, "gguf", "Q4_K_M", 0, "4.3B", "ab".repeat(32), "gemma3",
                List.of("gemma3", "clip"), "gemma3:4b");
        ModelInfo custom = new ModelInfo("my-gemma:latest", 0, "", 0, 0, caps("completion", "vision"), details);
        JsonNode m = parse(written(out -> OllamaModels.tags(List.of(new OllamaModels.Listed(custom, FALLBACK)),
                ZoneOffset.UTC, out))).path("models").get(0);
        assertThat(m.path("digest").asText()).isEqualTo("ab".repeat(32));
        assertThat(m.path("details")).isEqualTo(json("{'parent_model':'gemma3:4b','format':'gguf','family':'gemma3',"
                + "'families':['gemma3','clip'],'parameter_size':'4.3B','quantization_level':'Q4_K_M'}"));
        assertThat(OllamaModels.architecture(custom)).isEqualTo("gemma3");
    }

    private static void assertListEntry(JsonNode m) {
        assertThat(m.path("name").asText()).contains(":");
        assertThat(m.path("model")).isEqualTo(m.path("name"));
        assertThat(m.path("size").isIntegralNumber()).isTrue();
        assertThat(m.path("digest").asText()).matches("[0-9a-f]{64}");
        JsonNode details = m.path("details");
        for (String key : new String[] {"parent_model", "format", "family", "parameter_size", "quantization_level"}) {
            assertThat(details.path(key).isTextual()).as(key).isTrue();
        }
        assertThat(details.path("families").isArray()).isTrue();
        String time = m.has("modified_at") ? m.path("modified_at").asText() : m.path("expires_at").asText();
        assertThat(OffsetDateTime.parse(time)).isNotNull();
    }

    private static java.util.Set<String> caps(String... names) {
        return new LinkedHashSet<>(List.of(names));
    }
}
