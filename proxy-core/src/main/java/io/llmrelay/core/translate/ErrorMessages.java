package io.llmrelay.core.translate;

import com.fasterxml.jackson.databind.JsonNode;

/** Finds the human message in the many error bodies OpenAI-compatible servers send. */
public final class ErrorMessages {

    private ErrorMessages() {}

    /**
     * The message of an error body: OpenAI {@code {"error":{"message"}}}, {@code {"error":"..."}},
     * vLLM's older {@code {"object":"error","message"}}, FastAPI's {@code {"detail"}}; else null.
     */
    public static String fromBody(JsonNode body) {
        if (body == null || !body.isObject()) {
            return null;
        }
        JsonNode error = body.get("error");
        if (error != null && !error.isNull()) {
            return fromErrorMember(error);
        }
        for (String field : new String[] {"message", "detail"}) {
            JsonNode v = body.get(field);
            if (v != null && v.isTextual() && !v.textValue().isBlank()) {
                return v.textValue();
            }
            if (v != null && (v.isArray() || v.isObject())) {
                return v.toString(); // FastAPI validation details
            }
        }
        return null;
    }

    /** {@code s} cut to 200 characters for an error message (a backend's or client's text can be any size). */
    static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }

    /** The message inside an {@code error} member, which may be a string or an object. */
    static String fromErrorMember(JsonNode error) {
        if (error.isTextual()) {
            return error.textValue();
        }
        JsonNode message = error.get("message");
        if (message != null && message.isTextual() && !message.textValue().isBlank()) {
            return message.textValue();
        }
        return error.toString();
    }
}
