package io.llmrelay.server.endpoint;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import io.llmrelay.core.metrics.Refusal;
import io.llmrelay.core.translate.RequestSize;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.llmrelay.core.api.RelayException;
import io.llmrelay.core.balance.StickyKeys;
import io.llmrelay.core.json.Json;
import io.llmrelay.core.json.JsonErrors;
import io.llmrelay.server.exchange.Exchange;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.util.concurrent.FastThreadLocal;
import java.io.IOException;
import java.io.InputStream;

/** Reads client request bodies; malformed JSON is a 400 with the parser's own words. */
final class RequestBodies {

    /** Bodies up to this size are scanned from an array of the event loop's own. */
    private static final int SCAN_ARRAY_BYTES = 16 * 1024;

    private static final FastThreadLocal<byte[]> SCAN_ARRAY = new FastThreadLocal<>() {
        @Override
        protected byte[] initialValue() {
            return new byte[SCAN_ARRAY_BYTES];
        }
    };

    private RequestBodies() {}

    /** The body as a JSON tree; an empty body is Ollama's {@code missing request body}. */
    static JsonNode json(ByteBuf body) {
        if (!body.isReadable()) {
            throw RelayException.badRequest("missing request body");
        }
        requireUtf8(body);
        try {
            JsonNode node = Json.parse(body);
            if (node.isMissingNode()) {
                throw RelayException.badRequest("missing request body");
            }
            return node;
        } catch (StreamConstraintsException e) { // deep nesting, a huge string or number: a limit, not a typo
            throw RelayException.refused(400, Refusal.ofJsonConstraint(e.getOriginalMessage()),
                    "request body is beyond the JSON limits: " + JsonErrors.describe(e));
        } catch (JsonProcessingException e) {
            throw RelayException.refused(400, Refusal.INVALID_JSON,
                    "invalid JSON in request body: " + JsonErrors.describe(e));
        } catch (IOException e) {
            throw RelayException.badRequest("unreadable request body: " + e.getMessage());
        }
    }

    /**
     * Refuses a body in UTF-16 or UTF-32, which the parser would otherwise detect and decode: JSON between
     * systems is UTF-8 (RFC 8259), backends expect it, and a body forwarded as bytes is edited at byte
     * offsets that only a UTF-8 parse gives. Told apart as RFC 4627 does: a byte order mark of UTF-16/32,
     * or a zero byte among the first four (no UTF-8 JSON text starts with one).
     */
    private static void requireUtf8(ByteBuf body) {
        int at = body.readerIndex();
        int first = body.getUnsignedByte(at);
        boolean bom = body.readableBytes() >= 2
                && ((first == 0xFE && body.getUnsignedByte(at + 1) == 0xFF)
                        || (first == 0xFF && body.getUnsignedByte(at + 1) == 0xFE));
        boolean zero = false;
        for (int i = 0; i < Math.min(4, body.readableBytes()); i++) {
            zero |= body.getByte(at + i) == 0;
        }
        if (bom || zero) {
            throw RelayException.refused(400, Refusal.INVALID_JSON,
                    "request body is not UTF-8: JSON must be sent as UTF-8 (RFC 8259)");
        }
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
        body.addComponent(true, ByteBufUtil.writeUtf8(ex.alloc(), Json.quote(model)));
        body.addComponent(true, content.retainedSlice(from + field.end(), content.readableBytes() - field.end()));
        return body;
    }

    /**
     * What a body forwarded as bytes holds, as far as the proxy must know: its top-level {@code model}
     * (null when there is none) and how many messages and images it carries.
     */
    record Shape(ModelField model, int messages, int images) {}

    /**
     * Scans a request (OpenAI's or Ollama's) that is forwarded as bytes, without building it: the
     * top-level {@code model}, the {@code messages} (each one's {@code images} and image content parts
     * counted) and a top-level {@code images}. The body is forwarded untouched, so malformed JSON is left
     * for the backend to name (what was found before it is returned); JSON beyond the parser's limits
     * (nesting, string or number length) is refused here.
     *
     * @throws RelayException a 400 refusal for JSON beyond the parser's limits, or not in UTF-8
     */
    static Shape scan(ByteBuf body) {
        if (!body.isReadable()) {
            return new Shape(null, 0, 0);
        }
        requireUtf8(body); // the model's place is a byte offset: a UTF-16 parse has none (it was -1)
        ModelField model = null;
        int messages = 0;
        int images = 0;
        try (JsonParser p = scanner(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return new Shape(null, 0, 0);
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (field.equals("model") && model == null && value == JsonToken.VALUE_STRING) {
                    int start = (int) p.currentTokenLocation().getByteOffset();
                    String name = p.getText();
                    p.finishToken();
                    model = new ModelField(name, start, (int) p.currentLocation().getByteOffset());
                } else if (field.equals("messages") && value == JsonToken.START_ARRAY) {
                    for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY && t != null; t = p.nextToken()) {
                        messages++;
                        if (t == JsonToken.START_OBJECT) {
                            images += imagesOfMessage(p);
                        } else {
                            p.skipChildren();
                        }
                    }
                } else if (field.equals("images") && value == JsonToken.START_ARRAY) {
                    images += elements(p);
                } else {
                    p.skipChildren();
                }
            }
            return new Shape(model, messages, images);
        } catch (StreamConstraintsException e) {
            throw RelayException.refused(400, Refusal.ofJsonConstraint(e.getOriginalMessage()),
                    "request body is beyond the JSON limits: " + JsonErrors.describe(e));
        } catch (IOException e) {
            return new Shape(model, messages, images); // the backend will say what is wrong with it
        }
    }

    /**
     * A parser over the body from its reader index: a usual body (a chat's few kilobytes) copied into
     * this thread's array, which spares the parser a stream to read and a buffer to borrow and fill;
     * a larger one (images) through a stream, in the parser's own buffer. Byte offsets count from the
     * reader index either way.
     */
    private static JsonParser scanner(ByteBuf body) throws IOException {
        int n = body.readableBytes();
        if (n > SCAN_ARRAY_BYTES) {
            return Json.FACTORY.createParser((InputStream) new ByteBufInputStream(body.duplicate()));
        }
        byte[] bytes = SCAN_ARRAY.get();
        body.getBytes(body.readerIndex(), bytes, 0, n);
        return Json.FACTORY.createParser(bytes, 0, n);
    }

    /** Images of the message whose object the parser has just opened, read to its end. */
    private static int imagesOfMessage(JsonParser p) throws IOException {
        int images = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if (field.equals("images") && value == JsonToken.START_ARRAY) {
                images += elements(p);
            } else if (field.equals("content") && value == JsonToken.START_ARRAY) {
                for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY && t != null; t = p.nextToken()) {
                    if (t == JsonToken.START_OBJECT && isImagePart(p)) {
                        images++;
                    }
                }
            } else {
                p.skipChildren();
            }
        }
        return images;
    }

    /** Whether the content part just opened is an image, read to its end. */
    private static boolean isImagePart(JsonParser p) throws IOException {
        boolean image = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if (field.equals("type") && value == JsonToken.VALUE_STRING) {
                image = RequestSize.isImagePart(p.getText());
            } else {
                p.skipChildren();
            }
        }
        return image;
    }

    /** The elements of the array just opened, each skipped. */
    private static int elements(JsonParser p) throws IOException {
        int n = 0;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY && t != null; t = p.nextToken()) {
            n++;
            p.skipChildren();
        }
        return n;
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
        if (!root.isObject()) {
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
