package io.llmrelay.core.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmrelay.core.api.RelayException;
import io.llmrelay.core.json.Json;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads an Anthropic Messages request ({@code POST /v1/messages}, and the same body for
 * {@code /v1/messages/count_tokens}) into the {@link InferenceRequest} every backend's chat request
 * is written from, so the Messages API shares one translation path with the Ollama routes. Strict
 * where a silent drop would answer a different question (unknown content blocks, server tools, a
 * {@code tool_choice} naming no tool); lenient about fields that change nothing a backend could act
 * on (unknown top-level fields, {@code cache_control}, {@code citations}). docs/TRANSLATION.md has
 * the field table.
 */
public final class MessagesRequests {

    /** Thinking budgets below this are {@code low} effort, below {@link #MEDIUM_BUDGET_BELOW} {@code medium}, else {@code high}. */
    static final int LOW_BUDGET_BELOW = 4096;
    static final int MEDIUM_BUDGET_BELOW = 16384;

    private MessagesRequests() {}

    /** A {@code /v1/messages} body: {@code max_tokens} is required, as Anthropic requires it. */
    public static InferenceRequest messages(JsonNode body) {
        return parse(body, true);
    }

    /** A {@code /v1/messages/count_tokens} body: the same fields, {@code max_tokens} not needed. */
    public static InferenceRequest countTokens(JsonNode body) {
        return parse(body, false);
    }

    private static InferenceRequest parse(JsonNode body, boolean generates) {
        OllamaRequests.requireObject(body);
        String model = Fields.string(body, "model", "");
        if (model == null || model.isBlank()) {
            throw RelayException.badRequest("model: field required");
        }
        EnumMap<SamplingOption, Object> options = new EnumMap<>(SamplingOption.class);
        Long maxTokens = integer(body, "max_tokens", 1);
        if (generates && maxTokens == null) {
            throw RelayException.badRequest("max_tokens: field required");
        }
        if (generates) {
            options.put(SamplingOption.NUM_PREDICT, maxTokens);
        }
        putNumber(options, SamplingOption.TEMPERATURE, body, "temperature");
        putNumber(options, SamplingOption.TOP_P, body, "top_p");
        Long topK = integer(body, "top_k", 0);
        if (topK != null) {
            options.put(SamplingOption.TOP_K, topK);
        }
        List<String> stop = OllamaRequests.strings(Fields.array(body, "stop_sequences", ""), "stop_sequences");
        if (!stop.isEmpty()) {
            options.put(SamplingOption.STOP, stop);
        }

        List<ChatMessage> messages = new ArrayList<>();
        String system = systemText(body.get("system"), "system");
        if (system != null) {
            messages.add(text("system", system));
        }
        ArrayNode raw = Fields.array(body, "messages", "");
        if (raw == null || raw.isEmpty()) {
            throw RelayException.badRequest("messages: at least one message is required");
        }
        for (int i = 0; i < raw.size(); i++) {
            message(raw.get(i), "messages[" + i + "]", messages);
        }

        ArrayNode tools = tools(Fields.array(body, "tools", ""));
        ObjectNode choice = Fields.object(body, "tool_choice");
        JsonNode toolChoice = toolChoice(choice, tools);
        // disable_parallel_tool_use: at most one call, OpenAI's parallel_tool_calls false
        Boolean parallelToolCalls = toolChoice != null && Fields.bool(choice, "disable_parallel_tool_use", false)
                ? Boolean.FALSE : null;

        ObjectNode outputConfig = Fields.object(body, "output_config");
        ObjectNode metadata = Fields.object(body, "metadata");
        return new InferenceRequest(InferenceRequest.Shape.CHAT, model, Fields.bool(body, "stream", false), null, options,
                format(outputConfig), think(Fields.object(body, "thinking"), effort(outputConfig)), tools, toolChoice,
                false, 0, Collections.unmodifiableList(messages), null, null, parallelToolCalls,
                metadata == null ? null : Fields.string(metadata, "user_id", "metadata."));
    }

    // ---------------------------------------------------------------- messages

