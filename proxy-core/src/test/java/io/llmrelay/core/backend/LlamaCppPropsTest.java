package io.llmrelay.core.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrelay.core.json.Json;
import java.io.IOException;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LlamaCppPropsTest {

    /** SmolLM2's stock template, as xllamacpp 2026.10.11549 serves it: no tools, no thinking. */
    private static final String STOCK = "{'default_generation_settings':{'params':{'top_k':40},'n_ctx':2048},"
            + "'total_slots':2,'model_alias':'smollm2','model_ftype':'Q4_1',"
            + "'modalities':{'vision':false,'video':false,'audio':false},"
            + "'chat_template':'{% for message in messages %}<|im_start|>{{ message.role }}<|im_end|>{% endfor %}',"
            + "'chat_template_caps':{'supports_parallel_tool_calls':false,'supports_reasoning_effort':false,"
            + "'supports_system_role':true,'supports_tool_calls':false,'supports_tools':false}}";

    private static final ModelInfo LISTED = new ModelInfo("smollm2", 1796018689, "llamacpp", 8192, 2048,
            Set.of("completion", "tools"), new ModelDetails(96576768, "gguf", "Q4_1", 134515008, ""));

    @Test
    void theStockTemplateTakesNoToolsAndDoesNotThink() {
        LlamaCppProps props = LlamaCppProps.parse(json(STOCK));
        assertThat(props).isEqualTo(new LlamaCppProps(2048, false, false, false));
        ModelInfo described = props.applyTo(LISTED);
        assertThat(described.capabilities()).containsExactly("completion");
        assertThat(described.usableContextLength()).isEqualTo(2048);
        assertThat(described.contextLength()).isEqualTo(8192);
        assertThat(described.details()).isEqualTo(LISTED.details());
    }

    @Test
    void aTemplateWithToolsAndThinkTags() {
        String props = STOCK.replace("'supports_tools':false", "'supports_tools':true")
                .replace("<|im_end|>{% endfor %}", "<|im_end|>{% endfor %}<|im_start|>assistant\\\\n<think>\\\\n");
        ModelInfo described = LlamaCppProps.parse(json(props)).applyTo(LISTED);
        assertThat(described.capabilities()).containsExactly("completion", "tools", "thinking");
    }

    @Test
    void qwen3sSwitchAndGptOssEffortMeanThinking() {
        assertThat(LlamaCppProps.parse(json(STOCK.replace("<|im_end|>{% endfor %}",
                "{% if enable_thinking is defined %}{% endif %}"))).thinking()).isTrue();
        assertThat(LlamaCppProps.parse(json(STOCK.replace("'supports_reasoning_effort':false",
                "'supports_reasoning_effort':true"))).thinking()).isTrue();
    }

    @Test
    void visionFromTheModalities() {
        ModelInfo described = LlamaCppProps.parse(json(STOCK.replace("'vision':false", "'vision':true"))).applyTo(LISTED);
        assertThat(described.capabilities()).containsExactly("completion", "vision");
    }

    @Test
    void anEmbeddingsServerKeepsItsModelAsItIs() {
        ModelInfo embed = new ModelInfo("smollm2-embed", 0, "llamacpp", 8192, 2048, Set.of("embedding"), ModelDetails.UNKNOWN);
        assertThat(LlamaCppProps.parse(json(STOCK)).applyTo(embed)).isSameAs(embed);
    }

    @Test
    void withoutASlotContextTheListsFigureStays() {
        ModelInfo listed = new ModelInfo("m", 0, "llamacpp", 4096, 0, Set.of("completion"), ModelDetails.UNKNOWN);
        assertThat(LlamaCppProps.parse(json("{}")).applyTo(listed).usableContextLength()).isEqualTo(4096);
    }

    @Test
    void notAnObjectIsRefused() {
        assertThatThrownBy(() -> LlamaCppProps.parse(json("[]"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LlamaCppProps.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }

    private static JsonNode json(String singleQuoted) {
        try {
            return Json.mapper().readTree(singleQuoted.replace('\'', '"'));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
