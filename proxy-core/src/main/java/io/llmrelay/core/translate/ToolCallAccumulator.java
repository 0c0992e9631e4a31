package io.llmrelay.core.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmrelay.core.api.RelayException;
import io.llmrelay.core.json.Json;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * Collects streamed OpenAI tool-call fragments by {@code index} (id and arguments concatenated, name
 * set once) and hands them out whole, with {@code arguments} parsed into a JSON object, the shape
 * every Ollama client requires; or call by call as they grow, for an API that streams them.
 */
final class ToolCallAccumulator {

    /** One call as collected so far. */
    static final class Call {
        final int index;
        final StringBuilder id = new StringBuilder();
        String name;
        final StringBuilder arguments = new StringBuilder();
        private final JsonValueEnd argumentsEnd = new JsonValueEnd();
        /** streaming state, kept by {@link OutputSequence}: argument characters sent, and whether its part ended */
        int sent;
        boolean ended;

        Call(int index) {
            this.index = index;
        }

        /** The backend's id for the call, or null while it sent none. */
        String id() {
            return id.length() > 0 ? id.toString() : null;
        }

        /** Its function's name, or null while no fragment named it. */
        String name() {
            return name;
        }

        /** The argument text received so far. */
        CharSequence arguments() {
            return arguments;
        }

        /**
         * True when the arguments so far are one whole JSON value: a backend that sends calls one after
         * the other has finished this one (more text could only spoil it).
         */
        boolean argumentsClosed() {
            return argumentsEnd.closed();
        }
    }

    private final TreeMap<Integer, Call> calls = new TreeMap<>();

    /** Adds a fragment to its call (made on the call's first fragment), which is returned. */
    Call add(ChatDelta.ToolFragment fragment) {
        Call call = calls.computeIfAbsent(fragment.index(), Call::new);
        if (fragment.id() != null) {
            call.id.append(fragment.id());
        }
        if (fragment.name() != null && call.name == null) {
            call.name = fragment.name();
        }
        if (fragment.arguments() != null) {
            call.arguments.append(fragment.arguments());
            call.argumentsEnd.feed(fragment.arguments());
        }
        return call;
    }

    /** The call of backend index {@code index}, or null before its first fragment. */
    Call get(int index) {
        return calls.get(index);
    }

    boolean isEmpty() {
        return calls.isEmpty();
    }

    /** The finished calls in Ollama shape: {@code [{"id","function":{"index","name","arguments":{...}}}]}. */
    ArrayNode toOllama() {
        ArrayNode out = Json.NODES.arrayNode(calls.size());
        int position = 0;
        for (Map.Entry<Integer, Call> e : calls.entrySet()) {
            Call call = e.getValue();
            if (call.name == null) {
                throw new RelayException(502, "backend sent a tool call without a function name");
            }
            ObjectNode item = out.addObject();
            item.put("id", call.id.length() > 0 ? call.id.toString() : ToolCallIds.stable(-1, position, call.name));
            ObjectNode function = item.putObject("function");
            function.put("index", position++);
            function.put("name", call.name);
            function.set("arguments", arguments(call));
        }
        return out;
    }

    private static JsonNode arguments(Call call) {
        String text = call.arguments.toString().trim();
        if (text.isEmpty()) {
            return Json.NODES.objectNode();
        }
        try {
            // one JSON value: two objects run together are not a call's arguments
            JsonNode parsed = Json.parse(text);
            if (parsed.isObject()) {
                return parsed;
            }
        } catch (IOException notJson) {
            // reported below
        }
        // never hand an Ollama client a string where it requires an object
        throw new RelayException(502, "backend sent tool call \"" + call.name
                + "\" with arguments that are not a JSON object: " + ErrorMessages.abbreviate(text));
    }
}
