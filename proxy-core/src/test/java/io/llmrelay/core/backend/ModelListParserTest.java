package io.llmrelay.core.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrelay.core.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelListParserTest {

    @Test
    void openRouterContextModalitiesAndSupportedParameters() {
        List<ModelInfo> models = ModelListParser.parse(json("{'data':[{'id':'openai/gpt-4o','canonical_slug':'openai/gpt-4o',"
                + "'name':'OpenAI: GPT-4o','created':1715367049,'description':'...','context_length':128000,"
                + "'architecture':{'modality':'text+image->text','input_modalities':['text','image','file'],"
                + "'output_modalities':['text'],'tokenizer':'GPT','instruct_type':null},"
                + "'pricing':{'prompt':'0.0000025','completion':'0.00001'},"
                + "'top_provider':{'context_length':128000,'max_completion_tokens':16384,'is_moderated':true},"
                + "'per_request_limits':null,'supported_parameters':['frequency_penalty','max_tokens','reasoning',"
                + "'include_reasoning','response_format','tool_choice','tools','temperature']},"
                + "{'id':'mistralai/mistral-7b-instruct:free','created':1716768000,'context_length':32768,"
                + "'architecture':{'input_modalities':['text']},'supported_parameters':['max_tokens','temperature']}]}"));
        assertThat(models).hasSize(2);
        ModelInfo gpt = models.get(0);
        assertThat(gpt).isEqualTo(new ModelInfo("openai/gpt-4o", 1715367049, "", 128000,
                java.util.Set.of("completion", "tools", "vision", "thinking")));
        assertThat(gpt.capabilities()).containsExactly("completion", "tools", "vision", "thinking");
        assertThat(gpt.embedding()).isFalse();
        // supported_parameters without tools: the model takes no tools
        assertThat(models.get(1).capabilities()).containsExactly("completion");
        assertThat(models.get(1).contextLength()).isEqualTo(32768);
    }

    @Test
    void vllmMaxModelLen() {
        List<ModelInfo> models = ModelListParser.parse(json("{'object':'list','data':[{'id':'Qwen/Qwen3-8B','object':'model',"
                + "'created':1751919739,'owned_by':'vllm','root':'Qwen/Qwen3-8B','parent':null,'max_model_len':32768,"
                + "'permission':[{'id':'modelperm-1','object':'model_permission','allow_sampling':true}]}]}"));
        // no metadata: Qwen3 is a known thinking family; max_model_len is also what a request can use
        assertThat(models).containsExactly(new ModelInfo("Qwen/Qwen3-8B", 1751919739, "vllm", 32768, 32768,
                java.util.Set.of("completion", "tools", "thinking"), ModelDetails.UNKNOWN));
        assertThat(models.get(0).capabilities()).containsExactly("completion", "tools", "thinking");
    }

    @Test
    void llamaCppTrainingContext() {
        List<ModelInfo> models = ModelListParser.parse(json("{'object':'list','data':[{'id':'qwen2.5-7b-instruct-q4_k_m.gguf',"
                + "'object':'model','created':1735689600,'owned_by':'llamacpp','meta':{'vocab_type':2,'n_vocab':152064,"
                + "'n_ctx_train':32768,'n_embd':3584,'n_params':7615616512,'size':4677120000}}]}"));
        assertThat(models.get(0).contextLength()).isEqualTo(32768);
        assertThat(models.get(0).ownedBy()).isEqualTo("llamacpp");
    }

    @Test
    void llamaCppMetaGivesBothContextsAndTheFileDetails() {
        // xllamacpp 2026.10.11549 with SmolLM2-135M-Instruct.Q4_1.gguf, n_ctx 4096 over 2 slots
        ModelInfo m = ModelListParser.parse(json("{'models':[{'name':'smollm2','model':'smollm2','capabilities':['completion']}],"
                + "'object':'list','data':[{'id':'smollm2','aliases':['smollm2'],'tags':[],'object':'model',"
                + "'architecture':{'input_modalities':['text'],'output_modalities':['text']},'created':1796018689,"
                + "'owned_by':'llamacpp','meta':{'vocab_type':2,'n_vocab':49152,'n_ctx':2048,'n_ctx_train':8192,"
                + "'n_embd':576,'n_params':134515008,'size':96576768,'ftype':'Q4_1'}}]}")).get(0);
        assertThat(m.contextLength()).isEqualTo(8192);
        assertThat(m.loadedContextLength()).isEqualTo(2048);
        assertThat(m.usableContextLength()).isEqualTo(2048);
        assertThat(m.details()).isEqualTo(new ModelDetails(96576768, "gguf", "Q4_1", 134515008, ""));
        assertThat(m.details().parameterSize()).isEqualTo("134.52M");
    }

    @Test
    void otherPlacesForTheContextLength() {
        assertThat(ModelListParser.parse(json("{'data':[{'id':'a','top_provider':{'context_length':4096}}]}")).get(0)
                .contextLength()).isEqualTo(4096);
        assertThat(ModelListParser.parse(json("{'data':[{'id':'a','max_context_length':8192}]}")).get(0)
                .contextLength()).isEqualTo(8192);
        // the first positive number wins: context_length, max_model_len, meta.n_ctx_train, top_provider, max_context_length
        assertThat(ModelListParser.parse(json("{'data':[{'id':'a','context_length':0,'max_model_len':null,"
                + "'meta':{'n_ctx_train':-1},'top_provider':{'context_length':2048},'max_context_length':9}]}")).get(0)
                .contextLength()).isEqualTo(2048);
        assertThat(ModelListParser.parse(json("{'data':[{'id':'a','context_length':'8192'}]}")).get(0)
                .contextLength()).isZero();
    }

    @Test
    void plainOpenAiEntriesGetTheDefaults() {
        List<ModelInfo> models = ModelListParser.parse(json("{'object':'list','data':[{'id':'gpt-4o','object':'model',"
                + "'created':1715367049,'owned_by':'system'},{'id':'x'}]}"));
        assertThat(models).containsExactly(
                new ModelInfo("gpt-4o", 1715367049, "system", 0, java.util.Set.of("completion", "tools", "vision")),
                new ModelInfo("x", 0, "", 0, java.util.Set.of("completion", "tools")));
    }

    @Test
    void embeddingModelsOnlyEmbed() {
        List<ModelInfo> models = ModelListParser.parse(json("{'data':[{'id':'text-embedding-3-small','owned_by':'system'},"
                + "{'id':'nomic-ai/nomic-embed-text-v1.5','max_model_len':8192},"
                + "{'id':'BAAI/bge-m3','type':'embeddings','supported_parameters':['tools']},"
                + "{'id':'Qwen/Qwen3-Embedding-0.6B','architecture':{'input_modalities':['image']}}]}"));
        for (ModelInfo m : models) {
            assertThat(m.capabilities()).as(m.id()).containsExactly("embedding");
            assertThat(m.embedding()).isTrue();
        }
        assertThat(models.get(1).contextLength()).isEqualTo(8192);
    }

    @Test
    void entriesWithoutAUsableIdAreSkipped() {
        List<ModelInfo> models = ModelListParser.parse(json("{'data':[{'object':'model'},{'id':''},{'id':5},{'id':null},"
                + "{'id':'ok'}]}"));
        assertThat(models).extracting(ModelInfo::id).containsExactly("ok");
    }

    @Test
    void aBareArrayIsAList() {
        assertThat(ModelListParser.parse(json("[{'id':'a'},{'id':'b'}]"))).extracting(ModelInfo::id).containsExactly("a", "b");
        assertThat(ModelListParser.parse(json("{'data':[]}"))).isEmpty();
    }

    @Test
    void theListIsUnmodifiable() {
        List<ModelInfo> models = ModelListParser.parse(json("{'data':[{'id':'a'}]}"));
        assertThatThrownBy(models::clear).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> models.get(0).capabilities().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void ollamasNullDataIsAnEmptyList() {
        assertThat(ModelListParser.parse(json("{'object':'list','data':null}"))).isEmpty();
    }

    @Test
    void aBodyWithoutDataIsRefused() {
        for (String body : new String[] {"{}", "{'data':{'id':'a'}}", "{'models':[]}", "'x'", "3"}) {
            assertThatThrownBy(() -> ModelListParser.parse(json(body))).as(body)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("model list without a \"data\" array");
        }
        assertThatThrownBy(() -> ModelListParser.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }

    private static JsonNode json(String singleQuoted) {
        try {
            return Json.mapper().readTree(singleQuoted.replace('\'', '"'));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
