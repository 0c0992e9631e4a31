package io.llmrelay.core.translate;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.llmrelay.core.api.Clocks;
import io.llmrelay.core.api.Rfc3339;
import io.llmrelay.core.json.Json;
import io.llmrelay.core.json.ReusedGenerator;
import io.netty.buffer.ByteBuf;
import java.io.IOException;

/**
 * Writes Ollama chat and generate answers: the same fields in the same order as the Ollama server,
 * {@code message} for chat and {@code response} for generate, metrics only on the final chunk, and
 * never an {@code error} key. One instance per answer.
 */
final class OllamaChunkWriter {

    /** The six metrics of a final chunk; durations in nanoseconds. */
    record Metrics(long totalDuration, long loadDuration, long promptEvalCount, long promptEvalDuration,
            long evalCount, long evalDuration) {}

    private static final SerializedString MODEL = new SerializedString("model");
    private static final SerializedString CREATED_AT = new SerializedString("created_at");
    private static final SerializedString RESPONSE = new SerializedString("response");
    private static final SerializedString MESSAGE = new SerializedString("message");
    private static final SerializedString ROLE = new SerializedString("role");
    private static final SerializedString ASSISTANT = new SerializedString("assistant");
    private static final SerializedString CONTENT = new SerializedString("content");
    private static final SerializedString DONE = new SerializedString("done");

    // A token line, the one written per event, as raw bytes around its timestamp and its text:
    // {"model":"m","created_at":"  <stamp>  ","message":{"role":"assistant","content":  <text>  },"done":false}
    private static final SerializedString CHAT_TOKEN_MIDDLE =
            new SerializedString("\",\"message\":{\"role\":\"assistant\",\"content\":");
    private static final SerializedString CHAT_TOKEN_END = new SerializedString("},\"done\":false}");
    private static final SerializedString GENERATE_TOKEN_MIDDLE = new SerializedString("\",\"response\":");
    private static final SerializedString GENERATE_TOKEN_END = new SerializedString(",\"done\":false}");

    private final SerializedString model; // quoted once per answer, written on every chunk
    private final SerializedString tokenStart;
    private final boolean generateShape;
    private final Clocks clocks;
    private final Rfc3339 timestamps = new Rfc3339();
    private final char[] timestamp = new char[Rfc3339.MAX_LENGTH];

    OllamaChunkWriter(String model, boolean generateShape, Clocks clocks) {
        this.model = new SerializedString(model);
        this.tokenStart = new SerializedString("{\"model\":\"" + new String(this.model.asQuotedChars())
                + "\",\"created_at\":\"");
        this.generateShape = generateShape;
        this.clocks = clocks;
    }

    /**
     * Appends a token line: {@code content} alone, {@code done:false}. The same bytes as {@link #write}
     * with only content, its constant parts copied whole instead of built field by field.
     */
    void writeToken(ByteBuf out, String content) {
        try {
            JsonGenerator g = ReusedGenerator.start(out);
            g.writeRaw(tokenStart);
            g.writeRaw(timestamp, 0, stamp());
            g.writeRaw(generateShape ? GENERATE_TOKEN_MIDDLE : CHAT_TOKEN_MIDDLE);
            g.writeString(content);
            g.writeRaw(generateShape ? GENERATE_TOKEN_END : CHAT_TOKEN_END);
            ReusedGenerator.finish();
        } catch (IOException | RuntimeException e) {
            throw ReusedGenerator.abandoned(e);
        }
    }

    /**
     * Appends one answer object to {@code out}. {@code doneReason} null means a {@code done:false}
     * chunk; metrics may be null on a final chunk (load and unload answers carry none).
     */
    void write(ByteBuf out, String content, String thinking, ArrayNode logprobs, ArrayNode toolCalls,
            String doneReason, Metrics metrics) {
        try {
            JsonGenerator g = ReusedGenerator.start(out);
            g.writeStartObject();
            g.writeFieldName(MODEL);
            g.writeString(model);
            g.writeFieldName(CREATED_AT);
            g.writeString(timestamp, 0, stamp());
            if (generateShape) {
                g.writeFieldName(RESPONSE);
                g.writeString(content == null ? "" : content);
                writeOptionalString(g, "thinking", thinking);
                writeOptionalArray(g, "tool_calls", toolCalls);
            } else {
                g.writeFieldName(MESSAGE);
                g.writeStartObject();
                g.writeFieldName(ROLE);
                g.writeString(ASSISTANT);
                g.writeFieldName(CONTENT);
                g.writeString(content == null ? "" : content);
                writeOptionalString(g, "thinking", thinking);
                writeOptionalArray(g, "tool_calls", toolCalls);
                g.writeEndObject();
            }
            writeOptionalArray(g, "logprobs", logprobs);
            g.writeFieldName(DONE);
            g.writeBoolean(doneReason != null);
            if (doneReason != null) {
                g.writeStringField("done_reason", doneReason);
                if (metrics != null) {
                    g.writeNumberField("total_duration", metrics.totalDuration);
                    g.writeNumberField("load_duration", metrics.loadDuration);
                    g.writeNumberField("prompt_eval_count", metrics.promptEvalCount);
                    g.writeNumberField("prompt_eval_duration", metrics.promptEvalDuration);
                    g.writeNumberField("eval_count", metrics.evalCount);
                    g.writeNumberField("eval_duration", metrics.evalDuration);
                }
            }
            g.writeEndObject();
            ReusedGenerator.finish();
        } catch (IOException | RuntimeException e) {
            throw ReusedGenerator.abandoned(e);
        }
    }

    /** Now, as Ollama stamps a chunk, into {@link #timestamp}; returns its length. */
    private int stamp() {
        return timestamps.utc(clocks.wall().instant(), timestamp);
    }

    private static void writeOptionalString(JsonGenerator g, String field, String value) throws IOException {
        if (value != null && !value.isEmpty()) {
            g.writeStringField(field, value);
        }
    }

    private static void writeOptionalArray(JsonGenerator g, String field, ArrayNode value) throws IOException {
        if (value != null && !value.isEmpty()) {
            g.writeFieldName(field);
            Json.writeTree(g, value);
        }
    }
}