    /** One Messages message: one chat message, or (tool results) several. */
    private static void message(JsonNode m, String where, List<ChatMessage> out) {
        if (!m.isObject()) {
            throw Fields.wrongType(where, "an object", m);
        }
        String role = Fields.string(m, "role", where + ".");
        if (role == null) {
            throw RelayException.badRequest(where + ".role: field required");
        }
        JsonNode content = m.get("content");
        if (content == null || content.isNull()) {
            throw RelayException.badRequest(where + ".content: field required");
        }
        switch (role) {
            case "user":
                user(content, where, out);
                break;
            case "assistant":
                assistant(content, where, out);
                break;
            case "system": // newer SDKs may put system turns among the messages
                out.add(text("system", systemText(content, where + ".content")));
                break;
            default:
                throw RelayException.badRequest(where + ".role: must be \"user\" or \"assistant\", not \"" + role + "\"");
        }
    }

    /**
     * A user turn: its tool results first, each a {@code tool} message (OpenAI wants them right after
     * the assistant's calls), then the rest as one user message. Images a tool returned go into that
     * user message, each after a line naming the call, since a chat {@code tool} message carries text only.
     */
    private static void user(JsonNode content, String where, List<ChatMessage> out) {
        if (content.isTextual()) {
            out.add(text("user", content.textValue()));
            return;
        }
        ArrayNode blocks = blocks(content, where + ".content");
        ArrayNode parts = Json.NODES.arrayNode();
        ArrayNode toolImages = Json.NODES.arrayNode();
        for (int i = 0; i < blocks.size(); i++) {
            JsonNode block = blocks.get(i);
            String at = where + ".content[" + i + "]";
            String type = type(block, at);
            switch (type) {
                case "text":
                    parts.add(textPart(blockText(block, at)));
                    break;
                case "image":
                    parts.add(imagePart(block, at));
                    break;
                case "tool_result":
                    out.add(toolResult(block, at, toolImages));
                    break;
                default:
                    throw unsupported(at, type, "user");
            }
        }
        if (!toolImages.isEmpty()) {
            toolImages.addAll(parts);
            parts = toolImages;
        }
        if (!parts.isEmpty()) {
            out.add(partsMessage("user", parts));
        }
    }

    /** An assistant turn: its text and tool calls; earlier thinking is dropped (a chat backend cannot take it back). */
    private static void assistant(JsonNode content, String where, List<ChatMessage> out) {
        if (content.isTextual()) {
            out.add(text("assistant", content.textValue()));
            return;
        }
        ArrayNode blocks = blocks(content, where + ".content");
        StringBuilder text = null;
        ArrayNode calls = null;
        for (int i = 0; i < blocks.size(); i++) {
            JsonNode block = blocks.get(i);
            String at = where + ".content[" + i + "]";
            String type = type(block, at);
            switch (type) {
                case "text":
                    text = join(text, blockText(block, at));
                    break;
                case "tool_use":
                    (calls == null ? calls = Json.NODES.arrayNode() : calls).add(toolUse(block, at));
                    break;
                case "thinking":
                case "redacted_thinking":
                    break;
                default:
                    throw unsupported(at, type, "assistant");
            }
        }
        if (text == null && calls == null) {
            return; // only thinking: nothing a chat backend can be given
        }
        out.add(new ChatMessage("assistant", text == null ? "" : text.toString(), null, List.of(), calls, null, null));
    }

    private static ObjectNode toolUse(JsonNode block, String at) {
        String id = requiredString(block, "id", at);
        String name = requiredString(block, "name", at);
        JsonNode input = block.get("input");
        if (input != null && !input.isNull() && !input.isObject()) {
            throw Fields.wrongType(at + ".input", "an object", input);
        }
        ObjectNode call = Json.NODES.objectNode();
        call.put("id", id);
        ObjectNode function = call.putObject("function");
        function.put("name", name);
        function.set("arguments", input == null || input.isNull() ? Json.NODES.objectNode() : input);
        return call;
    }

