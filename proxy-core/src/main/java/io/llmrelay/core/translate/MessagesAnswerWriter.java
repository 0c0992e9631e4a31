package io.llmrelay.core.translate;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.llmrelay.core.translate.MessagesEvents.Kind;
import io.llmrelay.core.translate.OutputSequence.Part;
import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes an Anthropic Messages answer. Streaming: {@code message_start} and a {@code ping} with the
 * first output, the content blocks as they come (numbered and ordered by {@link OutputSequence}), then
 * {@code message_delta}
 * (stop reason, usage) and {@code message_stop}. Not streaming: one message whose content is the
 * thinking, the text, then the tool calls with their input parsed to objects. The message is
 * {@code msg_…} (new per answer) and names the model as the client did.
 */
final class MessagesAnswerWriter implements AnswerWriter, OutputSequence.Sink {

    private static final char[] ID_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();

    private final String id;
    private final String model;
    private final boolean stream;
    private final List<?> stopSequences;
    /** every fragment, for the arguments' check at the end (and the tool calls of a whole answer) */
    private final ToolCallAccumulator toolCalls = new ToolCallAccumulator();
    private final OutputSequence blocks;
    private int blockIndex = -1; // the open (or last) block's index
    private ByteBuf events;      // where the blocks' events go during a delta or the end
    private boolean begun;
    // only used when the answer is one message
    private StringBuilder thinking;
    private StringBuilder text;

    MessagesAnswerWriter(InferenceRequest request, String id) {
        this.id = id;
        this.model = request.model();
        this.stream = request.stream();
        Object stop = request.options().get(SamplingOption.STOP);
        this.stopSequences = stop == null ? List.of() : (List<?>) stop;
        this.blocks = stream ? new OutputSequence(toolCalls, this) : null;
    }

    /** A new message id: {@code msg_} and 24 random letters and digits, as Anthropic's look. */
    static String newId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        char[] id = new char[4 + 24];
        "msg_".getChars(0, 4, id, 0);
        for (int i = 4; i < id.length; i++) {
            id[i] = ID_CHARS[random.nextInt(ID_CHARS.length)];
        }
        return new String(id);
    }

    @Override
    public String contentType() {
        return stream ? ContentTypes.SSE : ContentTypes.JSON;
    }

    @Override
    public boolean streaming() {
        return stream;
    }

    @Override
    public void delta(ChatDelta delta, BodyTranslator.Output out) {
        if (!stream) {
            for (ChatDelta.ToolFragment fragment : delta.toolFragments) {
                toolCalls.add(fragment);
            }
            merge(delta);
            return;
        }
        ByteBuf written = LineBuffer.take();
        events = written;
        try {
            begin(written);
            if (notEmpty(delta.thinking)) {
                blocks.text(Part.THINKING, delta.thinking);
            }
            if (notEmpty(delta.content)) {
                blocks.text(Part.TEXT, delta.content);
            }
            for (ChatDelta.ToolFragment fragment : delta.toolFragments) {
                blocks.fragment(fragment); // collected into toolCalls too
            }
        } finally {
            events = null;
        }
        if (written.isReadable()) { // else a fragment kept for later
            out.writeCopy(written);
        }
    }

    @Override
    public void open(Part part, ToolCallAccumulator.Call call) {
        blockIndex++;
        if (call == null) {
            MessagesEvents.blockStart(events, blockIndex, Kind.of(part), null, null);
        } else {
            String id = call.id() != null ? call.id() : ToolCallIds.stable(-1, call.index, call.name());
            MessagesEvents.blockStart(events, blockIndex, Kind.TOOL_USE, id, call.name());
        }
    }

    @Override
    public void append(Part part, CharSequence text, int from, int to) {
        MessagesEvents.blockDelta(events, blockIndex, Kind.of(part), text, from, to);
    }

    @Override
    public void close(Part part) {
        MessagesEvents.blockStop(events, blockIndex);
    }

    private void merge(ChatDelta delta) {
        if (notEmpty(delta.thinking)) {
            (thinking == null ? thinking = new StringBuilder() : thinking).append(delta.thinking);
        }
        if (notEmpty(delta.content)) {
            (text == null ? text = new StringBuilder() : text).append(delta.content);
        }
    }

    @Override
    public void end(AnswerSummary summary, BodyTranslator.Output out) {
        // arguments that are not a JSON object fail the answer (502) before its end is written
        ArrayNode calls = toolCalls.isEmpty() ? null : toolCalls.toOllama();
        String stopSequence = matchedStopSequence(summary);
        String stopReason = stopReason(summary, calls != null, stopSequence);
        long outputTokens = summary.completionTokensOrEvents();
        ByteBuf last = out.alloc().buffer(stream ? 512 : 512 + 2 * (length(thinking) + length(text)));
        try {
            if (stream) {
                begin(last);
                events = last;
                try {
                    blocks.finish();
                } finally {
                    events = null;
                }
                MessagesEvents.messageDelta(last, stopReason, stopSequence, summary.promptTokens(), outputTokens);
                MessagesEvents.messageStop(last);
            } else {
                MessagesEvents.message(last, id, model, thinking == null ? null : thinking.toString(),
                        text == null ? null : text.toString(), calls, stopReason, stopSequence, summary.promptTokens(),
                        outputTokens);
            }
        } catch (RuntimeException e) {
            last.release();
            throw e;
        }
        out.write(last);
    }

    /** {@code message_start} and a {@code ping}, once, before anything else. */
    private void begin(ByteBuf events) {
        if (!begun) {
            begun = true;
            MessagesEvents.messageStart(events, id, model);
            MessagesEvents.ping(events);
        }
    }

    /** The stop string that ended the answer, when the backend names it and the client asked for it; else null. */
    private String matchedStopSequence(AnswerSummary summary) {
        String matched = summary.stopSequence();
        return matched != null && !"length".equals(summary.finishReason()) && stopSequences.contains(matched)
                ? matched : null;
    }

    /**
     * Anthropic's {@code stop_reason}: {@code max_tokens} for a cut answer, {@code tool_use} when it
     * calls tools, {@code stop_sequence} when one of the client's stop strings ended it,
     * {@code refusal} for a content filter, else {@code end_turn}.
     */
    static String stopReason(AnswerSummary summary, boolean toolCalls, String stopSequence) {
        String finish = summary.finishReason();
        if ("length".equals(finish)) {
            return "max_tokens";
        }
        if (toolCalls) {
            return "tool_use";
        }
        if (stopSequence != null) {
            return "stop_sequence";
        }
        return "content_filter".equals(finish) ? "refusal" : "end_turn";
    }

    private static boolean notEmpty(String s) {
        return s != null && !s.isEmpty();
    }

    private static int length(CharSequence s) {
        return s == null ? 0 : s.length();
    }
}
