package io.llmrelay.core.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrelay.core.json.Json;
import java.io.IOException;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LmStudioModelsTest {

    private static ModelInfo listed(String id) {
        return ModelListParser.parse(json("{'data':[{'id':'" + id + "','object':'model','owned_by':'organization_owner'}]}"))
                .get(0);
    }

    @Test
    void theV1ApiDescribesToolsVisionContextsAndFiles() {
        LmStudioModels facts = LmStudioModels.parse(json("{'models':[{'type':'llm','publisher':'google','key':'google/gemma-3-4b',"
                + "'architecture':'gemma3','quantization':{'name':'4bit','bits_per_weight':4},'size_bytes':3034755901,"
                + "'params_string':'4B','loaded_instances':[],'max_context_length':131072,'format':'mlx',"
                + "'capabilities':{'vision':true,'trained_for_tool_use':false}},"
                + "{'type':'llm','key':'qwen/qwen3.5-9b','quantization':{'name':'Q4_K_M'},'size_bytes':6548927017,"
                + "'params_string':'9B','loaded_instances':[{'id':'qwen/qwen3.5-9b','config':{'context_length':4096}}],"
                + "'max_context_length':262144,'format':'gguf','capabilities':{'vision':false,'trained_for_tool_use':true}},"
                + "{'type':'embedding','key':'text-embedding-nomic-embed-text-v1.5','max_context_length':2048}]}"));
        ModelInfo gemma = facts.applyTo(listed("google/gemma-3-4b"));
        assertThat(gemma.capabilities()).containsExactly("completion", "vision"); // the name would have guessed tools
        assertThat(gemma.contextLength()).isEqualTo(131072);
        assertThat(gemma.details()).isEqualTo(new ModelDetails(3034755901L, "mlx", "4bit", 0, "4B"));

        ModelInfo qwen = facts.applyTo(listed("qwen/qwen3.5-9b"));
        assertThat(qwen.capabilities()).contains("tools").doesNotContain("vision");
        assertThat(qwen.usableContextLength()).isEqualTo(4096);
        assertThat(qwen.contextLength()).isEqualTo(262144);

        assertThat(facts.applyTo(listed("text-embedding-nomic-embed-text-v1.5")).capabilities()).containsExactly("embedding");
    }

    @Test
    void theV0ApiToo() {
        LmStudioModels facts = LmStudioModels.parse(json("{'object':'list','data':[{'id':'qwen2-vl-7b-instruct','object':'model',"
                + "'type':'vlm','publisher':'mlx-community','arch':'qwen2_vl','compatibility_type':'mlx','quantization':'4bit',"
                + "'state':'not-loaded','max_context_length':32768},{'id':'meta-llama-3.1-8b-instruct','type':'llm',"
                + "'compatibility_type':'gguf','quantization':'Q4_K_M','state':'loaded','max_context_length':131072,"
                + "'loaded_context_length':8192,'capabilities':['tool_use']}]}"));
        ModelInfo vl = facts.applyTo(listed("qwen2-vl-7b-instruct"));
        assertThat(vl.capabilities()).contains("vision");
        assertThat(vl.details().format()).isEqualTo("mlx");
        ModelInfo llama = facts.applyTo(listed("meta-llama-3.1-8b-instruct"));
        assertThat(llama.capabilities()).containsExactly("completion", "tools");
        assertThat(llama.usableContextLength()).isEqualTo(8192);
        assertThat(llama.details().quantization()).isEqualTo("Q4_K_M");
    }

    @Test
    void aModelItDoesNotDescribeIsLeftAsListed() {
        ModelInfo other = new ModelInfo("other", 0, "", 0, Set.of("completion", "tools"));
        assertThat(LmStudioModels.parse(json("{'models':[]}")).applyTo(other)).isSameAs(other);
    }

    @Test
    void anAnswerOfAnotherShapeIsRefused() {
        assertThatThrownBy(() -> LmStudioModels.parse(json("{'error':'Unexpected endpoint'}")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static JsonNode json(String singleQuoted) {
        try {
            return Json.mapper().readTree(singleQuoted.replace('\'', '"'));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