    /**
     * A {@code tool_result} as a {@code tool} message: its content a string or text blocks;
     * {@code is_error} puts {@code "Error: "} before the text, the one way a chat backend can be told.
     */
    private static ChatMessage toolResult(JsonNode block, String at, ArrayNode toolImages) {
        String id = requiredString(block, "tool_use_id", at);
        JsonNode content = block.get("content");
        StringBuilder text = null;
        if (content != null && content.isTextual()) {
            text = new StringBuilder(content.textValue());
        } else if (content != null && content.isArray()) {
            for (int i = 0; i < content.size(); i++) {
                JsonNode part = content.get(i);
                String partAt = at + ".content[" + i + "]";
                String type = type(part, partAt);
                if (type.equals("text")) {
                    text = join(text, blockText(part, partAt));
                } else if (type.equals("image")) {
                    toolImages.add(textPart("(image returned by tool call " + id + ")"));
                    toolImages.add(imagePart(part, partAt));
                } else {
                    throw unsupported(partAt, type, "tool_result");
                }
            }
        } else if (content != null && !content.isNull()) {
            throw Fields.wrongType(at + ".content", "a string or an array of content blocks", content);
        }
        String result = text == null ? "" : text.toString();
        if (Fields.bool(block, "is_error", false)) {
            result = result.isEmpty() ? "Error" : "Error: " + result;
        }
        return new ChatMessage("tool", result, null, List.of(), null, null, id);
    }

    /** {@code system}, or a system turn's content: a string or text blocks, joined by new lines; null when empty. */
    private static String systemText(JsonNode system, String where) {
        if (system == null || system.isNull()) {
            return null;
        }
        if (system.isTextual()) {
            return system.textValue().isEmpty() ? null : system.textValue();
        }
        ArrayNode blocks = blocks(system, where);
        StringBuilder text = null;
        for (int i = 0; i < blocks.size(); i++) {
            String at = where + "[" + i + "]";
            String type = type(blocks.get(i), at);
            if (!type.equals("text")) {
                throw RelayException.badRequest(at + ": system content takes text blocks only, not \"" + type + "\"");
            }
            text = join(text, blockText(blocks.get(i), at));
        }
        return text == null || text.length() == 0 ? null : text.toString();
    }

    // ---------------------------------------------------------------- blocks

    /** {@code field}'s value (a path, e.g. {@code messages[0].content}) as content blocks; a 400 when not an array. */
    private static ArrayNode blocks(JsonNode content, String field) {
        if (!content.isArray()) {
            throw Fields.wrongType(field, "a string or an array of content blocks", content);
        }
        return (ArrayNode) content;
    }

    private static String type(JsonNode block, String at) {
        if (!block.isObject()) {
            throw Fields.wrongType(at, "a content block (an object with a type)", block);
        }
        String type = Fields.string(block, "type", at + ".");
        if (type == null) {
            throw RelayException.badRequest(at + ".type: field required");
        }
        return type;
    }

    private static String blockText(JsonNode block, String at) {
        String text = Fields.string(block, "text", at + ".");
        if (text == null) {
            throw RelayException.badRequest(at + ".text: field required");
        }
        return text;
    }

    /** An {@code image} block as an OpenAI {@code image_url} part: base64 data as a data URL, a URL as it is. */
    private static ObjectNode imagePart(JsonNode block, String at) {
        ObjectNode source = Fields.object(block, "source");
        if (source == null) {
            throw RelayException.badRequest(at + ".source: field required");
        }
        String type = requiredString(source, "type", at + ".source");
        String url;
        switch (type) {
            case "base64": {
                String data = requiredString(source, "data", at + ".source");
                String mediaType = Fields.string(source, "media_type", at + ".source.");
                url = "data:" + (mediaType == null || mediaType.isBlank() ? ImageData.sniff(data) : mediaType)
                        + ";base64," + data;
                break;
            }
            case "url":
                url = requiredString(source, "url", at + ".source");
                break;
            default:
                throw RelayException.badRequest(at + ".source.type: image source \"" + type + "\" is not supported "
                        + "(send \"base64\" data or a \"url\"; llm-relay has no Files API)");
        }
        ObjectNode part = Json.NODES.objectNode();
        part.put("type", "image_url");
        part.putObject("image_url").put("url", url);
        return part;
    }

    private static ObjectNode textPart(String text) {
        ObjectNode part = Json.NODES.objectNode();
        part.put("type", "text");
        part.put("text", text);
        return part;
    }

