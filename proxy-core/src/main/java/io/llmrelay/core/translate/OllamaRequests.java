package io.llmrelay.core.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmrelay.core.api.RelayException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads Ollama request bodies the way the Ollama server does: lenient where it is lenient (unknown
 * fields and options ignored, {@code name} for {@code model}, messages without content), strict
 * where a wrong value would silently change the answer.
 */
public final class OllamaRequests {

    private OllamaRequests() {}

    /** The model a request names, from {@code model} or its deprecated alias {@code name}. */
    public static String model(JsonNode body) {
        String model = Fields.string(body, "model", "");
        if (model == null || model.isBlank()) {
            model = Fields.string(body, "name", "");
        }
        if (model == null || model.isBlank()) {
            throw RelayException.badRequest("model is required");
        }
        return model;
    }

    public static InferenceRequest chat(JsonNode body) {
        requireObject(body);
        ArrayNode rawMessages = Fields.array(body, "messages", "");
        List<ChatMessage> messages = new ArrayList<>(rawMessages == null ? 0 : rawMessages.size());
        if (rawMessages != null) {
            for (int i = 0; i < rawMessages.size(); i++) {
                messages.add(message(rawMessages.get(i), "messages[" + i + "]."));
            }
        }
        ArrayNode tools = Fields.array(body, "tools", "");
        return common(body, InferenceRequest.Shape.CHAT, Collections.unmodifiableList(messages),
                tools == null || tools.isEmpty() ? null : tools, null, null);
    }

    public static InferenceRequest generate(JsonNode body) {
        requireObject(body);
        String prompt = orEmpty(Fields.string(body, "prompt", ""));
        String suffix = orEmpty(Fields.string(body, "suffix", ""));
        String system = Fields.string(body, "system", "");
        String template = Fields.string(body, "template", "");
        boolean raw = Fields.bool(body, "raw", false);
        ArrayNode context = Fields.array(body, "context", "");
        boolean hasContext = context != null && !context.isEmpty();
        List<String> images = strings(Fields.array(body, "images", ""), "images");

        if (raw && (notEmpty(template) || notEmpty(system) || hasContext)) {
            throw RelayException.badRequest("raw mode does not support template, system, or context");
        }
        if (notEmpty(template)) {
            throw RelayException.badRequest("template is not supported: the backend applies the model's own chat "
                    + "template; send the rendered text with \"raw\": true instead");
        }
        if (hasContext) {
            throw RelayException.badRequest("context is not supported: OpenAI-compatible backends keep no token "
                    + "context; send the conversation to /api/chat as messages instead");
        }
        if (raw || !suffix.isEmpty()) {
            if (!images.isEmpty()) {
                throw RelayException.badRequest("images are not supported with raw mode or suffix");
            }
            boolean load = prompt.isEmpty() && suffix.isEmpty();
            return common(body, load ? InferenceRequest.Shape.GENERATE : InferenceRequest.Shape.COMPLETION,
                    List.of(), null, load ? null : prompt, suffix.isEmpty() ? null : suffix);
        }
        List<ChatMessage> messages = new ArrayList<>(2);
        if (!prompt.isEmpty() || !images.isEmpty()) {
            if (notEmpty(system)) {
                messages.add(new ChatMessage("system", system, null, List.of(), null, null, null));
            }
            messages.add(new ChatMessage("user", prompt, null, images, null, null, null));
        }
        return common(body, InferenceRequest.Shape.GENERATE, Collections.unmodifiableList(messages), null, null, null);
    }

