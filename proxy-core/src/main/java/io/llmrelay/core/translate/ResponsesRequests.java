package io.llmrelay.core.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmrelay.core.api.RelayException;
import io.llmrelay.core.config.SecurityConfig.RequestLimits;
import io.llmrelay.core.json.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads OpenAI Responses requests ({@code POST /v1/responses}) statelessly, as Ollama serves them, into
 * the chat request every backend is written from: {@code input} (a string, or message,
 * {@code function_call} and {@code function_call_output} items) and {@code instructions} become
 * messages, flat function {@code tools} become chat tools, {@code reasoning.effort} is {@code think},
 * {@code text.format} is {@code format}, {@code max_output_tokens} is {@code num_predict}.
 *
 * <p>Strict where a silent drop would answer another question: what needs stored state
 * ({@code previous_response_id}, {@code conversation}, {@code background}, stored prompts, item
 * references), hosted tools the backend cannot run, and unknown item, part or format types are 400s
 * that name what was refused. Fields that change nothing a backend does ({@code include},
 * {@code store}, {@code metadata}, {@code user}, ...) are accepted.
 */
public final class ResponsesRequests {

    private ResponsesRequests() {}

    /** The model a request names; the body must be a JSON object. */
    public static String model(JsonNode body) {
        OllamaRequests.requireObject(body);
        String model = Fields.string(body, "model", "");
        if (model == null || model.isBlank()) {
            throw RelayException.badRequest("model is required");
        }
        return model;
    }

    /**
     * Refuses what only a server that keeps responses can do. A fleet keeps nothing, and could not send
     * a continuation to the one server that kept its beginning: refused for every backend, even one that
     * serves the API itself.
     */
    public static void refuseStateful(JsonNode body) {
        if (present(body, "previous_response_id")) {
            throw RelayException.badRequest("previous_response_id is not supported: llm-relay serves the Responses API "
                    + "statelessly (as Ollama does) and keeps no earlier response; send the whole conversation in "
                    + "input instead");
        }
        if (present(body, "conversation")) {
            throw RelayException.badRequest("conversation is not supported: llm-relay serves the Responses API "
                    + "statelessly and keeps no conversations; send the whole conversation in input instead");
        }
        if (Fields.bool(body, "background", false)) {
            throw RelayException.badRequest("background is not supported: a background response is stored to be "
                    + "fetched later, and llm-relay stores no responses; stream it instead (\"stream\": true)");
        }
        if (present(body, "prompt")) {
            throw RelayException.badRequest("prompt (a stored prompt template) is not supported: llm-relay keeps no "
                    + "stored prompts; send the instructions and input themselves");
        }
    }

    /**
     * {@code limits.request}: the request's input items (its {@code instructions} count as one) and its
     * {@code input_image} parts, counted in the body as sent.
     */
    public static void checkSize(JsonNode body, RequestLimits limits) {
        int messages = present(body, "instructions") ? 1 : 0;
        int images = 0;
        JsonNode input = body.get("input");
        if (input != null && input.isTextual()) {
            messages++;
        } else if (input != null && input.isArray()) {
            messages += input.size();
            for (JsonNode item : input) {
                for (JsonNode part : item.path(item.has("output") ? "output" : "content")) {
                    if (part.path("type").asText("").equals("input_image")) {
                        images++;
                    }
                }
            }
        }
        RequestSize.check(messages, images, limits);
    }

