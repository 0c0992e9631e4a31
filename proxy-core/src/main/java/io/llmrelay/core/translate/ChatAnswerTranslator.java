package io.llmrelay.core.translate;

import io.llmrelay.core.api.Clocks;
import io.llmrelay.core.api.ExchangeTimes;
import io.llmrelay.core.api.RelayException;
import io.llmrelay.core.json.IncrementalJsonReader;
import io.llmrelay.core.json.Json;
import io.llmrelay.core.stream.FramingException;
import io.llmrelay.core.stream.SseFramer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Reads a backend's OpenAI chat or completions answer — an SSE stream, or one JSON completion from a
 * backend that did not stream — event by event, and hands each event's output to an
 * {@link AnswerWriter} that writes it in the client's API. The one reading path every translated
 * chat answer takes; the writers differ only in what they write.
 */
public final class ChatAnswerTranslator implements BodyTranslator, SseFramer.Listener {

    private static final byte[] DONE_SENTINEL = "[DONE]".getBytes(StandardCharsets.US_ASCII);
    private static final long MAX_JSON_BODY = 64L * 1024 * 1024;

    private final AnswerWriter writer;
    private final ExchangeTimes times;
    private final Clocks clocks;
    private final SseFramer framer;
    private final ChatDelta delta = new ChatDelta();
    private final OpenAiChunkDecoder decoder = new OpenAiChunkDecoder();

    private IncrementalJsonReader wholeBody; // set when the backend did not stream
    private Output output;                   // the output of the feed in progress
    private String finishReason;
    private String stopSequence;
    private long promptTokens = -1;
    private long completionTokens = -1;
    private long outputEvents;

    private ChatAnswerTranslator(AnswerWriter writer, ExchangeTimes times, Clocks clocks, int maxEventBytes) {
        this.writer = writer;
        this.times = times;
        this.clocks = clocks;
        this.framer = new SseFramer(maxEventBytes);
    }

    /** An OpenAI Responses answer: typed SSE events when the client streams, one {@code response} object when not. */
    public static ChatAnswerTranslator responses(ResponsesRequest request, ExchangeTimes times, Clocks clocks,
            int maxEventBytes) {
        return responses(request, ResponsesAnswerWriter.newIdBase(), times, clocks, maxEventBytes);
    }

    /** As {@link #responses(ResponsesRequest, ExchangeTimes, Clocks, int)}, with the ids' unique part given. */
    static ChatAnswerTranslator responses(ResponsesRequest request, String idBase, ExchangeTimes times, Clocks clocks,
            int maxEventBytes) {
        return new ChatAnswerTranslator(new ResponsesAnswerWriter(request, idBase, clocks), times, clocks,
                maxEventBytes);
    }

    /** An Ollama chat or generate answer: NDJSON chunks when the client streams, one merged object when not. */
    public static ChatAnswerTranslator ollama(InferenceRequest request, ExchangeTimes times, Clocks clocks,
            int maxEventBytes) {
        return new ChatAnswerTranslator(new OllamaAnswerWriter(request, times, clocks), times, clocks, maxEventBytes);
    }

    /**
     * An Anthropic Messages answer: its typed SSE events when the client streams, one message object
     * when not; a new {@code msg_…} id.
     */
    public static ChatAnswerTranslator messages(InferenceRequest request, ExchangeTimes times, Clocks clocks,
            int maxEventBytes) {
        return messages(request, MessagesAnswerWriter.newId(), times, clocks, maxEventBytes);
    }

    /** As {@link #messages(InferenceRequest, ExchangeTimes, Clocks, int)} with a given message id (tests, benchmarks). */
    static ChatAnswerTranslator messages(InferenceRequest request, String id, ExchangeTimes times, Clocks clocks,
            int maxEventBytes) {
        return new ChatAnswerTranslator(new MessagesAnswerWriter(request, id), times, clocks, maxEventBytes);
    }

    @Override
    public String contentType() {
        return writer.contentType();
    }

    @Override
    public boolean streaming() {
        return writer.streaming();
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
    public ByteBuf streamFailure(ByteBufAllocator alloc, int status, String message) {
        return writer.streamFailure(alloc, status, message);
    }

    @Override
    public void onHead(String backendContentType) {
        String type = backendContentType == null ? "" : backendContentType.toLowerCase(Locale.ROOT);
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
            throw unreadable(e);
        } finally {
            output = null;
        }
    }

    @Override
    public void onEnd(Output out) {
        try {
            output = out;
            if (wholeBody != null) {
                byte[] json = Json.writeBytes(wholeBody.finish());
                onEvent(null, json, json.length);
            } else {
                framer.finish(this);
            }
            writer.end(new AnswerSummary(finishReason, stopSequence, promptTokens, completionTokens, outputEvents),
                    out);
        } catch (IOException | FramingException e) {
            throw unreadable(e);
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
        if (delta.stopSequence != null) {
            stopSequence = delta.stopSequence;
        }
        if (!delta.hasOutput()) {
            return;
        }
        times.tokenAt(clocks.nanoTime());
        outputEvents++;
        writer.delta(delta, output);
    }

    private static RelayException unreadable(Exception e) {
        return new RelayException(502, "backend sent an unreadable response: " + e.getMessage());
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