    private static InferenceRequest common(JsonNode body, InferenceRequest.Shape shape, List<ChatMessage> messages,
            ArrayNode tools, String prompt, String suffix) {
        String model = model(body);
        boolean stream = Fields.bool(body, "stream", true); // Ollama streams unless told not to
        Integer topLogprobs = Fields.integer(body, "top_logprobs");
        if (topLogprobs != null && (topLogprobs < 0 || topLogprobs > 20)) {
            throw RelayException.badRequest("top_logprobs must be between 0 and 20");
        }
        return new InferenceRequest(shape, model, stream,
                KeepAlive.parse(body.get("keep_alive")),
                options(Fields.object(body, "options")),
                format(body.get("format")),
                Think.parse(body.get("think")),
                tools,
                null,
                Fields.bool(body, "logprobs", false),
                topLogprobs == null ? 0 : topLogprobs,
                messages, prompt, suffix);
    }

    /** {@code /api/embed}: {@code input} is a string or an array of strings; empty or missing means load only. */
    public static EmbedRequest embed(JsonNode body) {
        requireObject(body);
        JsonNode input = body.get("input");
        List<String> inputs;
        if (input == null || input.isNull()) {
            inputs = List.of();
        } else if (input.isTextual()) {
            inputs = input.textValue().isEmpty() ? List.of() : List.of(input.textValue());
        } else if (input.isArray()) {
            for (JsonNode item : input) {
                if (!item.isTextual()) {
                    throw RelayException.badRequest("invalid input type");
                }
            }
            inputs = strings((ArrayNode) input, "input");
        } else {
            throw RelayException.badRequest("invalid input type");
        }
        Integer dimensions = Fields.integer(body, "dimensions");
        if (dimensions != null && dimensions <= 0) {
            throw RelayException.badRequest("dimensions must be a positive integer");
        }
        Fields.bool(body, "truncate", true);
        return new EmbedRequest(model(body), inputs, dimensions, KeepAlive.parse(body.get("keep_alive")), false);
    }

    /** Legacy {@code /api/embeddings}: one {@code prompt}; empty means an empty vector. */
    public static EmbedRequest legacyEmbeddings(JsonNode body) {
        requireObject(body);
        String prompt = Fields.string(body, "prompt", "");
        return new EmbedRequest(model(body), prompt == null || prompt.isEmpty() ? List.of() : List.of(prompt),
                null, KeepAlive.parse(body.get("keep_alive")), true);
    }

    static ChatMessage message(JsonNode m, String where) {
        if (!m.isObject()) {
            throw Fields.wrongType(where.substring(0, where.length() - 1), "an object", m);
        }
        String role = Fields.string(m, "role", where);
        if (role == null || role.isBlank()) {
            throw RelayException.badRequest(where + "role is required");
        }
        JsonNode content = m.get("content");
        String text = null;
        ArrayNode parts = null;
        if (content != null && !content.isNull()) {
            if (content.isTextual()) {
                text = content.textValue();
            } else if (content.isArray()) {
                parts = (ArrayNode) content;
            } else {
                throw Fields.wrongType(where + "content", "a string or an array of content parts", content);
            }
        }
        ArrayNode toolCalls = Fields.array(m, "tool_calls", where);
        if (toolCalls != null) {
            for (int i = 0; i < toolCalls.size(); i++) {
                checkToolCall(toolCalls.get(i), where + "tool_calls[" + i + "]");
            }
        }
        return new ChatMessage(role.toLowerCase(Locale.ROOT), text, parts,
                strings(Fields.array(m, "images", where), where + "images"),
                toolCalls == null || toolCalls.isEmpty() ? null : toolCalls,
                Fields.string(m, "tool_name", where),
                Fields.string(m, "tool_call_id", where));
    }

    private static void checkToolCall(JsonNode call, String where) {
        JsonNode function = call.get("function");
        if (function == null || !function.isObject()) {
            throw RelayException.badRequest(where + ": function is required");
        }
        JsonNode name = function.get("name");
        if (name == null || !name.isTextual()) {
            throw RelayException.badRequest(where + ".function.name is required");
        }
        JsonNode args = function.get("arguments");
        if (args != null && !args.isNull() && !args.isObject() && !args.isTextual()) {
            throw Fields.wrongType(where + ".function.arguments", "an object", args);
        }
    }

