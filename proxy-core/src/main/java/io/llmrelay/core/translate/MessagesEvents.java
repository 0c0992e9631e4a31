package io.llmrelay.core.translate;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.llmrelay.core.json.Json;
import io.llmrelay.core.json.ReusedGenerator;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Writes the events of a streamed Anthropic Messages answer, each as {@code event: <type>} and one
 * {@code data:} line whose JSON carries the same {@code type} (the SDKs skip an event without its
 * {@code event:} line), and the message object itself. Stateless; JSON through the thread's
 * {@link ReusedGenerator}.
 */
final class MessagesEvents {

    /** What a content block holds: each {@link OutputSequence.Part} by Anthropic's names. */
    enum Kind {
        TEXT("text", "text_delta", "text"),
        THINKING("thinking", "thinking_delta", "thinking"),
        TOOL_USE("tool_use", "input_json_delta", "partial_json");

        static Kind of(OutputSequence.Part part) {
            switch (part) {
                case THINKING:
                    return THINKING;
                case TEXT:
                    return TEXT;
                default:
                    return TOOL_USE;
            }
        }

        final String type;
        final String deltaType;
        final String deltaField;

        Kind(String type, String deltaType, String deltaField) {
            this.type = type;
            this.deltaType = deltaType;
            this.deltaField = deltaField;
        }
    }

    private static final byte[] MESSAGE_START = head("message_start");
    private static final byte[] PING = "event: ping\ndata: {\"type\":\"ping\"}\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BLOCK_START = head("content_block_start");
    private static final byte[] BLOCK_DELTA = head("content_block_delta");
    private static final byte[] BLOCK_STOP = head("content_block_stop");
    private static final byte[] MESSAGE_DELTA = head("message_delta");
    private static final byte[] MESSAGE_STOP =
            "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = {'\n', '\n'};

    private MessagesEvents() {}

    private static byte[] head(String type) {
        return ("event: " + type + "\ndata: ").getBytes(StandardCharsets.US_ASCII);
    }

    /** {@code message_start}: the message without content; its input tokens are not known yet (0). */
    static void messageStart(ByteBuf out, String id, String model) {
        JsonGenerator g = begin(out, MESSAGE_START);
        try {
            g.writeStartObject();
            g.writeStringField("type", "message_start");
            g.writeFieldName("message");
            g.writeStartObject();
            messageHead(g, id, model);
            g.writeArrayFieldStart("content");
            g.writeEndArray();
            g.writeNullField("stop_reason");
            g.writeNullField("stop_sequence");
            g.writeObjectFieldStart("usage");
            g.writeNumberField("input_tokens", 0);
            g.writeNumberField("output_tokens", 0);
            g.writeEndObject();
            g.writeEndObject();
            g.writeEndObject();
            end(out);
        } catch (IOException | RuntimeException e) {
            throw ReusedGenerator.abandoned(e);
        }
    }

    static void ping(ByteBuf out) {
        out.writeBytes(PING);
    }

    /** {@code content_block_start} with the block empty: text {@code ""}, thinking {@code ""} (signature {@code ""}), tool_use input {@code {}}. */
    static void blockStart(ByteBuf out, int index, Kind kind, String toolId, String toolName) {
        JsonGenerator g = begin(out, BLOCK_START);
        try {
            g.writeStartObject();
            g.writeStringField("type", "content_block_start");
            g.writeNumberField("index", index);
            g.writeFieldName("content_block");
            emptyBlock(g, kind, toolId, toolName);
            g.writeEndObject();
            end(out);
        } catch (IOException | RuntimeException e) {
            throw ReusedGenerator.abandoned(e);
        }
    }

    /** {@code content_block_delta} of the block's own kind: text, thinking, or a piece of the tool input's JSON. */
    static void blockDelta(ByteBuf out, int index, Kind kind, CharSequence text, int from, int to) {
        JsonGenerator g = begin(out, BLOCK_DELTA);
        try {
            g.writeStartObject();
            g.writeStringField("type", "content_block_delta");
            g.writeNumberField("index", index);
            g.writeObjectFieldStart("delta");
            g.writeStringField("type", kind.deltaType);
            g.writeFieldName(kind.deltaField);
            if (text instanceof String s && from == 0 && to == s.length()) {
                g.writeString(s);
            } else {
                g.writeString(text.subSequence(from, to).toString());
            }
            g.writeEndObject();
            g.writeEndObject();
            end(out);
        } catch (IOException | RuntimeException e) {
            throw ReusedGenerator.abandoned(e);
        }
    }

