package io.llmrelay.core.translate;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.llmrelay.core.api.Clocks;
import io.llmrelay.core.api.ExchangeTimes;
import io.llmrelay.core.api.RelayException;
import io.llmrelay.core.json.Json;
import io.llmrelay.core.json.IncrementalJsonReader;
import io.llmrelay.core.stream.FramingException;
import io.llmrelay.core.stream.SseFramer;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Turns a backend's OpenAI chat or completions stream into an Ollama chat or generate answer:
 * NDJSON chunks, one per token event, when the client streams; one merged JSON object when it does
 * not. Tool-call fragments are accumulated and emitted whole; the final {@code done:true} chunk
 * carries {@code done_reason} and the six metrics, timed by the proxy and counted by the backend.
 *
 * <p>A backend that answers with one JSON completion instead of a stream is understood too.
 */
public final class OllamaAnswerTranslator implements BodyTranslator, SseFramer.Listener {

    private static final byte[] DONE_SENTINEL = "[DONE]".getBytes(StandardCharsets.US_ASCII);
    private static final long MAX_JSON_BODY = 64L * 1024 * 1024;

    private final boolean stream;
    private final ExchangeTimes times;
    private final Clocks clocks;
    private final OllamaChunkWriter writer;
    private final SseFramer framer;
    private final ChatDelta delta = new ChatDelta();
    private final OpenAiChunkDecoder decoder = new OpenAiChunkDecoder();
    private final ToolCallAccumulator toolCalls = new ToolCallAccumulator();

    private IncrementalJsonReader wholeBody; // set when the backend did not stream
    private Output output;                   // the output of the feed in progress
    private String finishReason;
    private long promptTokens = -1;
    private long completionTokens = -1;
    private long outputEvents;
    // only used when merging a non-streamed answer
    private StringBuilder content;
    private StringBuilder thinking;
    private ArrayNode logprobs;

    public OllamaAnswerTranslator(InferenceRequest request, ExchangeTimes times, Clocks clocks, int maxEventBytes) {
        this.stream = request.stream();
        this.times = times;
        this.clocks = clocks;
        this.writer = new OllamaChunkWriter(request.model(), request.generateShape(), clocks);
        this.framer = new SseFramer(maxEventBytes);
    }

    @Override
    public String contentType() {
        return stream ? ContentTypes.NDJSON : ContentTypes.JSON;
    }

    @Override
    public boolean streaming() {
        return stream;
    }

    @Override
    public long promptTokens() {
        return promptTokens;
    }

    @Override
    public long completionTokens() {
        return completionTokens;
    }

    @Override
    public void onHead(String backendContentType) {
        String type = backendContentType == null ? "" : backendContentType.toLowerCase(java.util.Locale.ROOT);
        if (type.contains("json")) {
            wholeBody = new IncrementalJsonReader(MAX_JSON_BODY);
        } else if (!type.isEmpty() && !type.startsWith("text/event-stream")) {
            // an HTML page from a gateway, plain text: nothing here is an answer to translate
            throw new RelayException(502, "backend answered with Content-Type " + backendContentType
                    + ", not an event stream or JSON");
        }
    }

    @Override
    public void onContent(ByteBuf piece, Output out) {
        try {
            if (wholeBody != null) {
                wholeBody.feed(piece);
                return;
            }
            output = out;
            framer.feed(piece, this);
        } catch (IOException | FramingException e) {
            throw new RelayException(502, "backend sent an unreadable response: " + e.getMessage());
        } finally {
            output = null;
        }
    }

    @Override
    public void onEnd(Output out) {
        try {
            output = out;
            if (wholeBody != null) {
                byte[] json = Json.MAPPER.writeValueAsBytes(wholeBody.finish());
                onEvent(null, json, json.length);
            } else {
                framer.finish(this);
            }
            finish(out);
        } catch (IOException | FramingException e) {
            throw new RelayException(502, "backend sent an unreadable response: " + e.getMessage());
        } finally {
            output = null;
        }
    }