    /** Text only: one string (blocks joined by new lines); with an image: the parts in order. */
    private static ChatMessage partsMessage(String role, ArrayNode parts) {
        StringBuilder text = null;
        for (JsonNode part : parts) {
            if (!part.path("type").asText().equals("text")) {
                return new ChatMessage(role, null, parts, List.of(), null, null, null);
            }
            text = join(text, part.get("text").textValue());
        }
        return text(role, text == null ? "" : text.toString());
    }

    private static RelayException unsupported(String at, String type, String where) {
        return RelayException.badRequest(at + ": content block type \"" + type + "\" is not supported in "
                + (where.equals("tool_result") ? "a tool_result" : where.equals("user") ? "a user message" : "an assistant message")
                + " (supported: " + switch (where) {
                    case "user" -> "text, image, tool_result";
                    case "assistant" -> "text, tool_use, thinking, redacted_thinking";
                    default -> "text, image";
                } + ")");
    }

    // ---------------------------------------------------------------- tools

    /** Client tools ({@code name}, {@code description}, {@code input_schema}) as OpenAI function tools; null when none. */
    private static ArrayNode tools(ArrayNode tools) {
        if (tools == null || tools.isEmpty()) {
            return null;
        }
        ArrayNode out = Json.NODES.arrayNode(tools.size());
        Set<String> names = new HashSet<>();
        for (int i = 0; i < tools.size(); i++) {
            JsonNode tool = tools.get(i);
            String at = "tools[" + i + "]";
            if (!tool.isObject()) {
                throw Fields.wrongType(at, "an object", tool);
            }
            String type = Fields.string(tool, "type", at + ".");
            if (type != null && !type.equals("custom")) {
                throw RelayException.badRequest(at + ".type: tool type \"" + type + "\" is not supported: it is a tool "
                        + "Anthropic runs or defines itself; through llm-relay a model can call only tools the client "
                        + "defines (name, description, input_schema)");
            }
            String name = requiredString(tool, "name", at);
            if (!names.add(name)) {
                throw RelayException.badRequest(at + ".name: tool \"" + name + "\" is defined twice");
            }
            ObjectNode schema = Fields.object(tool, "input_schema");
            if (schema == null) {
                throw RelayException.badRequest(at + ".input_schema: field required");
            }
            ObjectNode function = out.addObject().put("type", "function").putObject("function");
            function.put("name", name);
            String description = Fields.string(tool, "description", at + ".");
            if (description != null) {
                function.put("description", description);
            }
            function.set("parameters", schema);
        }
        return out;
    }

    /**
     * {@code tool_choice} in OpenAI's terms: {@code auto}, {@code any} → {@code required}, {@code none},
     * {@code {type: tool, name}} → that function. Null when unset or when there are no tools to choose.
     */
    private static JsonNode toolChoice(ObjectNode choice, ArrayNode tools) {
        if (choice == null) {
            return null;
        }
        String type = Fields.string(choice, "type", "tool_choice.");
        if (type == null) {
            throw RelayException.badRequest("tool_choice.type: field required");
        }
        switch (type) {
            case "auto":
            case "none":
                return tools == null ? null : Json.NODES.textNode(type);
            case "any":
                requireTools(tools, type);
                return Json.NODES.textNode("required");
            case "tool": {
                requireTools(tools, type);
                String name = requiredString(choice, "name", "tool_choice");
                boolean known = false;
                for (JsonNode tool : tools) {
                    known |= tool.path("function").path("name").asText().equals(name);
                }
                if (!known) {
                    throw RelayException.badRequest("tool_choice.name: no tool named \"" + name + "\" is defined in tools");
                }
                ObjectNode out = Json.NODES.objectNode().put("type", "function");
                out.putObject("function").put("name", name);
                return out;
            }
            default:
                throw RelayException.badRequest("tool_choice.type: must be \"auto\", \"any\", \"tool\" or \"none\", not \""
                        + type + "\"");
        }
    }

    private static void requireTools(ArrayNode tools, String type) {
        if (tools == null) {
            throw RelayException.badRequest("tool_choice: type \"" + type + "\" needs tools, and none are defined");
        }
    }

    // ---------------------------------------------------------------- thinking and output