    /** The whole request, checked: every problem is a 400 that names the field. */
    public static ResponsesRequest parse(JsonNode body) {
        String model = model(body);
        refuseStateful(body);
        boolean stream = Fields.bool(body, "stream", false); // the Responses API answers whole unless asked
        Fields.bool(body, "store", true); // accepted; nothing is ever stored
        Fields.array(body, "include", "");
        ObjectNode metadata = Fields.object(body, "metadata");
        String instructions = Fields.string(body, "instructions", "");

        List<ChatMessage> messages = new Conversation().read(instructions, body.get("input"));
        ArrayNode tools = tools(Fields.array(body, "tools", ""));
        JsonNode toolChoice = toolChoice(body.get("tool_choice"));
        Boolean parallelToolCalls = body.hasNonNull("parallel_tool_calls")
                ? Fields.bool(body, "parallel_tool_calls", true) : null;
        ObjectNode reasoning = Fields.object(body, "reasoning");
        Think think = reasoning == null ? null : think(reasoning);
        ObjectNode text = Fields.object(body, "text");
        JsonNode format = text == null ? null : format(text);

        EnumMap<SamplingOption, Object> options = new EnumMap<>(SamplingOption.class);
        Integer maxOutputTokens = Fields.integer(body, "max_output_tokens");
        if (maxOutputTokens != null) {
            if (maxOutputTokens < 1) {
                throw RelayException.badRequest("max_output_tokens must be at least 1");
            }
            options.put(SamplingOption.NUM_PREDICT, (long) maxOutputTokens);
        }
        Double temperature = number(body, "temperature");
        if (temperature != null) {
            options.put(SamplingOption.TEMPERATURE, temperature);
        }
        Double topP = number(body, "top_p");
        if (topP != null) {
            options.put(SamplingOption.TOP_P, topP);
        }

        InferenceRequest inference = new InferenceRequest(InferenceRequest.Shape.CHAT, model, stream, null, options,
                format, think, tools, tools == null ? null : toolChoice, false, 0, messages, null, null,
                parallelToolCalls, Fields.string(body, "user", ""));
        return new ResponsesRequest(inference, echo(body, instructions, maxOutputTokens, parallelToolCalls,
                reasoning, temperature, topP, text, metadata));
    }

    // ---------------------------------------------------------------------------------------- input

    /** The messages of {@code instructions} and {@code input}, in order, built turn by turn. */
    private static final class Conversation {

        /** A message being built: function calls and an assistant's text may join the turn before. */
        private static final class Turn {
            final String role;
            final StringBuilder text = new StringBuilder();
            ArrayNode parts; // only when the message carries images
            ArrayNode toolCalls;
            String toolCallId;

            Turn(String role) {
                this.role = role;
            }

            ChatMessage message() {
                return new ChatMessage(role, parts == null ? text.toString() : null, parts, List.of(), toolCalls, null,
                        toolCallId);
            }
        }

        private final List<Turn> turns = new ArrayList<>();
        private final Set<String> unsupported = new TreeSet<>();

        List<ChatMessage> read(String instructions, JsonNode input) {
            if (instructions != null && !instructions.isEmpty()) {
                add(turns, new Turn("system")).text.append(instructions);
            }
            if (input == null || input.isNull()) {
                throw RelayException.badRequest("input is required: a string, or an array of input items");
            }
            if (input.isTextual()) {
                if (input.textValue().isEmpty()) {
                    throw RelayException.badRequest("input must not be empty");
                }
                add(turns, new Turn("user")).text.append(input.textValue());
            } else if (input.isArray()) {
                if (input.isEmpty()) {
                    throw RelayException.badRequest("input must not be empty");
                }
                for (int i = 0; i < input.size(); i++) {
                    item(input.get(i), "input[" + i + "]");
                }
            } else {
                throw Fields.wrongType("input", "a string or an array of input items", input);
            }
            if (!unsupported.isEmpty()) {
                throw RelayException.badRequest("input item types not supported: " + String.join(", ", unsupported)
                        + " (llm-relay translates message, function_call, function_call_output and reasoning items "
                        + "onto chat completions; hosted tools' items and item references need OpenAI's stored state)");
            }
            List<ChatMessage> out = new ArrayList<>(turns.size());
            boolean anything = false;
            for (Turn t : turns) {
                out.add(t.message());
                anything |= !t.role.equals("system");
            }
            if (!anything) {
                throw RelayException.badRequest("input has no message to answer: its items are all instructions or "
                        + "reasoning");
            }
            return Collections.unmodifiableList(out);
        }

        private static <T> T add(List<T> list, T item) {
            list.add(item);
            return item;
        }

        private void item(JsonNode item, String where) {
            if (!item.isObject()) {
                throw Fields.wrongType(where, "an object", item);
            }
            String type = Fields.string(item, "type", where + ".");
            if (type == null && item.has("role")) {
                type = "message"; // the short form: {"role": ..., "content": ...}
            }
            if (type == null) {
                throw RelayException.badRequest(where + ".type is required");
            }
            switch (type) {
                case "message" -> message(item, where);
                case "function_call" -> functionCall(item, where);
                case "function_call_output" -> functionCallOutput(item, where);
                case "reasoning" -> { } // the model's earlier reasoning: chat templates drop it from history too
                default -> unsupported.add(type);
            }
        }

