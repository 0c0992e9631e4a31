package io.llmrelay.server.endpoint;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.llmrelay.core.api.RelayException;
import io.llmrelay.core.balance.StickyKeys;
import io.llmrelay.core.json.Json;
import io.llmrelay.server.exchange.Exchange;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
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
     * Where the top-level {@code model} of an OpenAI request is: its value and the byte range of the
     * JSON string in the body (from the body's reader index), so that it can be replaced without
     * touching the rest.
     */
    record ModelField(String model, int start, int end) {}

    /**
     * The client's body for a backend that must receive {@code model}: as it came (retained), or with
     * its model's JSON string swapped and the rest shared, not copied. Owned by the caller.
     */
    static ByteBuf bodyFor(Exchange ex, ModelField field, String model) {
        ByteBuf content = ex.request().content();
        if (field == null || model == null || model.equals(field.model())) {
            return content.retainedDuplicate();
        }
        int from = content.readerIndex();
        CompositeByteBuf body = ex.alloc().compositeBuffer(3);
        body.addComponent(true, content.retainedSlice(from, field.start()));
        body.addComponent(true, ByteBufUtil.writeUtf8(ex.alloc(), Json.NODES.textNode(model).toString()));
        body.addComponent(true, content.retainedSlice(from + field.end(), content.readableBytes() - field.end()));
        return body;
    }

    /**
     * The top-level {@code model} of a request (OpenAI's or Ollama's), found by scanning (other values are skipped,
     * not built), or null. The body itself is forwarded untouched, so it is not validated here.
     */
    static ModelField modelField(ByteBuf body) {
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
                    if (value != JsonToken.VALUE_STRING) {
                        return null;
                    }
                    int start = (int) p.currentTokenLocation().getByteOffset();
                    String model = p.getText();
                    p.finishToken();
                    int end = (int) p.currentLocation().getByteOffset();
                    return new ModelField(model, start, end);
                }
                p.skipChildren();
            }
            return null;
        } catch (IOException e) {
            return null; // the backend will say what is wrong with it
        }
    }

    /**
     * The sticky key of an OpenAI request's opening: its system messages and first user message
     * ({@code /v1/chat/completions}), or its prompt ({@code /v1/completions}). 0 when there is none.
     */
    static long openAiPrefixKey(ByteBuf body) {
        JsonNode root;
        try {
            root = Json.parse(body);
        } catch (IOException | RuntimeException e) {
            return StickyKeys.NONE; // the backend will say what is wrong with it
        }
        if (root == null || !root.isObject()) {
            return StickyKeys.NONE;
        }
        JsonNode prompt = root.get("prompt");
        if (prompt != null && prompt.isTextual()) {
            return StickyKeys.prefix(null, prompt.textValue());
        }
        StringBuilder system = new StringBuilder();
        for (JsonNode m : root.path("messages")) {
            String role = m.path("role").asText("");
            if (role.equals("system") || role.equals("developer")) {
                system.append(text(m.get("content")));
            } else if (role.equals("user")) {
                return StickyKeys.prefix(system.toString(), text(m.get("content")));
            }
        }
        return system.length() > 0 ? StickyKeys.prefix(system.toString(), null) : StickyKeys.NONE;
    }

    /** A message's text: a string, or the text of its content parts. */
    private static String text(JsonNode content) {
        if (content == null) {
            return "";
        }
        if (content.isTextual()) {
            return content.textValue();
        }
        StringBuilder out = new StringBuilder();
        for (JsonNode part : content) {
            out.append(part.path("text").asText(""));
        }
        return out.toString();
    }
}