    /** {@code options}: known keys checked for type, unknown and legacy keys ignored, -1 never kept. */
    static EnumMap<SamplingOption, Object> options(ObjectNode options) {
        EnumMap<SamplingOption, Object> out = new EnumMap<>(SamplingOption.class);
        if (options == null) {
            return out;
        }
        for (Map.Entry<String, JsonNode> e : options.properties()) {
            SamplingOption option = SamplingOption.byName(e.getKey());
            JsonNode v = e.getValue();
            if (option == null || v.isNull()) {
                continue;
            }
            switch (option.type) {
                case INT:
                    if (!v.isNumber()) {
                        throw optionType(option, "integer");
                    }
                    out.put(option, v.longValue());
                    break;
                case FLOAT:
                    if (!v.isNumber()) {
                        throw optionType(option, "float");
                    }
                    out.put(option, v.doubleValue());
                    break;
                default:
                    out.put(option, stopList(v, option));
                    break;
            }
        }
        Object numPredict = out.get(SamplingOption.NUM_PREDICT);
        if (numPredict != null && (Long) numPredict <= 0) {
            out.remove(SamplingOption.NUM_PREDICT); // -1 (unlimited) and -2 (fill context) mean "no cap"
        }
        Object seed = out.get(SamplingOption.SEED);
        if (seed != null && (Long) seed < 0) {
            out.remove(SamplingOption.SEED); // Ollama's -1 means random, which is what no seed means
        }
        Object stop = out.get(SamplingOption.STOP);
        if (stop != null && ((List<?>) stop).isEmpty()) {
            out.remove(SamplingOption.STOP); // no stop sequences is no stop field (LangChain4j always sends [])
        }
        return out;
    }

    private static List<String> stopList(JsonNode v, SamplingOption option) {
        if (v.isTextual()) {
            return List.of(v.textValue());
        }
        if (!v.isArray()) {
            throw optionType(option, "array of strings");
        }
        List<String> out = new ArrayList<>(v.size());
        for (JsonNode s : v) {
            if (!s.isTextual()) {
                throw optionType(option, "array of strings");
            }
            out.add(s.textValue());
        }
        return List.copyOf(out);
    }

    private static RelayException optionType(SamplingOption option, String type) {
        return RelayException.badRequest("option \"" + option.ollamaName + "\" must be of type " + type);
    }

    /** {@code format}: "" and null mean none; "json" is JSON mode; an object is a JSON schema. */
    static JsonNode format(JsonNode format) {
        if (format == null || format.isNull()) {
            return null;
        }
        if (format.isTextual()) {
            String s = format.textValue().trim();
            if (s.isEmpty()) {
                return null;
            }
            if (s.equals("json")) {
                return format;
            }
            throw RelayException.badRequest("invalid format \"" + s + "\": expected \"json\" or a JSON schema object");
        }
        if (format.isObject()) {
            return format;
        }
        throw Fields.wrongType("format", "\"json\" or a JSON schema object", format);
    }

    static List<String> strings(ArrayNode array, String where) {
        if (array == null || array.isEmpty()) {
            return List.of();
        }
        List<String> out = new ArrayList<>(array.size());
        for (JsonNode item : array) {
            if (!item.isTextual()) {
                throw Fields.wrongType(where, "an array of strings", item);
            }
            out.add(item.textValue());
        }
        return Collections.unmodifiableList(out);
    }

    /** Checks that a request body is a JSON object; every Ollama request is one. */
    public static void requireObject(JsonNode body) {
        if (body == null || body.isMissingNode()) {
            throw RelayException.badRequest("missing request body");
        }
        if (!body.isObject()) {
            throw RelayException.badRequest("invalid request body: expected a JSON object");
        }
    }

    private static boolean notEmpty(String s) {
        return s != null && !s.isEmpty();
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
