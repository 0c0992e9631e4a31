package io.llmrelay.core.translate;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.llmrelay.core.api.Clocks;
import io.llmrelay.core.api.ExchangeTimes;
import io.llmrelay.core.json.Json;
import io.netty.buffer.ByteBuf;

/**
 * Writes an Ollama chat or generate answer: NDJSON chunks, one per token event, when the client
 * streams; one merged JSON object when it does not. Tool-call fragments are accumulated and emitted
 * whole (Ollama clients require {@code arguments} as an object); the final {@code done:true} chunk
 * carries {@code done_reason} and the six metrics, timed by the proxy and counted by the backend.
 */
final class OllamaAnswerWriter implements AnswerWriter {

    private final boolean stream;
    private final ExchangeTimes times;
    private final Clocks clocks;
    private final OllamaChunkWriter chunks;
    private final ToolCallAccumulator toolCalls = new ToolCallAccumulator();
    // only used when merging a non-streamed answer
    private StringBuilder content;
    private StringBuilder thinking;
    private ArrayNode logprobs;

    OllamaAnswerWriter(InferenceRequest request, ExchangeTimes times, Clocks clocks) {
        this.stream = request.stream();
        this.times = times;
        this.clocks = clocks;
        this.chunks = new OllamaChunkWriter(request.model(), request.generateShape(), clocks);
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
    public void delta(ChatDelta delta, BodyTranslator.Output out) {
        for (ChatDelta.ToolFragment fragment : delta.toolFragments) {
            toolCalls.add(fragment);
        }
        boolean visible = notEmpty(delta.content) || notEmpty(delta.thinking) || delta.logprobs != null;
        if (!visible) {
            return;
        }
        if (stream) {
            ByteBuf line = LineBuffer.take();
            if (notEmpty(delta.thinking) || delta.logprobs != null) {
                chunks.write(line, delta.content, delta.thinking, delta.logprobs, null, null, null);
            } else {
                chunks.writeToken(line, delta.content); // visible, so content is not empty
            }
            out.writeCopy(line.writeByte('\n'));
        } else {
            merge(delta);
        }
    }

    private void merge(ChatDelta delta) {
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
    @Override
    public void end(AnswerSummary summary, BodyTranslator.Output out) {
        ArrayNode calls = toolCalls.isEmpty() ? null : toolCalls.toOllama();
        OllamaChunkWriter.Metrics metrics = metrics(summary);
        // Ollama has no "tool_calls" reason: only length is kept, everything else is a stop
        String doneReason = "length".equals(summary.finishReason()) ? "length" : "stop";
        if (stream) {
            if (calls != null) {
                ByteBuf line = LineBuffer.take();
                chunks.write(line, null, null, null, calls, null, null);
                out.writeCopy(line.writeByte('\n'));
            }
            ByteBuf last = LineBuffer.take();
            chunks.write(last, null, null, null, null, doneReason, metrics);
            out.writeCopy(last.writeByte('\n'));
        } else {
            ByteBuf whole = out.alloc().buffer(320 + (content == null ? 0 : content.length() * 2));
            chunks.write(whole, content == null ? null : content.toString(),
                    thinking == null ? null : thinking.toString(), logprobs, calls, doneReason, metrics);
            out.write(whole);
        }
    }

    private OllamaChunkWriter.Metrics metrics(AnswerSummary summary) {
        long now = clocks.nanoTime();
        long sent = times.upstreamSent == 0 ? times.start : times.upstreamSent;
        long firstToken = times.firstToken == 0 ? now : times.firstToken;
        return new OllamaChunkWriter.Metrics(
                now - times.start,
                sent - times.start,
                Math.max(summary.promptTokens(), 0),
                firstToken - sent,
                summary.completionTokensOrEvents(), // no usage: one event ≈ one token
                now - firstToken);
    }

    private static boolean notEmpty(String s) {
        return s != null && !s.isEmpty();
    }
}
