package io.llmrelay.core.backend;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.EnumSet;
import java.util.Locale;

/**
 * llama.cpp's {@code GET /props}: the server's one model as it really runs. The chat template decides
 * tools ({@code chat_template_caps.supports_tools}) and thinking (a template that opens
 * {@code <think>} or takes {@code enable_thinking}); {@code modalities.vision} decides vision; the
 * context per slot ({@code default_generation_settings.n_ctx}) is what a request can use.
 */
public record LlamaCppProps(long slotContext, boolean tools, boolean thinking, boolean vision) implements ServerFacts {

    /** Template fragments that show a reasoning model: R1/Qwen3 tags, the Qwen3 switch, gpt-oss channels. */
    private static final String[] THINKING_MARKS = {"<think>", "enable_thinking", "reasoning_content", "<|channel|>"};

    public static LlamaCppProps parse(JsonNode props) {
        if (props == null || !props.isObject()) {
            throw new IllegalArgumentException("/props is not a JSON object");
        }
        JsonNode caps = props.path("chat_template_caps");
        String template = props.path("chat_template").asText("").toLowerCase(Locale.ROOT);
        boolean thinking = caps.path("supports_reasoning_effort").asBoolean(false);
        for (String mark : THINKING_MARKS) {
            thinking |= template.contains(mark);
        }
        return new LlamaCppProps(props.path("default_generation_settings").path("n_ctx").asLong(0),
                caps.path("supports_tools").asBoolean(false) || caps.path("supports_tool_calls").asBoolean(false),
                thinking,
                props.path("modalities").path("vision").asBoolean(false));
    }

    @Override
    public ModelInfo applyTo(ModelInfo model) {
        if (model.embedding()) {
            return model; // an embeddings server: its chat template says nothing about the model
        }
        EnumSet<Capability> caps = EnumSet.of(Capability.COMPLETION);
        if (tools) {
            caps.add(Capability.TOOLS);
        }
        if (thinking) {
            caps.add(Capability.THINKING);
        }
        if (vision) {
            caps.add(Capability.VISION);
        }
        ModelInfo out = model.withCapabilities(Capability.labels(caps));
        return slotContext > 0 ? out.withContext(out.contextLength(), slotContext) : out;
    }
}