        private void message(JsonNode item, String where) {
            String role = Fields.string(item, "role", where + ".");
            if (role == null) {
                throw RelayException.badRequest(where + ".role is required");
            }
            switch (role) {
                case "user", "assistant", "system" -> { }
                case "developer" -> role = "system"; // chat backends take system; OpenAI treats them alike
                default -> throw RelayException.badRequest(where + ".role must be user, assistant, system or "
                        + "developer, not '" + role + "'");
            }
            Turn previous = turns.isEmpty() ? null : turns.get(turns.size() - 1);
            // an assistant's text replayed after its own function calls belongs to that turn: the calls'
            // results must follow the calls directly
            Turn turn = role.equals("assistant") && previous != null && previous.role.equals("assistant")
                    && previous.toolCalls != null ? previous : new Turn(role);
            JsonNode content = item.get("content");
            if (content == null || content.isNull()) {
                throw RelayException.badRequest(where + ".content is required");
            }
            if (content.isTextual()) {
                appendText(turn, content.textValue());
            } else if (content.isArray()) {
                for (int p = 0; p < content.size(); p++) {
                    part(turn, content.get(p), where + ".content[" + p + "]");
                }
            } else {
                throw Fields.wrongType(where + ".content", "a string or an array of content parts", content);
            }
            if (turn != previous) {
                turns.add(turn);
            }
        }

        private static void part(Turn turn, JsonNode part, String where) {
            if (!part.isObject()) {
                throw Fields.wrongType(where, "an object", part);
            }
            String type = Fields.string(part, "type", where + ".");
            if (type == null) {
                throw RelayException.badRequest(where + ".type is required");
            }
            switch (type) {
                case "input_text", "output_text" -> appendText(turn, requiredString(part, "text", where));
                case "refusal" -> appendText(turn, requiredString(part, "refusal", where));
                case "input_image" -> image(turn, part, where);
                case "input_file" -> throw RelayException.badRequest(where + ": input_file is not supported: "
                        + "chat completions backends take text and images; send the file's text as input_text");
                default -> throw RelayException.badRequest(where + ": content part type '" + type + "' is not "
                        + "supported (input_text, input_image, output_text, refusal)");
            }
        }

        private static void appendText(Turn turn, String text) {
            if (turn.parts != null) {
                if (!text.isEmpty()) {
                    turn.parts.addObject().put("type", "text").put("text", text);
                }
            } else {
                if (turn.text.length() > 0 && !text.isEmpty() && turn.toolCalls != null) {
                    turn.text.append('\n'); // text replayed around a turn's calls: keep the pieces apart
                }
                turn.text.append(text);
            }
        }

        /** An image: the message becomes chat content parts (its text so far the first part). */
        private static void image(Turn turn, JsonNode part, String where) {
            if (part.hasNonNull("file_id")) {
                throw RelayException.badRequest(where + ": input_image with file_id is not supported: llm-relay "
                        + "keeps no uploaded files; send the image as image_url (a data: URL or a web URL)");
            }
            String url = requiredString(part, "image_url", where);
            if (turn.parts == null) {
                turn.parts = Json.NODES.arrayNode();
                if (turn.text.length() > 0) {
                    turn.parts.addObject().put("type", "text").put("text", turn.text.toString());
                    turn.text.setLength(0);
                }
            }
            ObjectNode image = turn.parts.addObject().put("type", "image_url").putObject("image_url").put("url", url);
            String detail = Fields.string(part, "detail", where + ".");
            if (detail != null && !detail.equals("auto")) {
                image.put("detail", detail);
            }
        }

        /** A call the model made: joins the assistant turn before it (its text, its other calls). */
        private void functionCall(JsonNode item, String where) {
            String callId = requiredString(item, "call_id", where);
            String name = requiredString(item, "name", where);
            String arguments = Fields.string(item, "arguments", where + ".");
            if (arguments == null || arguments.isBlank()) {
                arguments = "{}";
            } else {
                requireJsonObject(arguments, where + ".arguments");
            }
            Turn previous = turns.isEmpty() ? null : turns.get(turns.size() - 1);
            Turn turn = previous != null && previous.role.equals("assistant") ? previous : add(turns, new Turn("assistant"));
            if (turn.toolCalls == null) {
                turn.toolCalls = Json.NODES.arrayNode();
            }
            ObjectNode call = turn.toolCalls.addObject();
            call.put("id", callId);
            call.putObject("function").put("name", name).put("arguments", arguments);
        }

