package io.llmrelay.core.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;

/**
 * An Ollama {@code /api/chat} or {@code /api/generate} request, checked and normalised: everything
 * the OpenAI request is written from. Generate requests are already turned into messages, except in
 * raw or fill-in-the-middle mode, which keep their prompt for {@code /v1/completions}.
 *
 * @param model the model name exactly as the client sent it (echoed back in every answer)
 * @param keepAlive the requested keep-alive, or null when unset
 * @param format null, the text node {@code "json"}, or a JSON schema object
 * @param think null when unset
 * @param tools null when absent or empty; OpenAI's shape ({@code {"type":"function","function":{..}}})
 * @param toolChoice OpenAI's {@code tool_choice} value, or null when unset (Ollama has none; the
 *     Anthropic and Responses APIs do)
 * @param prompt for {@link Shape#COMPLETION}: the prompt sent verbatim; otherwise null
 * @param suffix for {@link Shape#COMPLETION}: the fill-in-the-middle suffix, or null
 * @param parallelToolCalls OpenAI's {@code parallel_tool_calls}, or null when unset (Anthropic's
 *     {@code disable_parallel_tool_use} sets it false)
 * @param user OpenAI's {@code user} (who the end user is, for the backend's abuse tracking), or null
 */
public record InferenceRequest(
        Shape shape,
        String model,
        boolean stream,
        Duration keepAlive,
        EnumMap<SamplingOption, Object> options,
        JsonNode format,
        Think think,
        ArrayNode tools,
        JsonNode toolChoice,
        boolean logprobs,
        int topLogprobs,
        List<ChatMessage> messages,
        String prompt,
        String suffix,
        Boolean parallelToolCalls,
        String user) {

    /** A request without {@code parallel_tool_calls} or {@code user} (Ollama's have neither). */
    public InferenceRequest(Shape shape, String model, boolean stream, Duration keepAlive,
            EnumMap<SamplingOption, Object> options, JsonNode format, Think think, ArrayNode tools, JsonNode toolChoice,
            boolean logprobs, int topLogprobs, List<ChatMessage> messages, String prompt, String suffix) {
        this(shape, model, stream, keepAlive, options, format, think, tools, toolChoice, logprobs, topLogprobs, messages,
                prompt, suffix, null, null);
    }

    /** Which OpenAI endpoint serves the request and which Ollama answer shape it gets. */
    public enum Shape {
        /** {@code /api/chat} → {@code /v1/chat/completions}; answers carry {@code message}. */
        CHAT,
        /** {@code /api/generate} → {@code /v1/chat/completions}; answers carry {@code response}. */
        GENERATE,
        /** raw or suffix {@code /api/generate} → {@code /v1/completions}; answers carry {@code response}. */
        COMPLETION
    }

    /** True when the request only asks to load (or unload) the model: nothing to send upstream. */
    public boolean loadOnly() {
        return shape != Shape.COMPLETION && messages.isEmpty();
    }

    /** {@code unload} when keep_alive is zero, else {@code load}: the done_reason of a load-only request. */
    public String loadReason() {
        return keepAlive != null && keepAlive.isZero() ? "unload" : "load";
    }

    /** True when answers use {@code response} (generate) rather than {@code message} (chat). */
    public boolean generateShape() {
        return shape != Shape.CHAT;
    }
}
