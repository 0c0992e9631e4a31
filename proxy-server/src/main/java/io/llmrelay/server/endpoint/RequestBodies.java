package io.llmrelay.server.endpoint;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.llmrelay.core.api.RelayException;
import io.llmrelay.core.json.Json;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Reads client request bodies; malformed JSON is a 400 with the parser's own words. */
final class RequestBodies {

    private RequestBodies() {}

    /** The body as a JSON tree; an empty body is Ollama's {@code missing request body}. */
    static JsonNode json(ByteBuf body) {
        if (!body.isReadable()) {
            throw RelayException.badRequest("missing request body");
        }
        try {
            JsonNode node = Json.parse(body);
            if (node == null || node.isMissingNode()) {
                throw RelayException.badRequest("missing request body");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw RelayException.badRequest("invalid JSON in request body: " + describe(e));
        } catch (IOException e) {
            throw RelayException.badRequest("unreadable request body: " + e.getMessage());
        }
    }

    /**
     * The parser's words without its internals ("[Source: REDACTED ...]" markers), with the place
     * in the body where it stopped.
     */
    static String describe(JsonProcessingException e) {
        String message = e.getOriginalMessage();
        int marker = message.indexOf(" (start marker at ");
        if (marker >= 0) {
            message = message.substring(0, marker);
        }
        JsonLocation at = e.getLocation();
        return at == null || at.getLineNr() < 1 ? message
                : message + " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
    }

    /**
     * The top-level {@code model} of an OpenAI request, found by scanning (other values are skipped,
     * not built), or null. The body itself is forwarded untouched, so it is not validated here.
     */
    static String openAiModel(ByteBuf body) {
        if (!body.isReadable()) {
            return null;
        }
        try (InputStream in = new ByteBufInputStream(body.duplicate());
                JsonParser p = Json.FACTORY.createParser(in)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (field.equals("model")) {
                    return value == JsonToken.VALUE_STRING ? p.getText() : null;
                }
                p.skipChildren();
            }
            return null;
        } catch (IOException e) {
            return null; // the backend will say what is wrong with it
        }
    }
}