        /** A call's result: a {@code tool} message answering its {@code call_id}. */
        private void functionCallOutput(JsonNode item, String where) {
            String callId = requiredString(item, "call_id", where);
            JsonNode output = item.get("output");
            Turn turn = new Turn("tool");
            turn.toolCallId = callId;
            if (output == null || output.isNull()) {
                throw RelayException.badRequest(where + ".output is required");
            } else if (output.isTextual()) {
                turn.text.append(output.textValue());
            } else if (output.isArray()) {
                for (int p = 0; p < output.size(); p++) {
                    JsonNode part = output.get(p);
                    String partWhere = where + ".output[" + p + "]";
                    String type = part.isObject() ? Fields.string(part, "type", partWhere + ".") : null;
                    if ("input_text".equals(type) || "output_text".equals(type)) {
                        turn.text.append(requiredString(part, "text", partWhere));
                    } else {
                        throw RelayException.badRequest(partWhere + ": only input_text parts are supported in a "
                                + "function_call_output: chat completions tool messages carry text");
                    }
                }
            } else {
                throw Fields.wrongType(where + ".output", "a string or an array of content parts", output);
            }
            turns.add(turn);
        }
    }

    private static String requiredString(JsonNode parent, String field, String where) {
        String value = Fields.string(parent, field, where + ".");
        if (value == null) {
            throw RelayException.badRequest(where + "." + field + " is required");
        }
        return value;
    }

    private static void requireJsonObject(String text, String where) {
        JsonNode parsed;
        try {
            parsed = Json.parse(text);
        } catch (IOException e) {
            throw RelayException.badRequest(where + " is not valid JSON: " + ErrorMessages.abbreviate(text));
        }
        if (!parsed.isObject()) {
            throw RelayException.badRequest(where + " must be a JSON object, not " + ErrorMessages.abbreviate(text));
        }
    }

    // ---------------------------------------------------------------------------------------- tools

    /** Flat Responses function tools as chat tools; any other tool type is refused, all of them named. */
    private static ArrayNode tools(ArrayNode tools) {
        if (tools == null || tools.isEmpty()) {
            return null;
        }
        ArrayNode out = Json.NODES.arrayNode(tools.size());
        Set<String> unsupported = new TreeSet<>();
        for (int i = 0; i < tools.size(); i++) {
            JsonNode tool = tools.get(i);
            String where = "tools[" + i + "]";
            if (!tool.isObject()) {
                throw Fields.wrongType(where, "an object", tool);
            }
            String type = requiredString(tool, "type", where);
            if (!type.equals("function")) {
                unsupported.add(type);
                continue;
            }
            String name = requiredString(tool, "name", where);
            if (name.isBlank()) {
                throw RelayException.badRequest(where + ".name must not be empty");
            }
            ObjectNode function = out.addObject().put("type", "function").putObject("function").put("name", name);
            String description = Fields.string(tool, "description", where + ".");
            if (description != null) {
                function.put("description", description);
            }
            ObjectNode parameters = Fields.object(tool, "parameters");
            if (parameters != null) {
                function.set("parameters", parameters);
            }
            if (tool.hasNonNull("strict")) {
                function.put("strict", Fields.bool(tool, "strict", false));
            }
        }
        if (!unsupported.isEmpty()) {
            throw RelayException.badRequest("tool types not supported: " + String.join(", ", unsupported)
                    + " (llm-relay translates the Responses API onto chat completions, which run function tools only: "
                    + "hosted tools run on OpenAI's own servers)");
        }
        return out;
    }

    /** {@code auto}, {@code none}, {@code required}, or {@code {"type": "function", "name": ...}}, as chat's tool_choice. */
    private static JsonNode toolChoice(JsonNode choice) {
        if (choice == null || choice.isNull()) {
            return null;
        }
        if (choice.isTextual()) {
            return switch (choice.textValue()) {
                case "auto", "none", "required" -> choice;
                default -> throw RelayException.badRequest("invalid tool_choice '" + choice.textValue()
                        + "' (expected auto, none, required or {\"type\": \"function\", \"name\": ...})");
            };
        }
        if (!choice.isObject()) {
            throw Fields.wrongType("tool_choice", "a string or an object", choice);
        }
        String type = requiredString(choice, "type", "tool_choice");
        if (!type.equals("function")) {
            throw RelayException.badRequest("tool_choice type '" + type + "' is not supported (auto, none, required, "
                    + "or {\"type\": \"function\", \"name\": ...})");
        }
        ObjectNode out = Json.NODES.objectNode().put("type", "function");
        out.putObject("function").put("name", requiredString(choice, "name", "tool_choice"));
        return out;
    }