    static void blockStop(ByteBuf out, int index) {
        out.writeBytes(BLOCK_STOP);
        out.writeBytes(("{\"type\":\"content_block_stop\",\"index\":" + index + "}").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(END);
    }

    /**
     * {@code message_delta}: why the answer stopped, and the usage; {@code input_tokens} left out when
     * the backend did not count them (the SDKs then keep the 0 of {@code message_start}).
     */
    static void messageDelta(ByteBuf out, String stopReason, String stopSequence, long inputTokens, long outputTokens) {
        JsonGenerator g = begin(out, MESSAGE_DELTA);
        try {
            g.writeStartObject();
            g.writeStringField("type", "message_delta");
            g.writeObjectFieldStart("delta");
            g.writeStringField("stop_reason", stopReason);
            nullableString(g, "stop_sequence", stopSequence);
            g.writeEndObject();
            g.writeObjectFieldStart("usage");
            if (inputTokens >= 0) {
                g.writeNumberField("input_tokens", inputTokens);
            }
            g.writeNumberField("output_tokens", outputTokens);
            g.writeEndObject();
            g.writeEndObject();
            end(out);
        } catch (IOException | RuntimeException e) {
            throw ReusedGenerator.abandoned(e);
        }
    }

    static void messageStop(ByteBuf out) {
        out.writeBytes(MESSAGE_STOP);
    }

    /** The whole answer of a request that did not stream: blocks thinking, text, then tool_use, each only when present. */
    static void message(ByteBuf out, String id, String model, String thinking, String text,
            ArrayNode toolCalls, String stopReason, String stopSequence,
            long inputTokens, long outputTokens) {
        try {
            JsonGenerator g = ReusedGenerator.start(out);
            g.writeStartObject();
            messageHead(g, id, model);
            g.writeArrayFieldStart("content");
            if (thinking != null) {
                g.writeStartObject();
                g.writeStringField("type", "thinking");
                g.writeStringField("thinking", thinking);
                g.writeStringField("signature", "");
                g.writeEndObject();
            }
            if (text != null) {
                g.writeStartObject();
                g.writeStringField("type", "text");
                g.writeStringField("text", text);
                g.writeEndObject();
            }
            if (toolCalls != null) {
                for (JsonNode call : toolCalls) {
                    g.writeStartObject();
                    g.writeStringField("type", "tool_use");
                    g.writeStringField("id", call.get("id").textValue());
                    g.writeStringField("name", call.path("function").get("name").textValue());
                    g.writeFieldName("input");
                    Json.writeTree(g, call.path("function").get("arguments"));
                    g.writeEndObject();
                }
            }
            g.writeEndArray();
            g.writeStringField("stop_reason", stopReason);
            nullableString(g, "stop_sequence", stopSequence);
            g.writeObjectFieldStart("usage");
            g.writeNumberField("input_tokens", Math.max(inputTokens, 0));
            g.writeNumberField("output_tokens", outputTokens);
            g.writeEndObject();
            g.writeEndObject();
            ReusedGenerator.finish();
        } catch (IOException | RuntimeException e) {
            throw ReusedGenerator.abandoned(e);
        }
    }

    private static void messageHead(JsonGenerator g, String id, String model) throws IOException {
        g.writeStringField("id", id);
        g.writeStringField("type", "message");
        g.writeStringField("role", "assistant");
        g.writeStringField("model", model);
    }

    private static void emptyBlock(JsonGenerator g, Kind kind, String toolId, String toolName) throws IOException {
        g.writeStartObject();
        g.writeStringField("type", kind.type);
        switch (kind) {
            case TEXT:
                g.writeStringField("text", "");
                break;
            case THINKING:
                g.writeStringField("thinking", "");
                g.writeStringField("signature", "");
                break;
            default:
                g.writeStringField("id", toolId);
                g.writeStringField("name", toolName);
                g.writeObjectFieldStart("input");
                g.writeEndObject();
                break;
        }
        g.writeEndObject();
    }

    private static void nullableString(JsonGenerator g, String field, String value) throws IOException {
        if (value == null) {
            g.writeNullField(field);
        } else {
            g.writeStringField(field, value);
        }
    }

    private static JsonGenerator begin(ByteBuf out, byte[] head) {
        out.writeBytes(head);
        try {
            return ReusedGenerator.start(out);
        } catch (IOException e) {
            throw ReusedGenerator.abandoned(e);
        }
    }

    private static void end(ByteBuf out) throws IOException {
        ReusedGenerator.finish();
        out.writeBytes(END);
    }

}