    /**
     * {@code thinking}: {@code enabled} switches it on at the effort its budget suggests (below 4096
     * tokens low, below 16384 medium, else high; an {@code output_config.effort} wins), {@code disabled}
     * off; {@code adaptive} leaves it to the backend, unless an effort is given. Null: the backend's default.
     */
    private static Think think(ObjectNode thinking, String effort) {
        if (thinking == null) {
            return effort == null ? null : new Think(true, effort);
        }
        String type = Fields.string(thinking, "type", "thinking.");
        if (type == null) {
            throw RelayException.badRequest("thinking.type: field required");
        }
        switch (type) {
            case "enabled": {
                Long budget = integer(thinking, "budget_tokens", 1);
                if (budget == null) {
                    throw RelayException.badRequest("thinking.budget_tokens: field required");
                }
                return new Think(true, effort != null ? effort
                        : budget < LOW_BUDGET_BELOW ? "low" : budget < MEDIUM_BUDGET_BELOW ? "medium" : "high");
            }
            case "disabled":
                return new Think(false, null);
            case "adaptive":
            case "between_tools":
                return effort == null ? null : new Think(true, effort);
            default:
                throw RelayException.badRequest("thinking.type: must be \"enabled\", \"disabled\" or \"adaptive\", not \""
                        + type + "\"");
        }
    }

    /** {@code output_config.effort} as a think level ({@code xhigh} is {@code high}); null when unset. */
    private static String effort(ObjectNode outputConfig) {
        String effort = outputConfig == null ? null : Fields.string(outputConfig, "effort", "output_config.");
        if (effort == null) {
            return null;
        }
        switch (effort.toLowerCase(Locale.ROOT)) {
            case "low": return "low";
            case "medium": return "medium";
            case "high":
            case "xhigh": return "high";
            case "max": return "max";
            default:
                throw RelayException.badRequest("output_config.effort: must be \"low\", \"medium\", \"high\", \"xhigh\" "
                        + "or \"max\", not \"" + effort + "\"");
        }
    }

    /** {@code output_config.format}: a JSON schema the answer must follow (structured output), or null. */
    private static JsonNode format(ObjectNode outputConfig) {
        ObjectNode format = outputConfig == null ? null : Fields.object(outputConfig, "format");
        if (format == null) {
            return null;
        }
        String type = Fields.string(format, "type", "output_config.format.");
        if (!"json_schema".equals(type)) {
            throw RelayException.badRequest("output_config.format.type: must be \"json_schema\", not "
                    + (type == null ? "missing" : "\"" + type + "\""));
        }
        ObjectNode schema = Fields.object(format, "schema");
        if (schema == null) {
            throw RelayException.badRequest("output_config.format.schema: field required");
        }
        return schema;
    }

    // ---------------------------------------------------------------- values

    private static ChatMessage text(String role, String text) {
        return new ChatMessage(role, text, null, List.of(), null, null, null);
    }

    private static StringBuilder join(StringBuilder text, String more) {
        return text == null ? new StringBuilder(more) : text.append('\n').append(more);
    }

    private static String requiredString(JsonNode parent, String field, String at) {
        String value = Fields.string(parent, field, at + ".");
        if (value == null) {
            throw RelayException.badRequest(at + "." + field + ": field required");
        }
        return value;
    }

    /** An integer field of at least {@code min}, or null when absent; a fraction or a string is a 400. */
    private static Long integer(JsonNode parent, String field, long min) {
        JsonNode v = parent.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isNumber() || !v.canConvertToExactIntegral() || !v.canConvertToLong()) {
            throw Fields.wrongType(field, "an integer", v);
        }
        if (v.longValue() < min) {
            throw RelayException.badRequest(field + ": must be at least " + min + ", not " + v.longValue());
        }
        return v.longValue();
    }

    private static void putNumber(EnumMap<SamplingOption, Object> options, SamplingOption option, JsonNode body,
            String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return;
        }
        if (!v.isNumber()) {
            throw Fields.wrongType(field, "a number", v);
        }
        if (v.doubleValue() < 0) {
            throw RelayException.badRequest(field + ": must be at least 0, not " + v.asText());
        }
        options.put(option, v.doubleValue());
    }
}