    // ---------------------------------------------------------------------------------------- settings

    /** {@code reasoning.effort} as {@code think}, levels as Ollama maps them; null when unset. */
    private static Think think(ObjectNode reasoning) {
        String effort = Fields.string(reasoning, "effort", "reasoning.");
        Fields.string(reasoning, "summary", "reasoning.");
        if (effort == null) {
            return null;
        }
        return switch (effort) {
            case "none" -> new Think(false, null);
            case "minimal" -> new Think(true, "low"); // no backend flavour has a lower level than low
            case "low", "medium", "high" -> new Think(true, effort);
            case "xhigh", "max" -> new Think(true, "max");
            default -> throw RelayException.badRequest("invalid reasoning.effort '" + effort
                    + "' (expected none, minimal, low, medium, high, xhigh or max)");
        };
    }

    /** {@code text.format}: a JSON schema (its {@code schema}), JSON mode ({@code "json"}), or plain text (null). */
    private static JsonNode format(ObjectNode text) {
        ObjectNode format = Fields.object(text, "format");
        if (format == null) {
            return null;
        }
        String type = requiredString(format, "type", "text.format");
        return switch (type) {
            case "text" -> null;
            case "json_object" -> Json.NODES.textNode("json");
            case "json_schema" -> {
                ObjectNode schema = Fields.object(format, "schema");
                if (schema == null) {
                    throw RelayException.badRequest("text.format.schema is required for type json_schema");
                }
                yield schema;
            }
            default -> throw RelayException.badRequest("invalid text.format.type '" + type
                    + "' (expected text, json_object or json_schema)");
        };
    }

    private static Double number(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isNumber()) {
            throw Fields.wrongType(field, "a number", v);
        }
        return v.doubleValue();
    }

    /** The request's settings as the {@code response} object repeats them, OpenAI's defaults for the unset. */
    private static ObjectNode echo(JsonNode body, String instructions, Integer maxOutputTokens,
            Boolean parallelToolCalls, ObjectNode reasoning, Double temperature, Double topP, ObjectNode text,
            ObjectNode metadata) {
        ObjectNode echo = Json.NODES.objectNode();
        echo.put("instructions", instructions);
        echo.put("max_output_tokens", maxOutputTokens);
        echo.set("max_tool_calls", body.hasNonNull("max_tool_calls") ? body.get("max_tool_calls") : Json.NODES.nullNode());
        echo.put("parallel_tool_calls", parallelToolCalls == null || parallelToolCalls);
        echo.putNull("previous_response_id");
        if (reasoning == null) {
            echo.putNull("reasoning");
        } else {
            ObjectNode r = echo.putObject("reasoning");
            r.set("effort", reasoning.hasNonNull("effort") ? reasoning.get("effort") : Json.NODES.nullNode());
            r.set("summary", reasoning.hasNonNull("summary") ? reasoning.get("summary") : Json.NODES.nullNode());
        }
        echo.put("store", false); // whatever was asked: nothing is kept
        echo.put("temperature", temperature);
        ObjectNode textEcho = text == null ? Json.NODES.objectNode() : text.deepCopy();
        if (!textEcho.hasNonNull("format")) {
            textEcho.putObject("format").put("type", "text");
        }
        echo.set("text", textEcho);
        JsonNode toolChoice = body.get("tool_choice");
        echo.set("tool_choice", toolChoice == null || toolChoice.isNull() ? Json.NODES.textNode("auto") : toolChoice);
        JsonNode tools = body.get("tools");
        echo.set("tools", tools == null || tools.isNull() ? Json.NODES.arrayNode() : tools);
        echo.put("top_p", topP);
        JsonNode truncation = body.get("truncation");
        echo.set("truncation", truncation != null && truncation.isTextual() ? truncation : Json.NODES.textNode("disabled"));
        echo.set("metadata", metadata == null ? Json.NODES.objectNode() : metadata);
        echo.put("background", false);
        echo.put("service_tier", "default");
        JsonNode user = body.get("user");
        if (user != null && user.isTextual()) {
            echo.set("user", user);
        }
        return echo;
    }

    private static boolean present(JsonNode body, String field) {
        JsonNode v = body.get(field);
        return v != null && !v.isNull() && !(v.isTextual() && v.textValue().isEmpty());
    }
}