    @Override
    public void onEvent(String eventType, byte[] data, int length) {
        int end = length;
        while (end > 0 && (data[end - 1] == ' ' || data[end - 1] == '\t')) {
            end--;
        }
        if (end == 0 || end == DONE_SENTINEL.length && startsWith(data, DONE_SENTINEL)) {
            return; // an empty event (a keep-alive) or the end marker: nothing to translate
        }
        try {
            decoder.decode(data, 0, length, delta);
        } catch (IOException e) {
            if ("error".equals(eventType)) { // some servers put a plain-text message in an error event
                throw new RelayException(502, "backend error: " + new String(data, 0, length, StandardCharsets.UTF_8));
            }
            throw new RelayException(502, "backend sent an invalid stream event: " + e.getMessage());
        }
        if (delta.error != null || "error".equals(eventType)) {
            throw new RelayException(502, "backend error: "
                    + (delta.error != null ? delta.error : new String(data, 0, length, StandardCharsets.UTF_8)));
        }
        if (delta.promptTokens >= 0) {
            promptTokens = delta.promptTokens;
        }
        if (delta.completionTokens >= 0) {
            completionTokens = delta.completionTokens;
        }
        if (delta.finishReason != null) {
            finishReason = delta.finishReason;
        }
        if (!delta.hasOutput()) {
            return;
        }
        times.tokenAt(clocks.nanoTime());
        outputEvents++;
        for (ChatDelta.ToolFragment fragment : delta.toolFragments) {
            toolCalls.add(fragment);
        }
        boolean visible = notEmpty(delta.content) || notEmpty(delta.thinking) || delta.logprobs != null;
        if (!visible) {
            return;
        }
        if (stream) {
            ByteBuf line = output.alloc().buffer(128 + length);
            writer.write(line, delta.content, delta.thinking, delta.logprobs, null, null, null);
            output.write(line.writeByte('\n'));
        } else {
            merge();
        }
    }

    private void merge() {
        if (notEmpty(delta.content)) {
            (content == null ? content = new StringBuilder() : content).append(delta.content);
        }
        if (notEmpty(delta.thinking)) {
            (thinking == null ? thinking = new StringBuilder() : thinking).append(delta.thinking);
        }
        if (delta.logprobs != null) {
            (logprobs == null ? logprobs = Json.NODES.arrayNode() : logprobs).addAll(delta.logprobs);
        }
    }

    /** Tool calls (whole) and then the final chunk; or, merged, the one answer object. */
    private void finish(Output out) {
        ArrayNode calls = toolCalls.isEmpty() ? null : toolCalls.toOllama();
        OllamaChunkWriter.Metrics metrics = metrics();
        // Ollama has no "tool_calls" reason: only length is kept, everything else is a stop
        String doneReason = "length".equals(finishReason) ? "length" : "stop";
        if (stream) {
            if (calls != null) {
                ByteBuf line = out.alloc().buffer(256);
                writer.write(line, null, null, null, calls, null, null);
                out.write(line.writeByte('\n'));
            }
            ByteBuf last = out.alloc().buffer(320);
            writer.write(last, null, null, null, null, doneReason, metrics);
            out.write(last.writeByte('\n'));
        } else {
            ByteBuf whole = out.alloc().buffer(320 + (content == null ? 0 : content.length() * 2));
            writer.write(whole, content == null ? null : content.toString(),
                    thinking == null ? null : thinking.toString(), logprobs, calls, doneReason, metrics);
            out.write(whole);
        }
    }

    private OllamaChunkWriter.Metrics metrics() {
        long now = clocks.nanoTime();
        long sent = times.upstreamSent == 0 ? times.start : times.upstreamSent;
        long firstToken = times.firstToken == 0 ? now : times.firstToken;
        return new OllamaChunkWriter.Metrics(
                now - times.start,
                sent - times.start,
                Math.max(promptTokens, 0),
                firstToken - sent,
                completionTokens >= 0 ? completionTokens : outputEvents, // no usage: one event ≈ one token
                now - firstToken);
    }

    private static boolean notEmpty(String s) {
        return s != null && !s.isEmpty();
    }

    private static boolean startsWith(byte[] data, byte[] prefix) {
        for (int i = 0; i < prefix.length; i++) {
            if (data[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** Gives back what a whole (not streamed) body held of the process's budget, however the answer ended. */
    @Override
    public void close() {
        if (wholeBody != null) {
            wholeBody.release();
        }
    }
}
