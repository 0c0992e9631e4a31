package io.llmrelay.core.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmrelay.core.api.RelayException;

/** Typed reads of request fields; a wrong type is a 400 that names the field. Null counts as absent. */
final class Fields {

    private Fields() {}

    static String string(JsonNode parent, String field, String where) {
        JsonNode v = parent.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw wrongType(where + field, "a string", v);
        }
        return v.textValue();
    }

    static boolean bool(JsonNode parent, String field, boolean absent) {
        JsonNode v = parent.get(field);
        if (v == null || v.isNull()) {
            return absent;
        }
        if (!v.isBoolean()) {
            throw wrongType(field, "a boolean", v);
        }
        return v.booleanValue();
    }

    static Integer integer(JsonNode parent, String field) {
        JsonNode v = parent.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isNumber()) {
            throw wrongType(field, "an integer", v);
        }
        return v.intValue(); // Go truncates floats sent for ints; so do we
    }

    static ArrayNode array(JsonNode parent, String field, String where) {
        JsonNode v = parent.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isArray()) {
            throw wrongType(where + field, "an array", v);
        }
        return (ArrayNode) v;
    }

    static ObjectNode object(JsonNode parent, String field) {
        JsonNode v = parent.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isObject()) {
            throw wrongType(field, "an object", v);
        }
        return (ObjectNode) v;
    }

    static RelayException wrongType(String field, String expected, JsonNode actual) {
        return RelayException.badRequest("invalid value for \"" + field + "\": expected " + expected
                + ", got " + describe(actual));
    }

    static String describe(JsonNode v) {
        switch (v.getNodeType()) {
            case STRING: return "a string";
            case NUMBER: return "a number";
            case BOOLEAN: return "a boolean";
            case ARRAY: return "an array";
            case OBJECT: return "an object";
            default: return v.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
