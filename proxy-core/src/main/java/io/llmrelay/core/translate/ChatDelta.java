package io.llmrelay.core.translate;

import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.ArrayList;
import java.util.List;

/**
 * What one OpenAI stream event (or a whole completion) says, reduced to what an Ollama answer
 * needs. Mutable and reused for every event of a stream, so decoding allocates little.
 */
final class ChatDelta {

    /** One piece of a streamed tool call; pieces of the same call share {@code index}. */
    record ToolFragment(int index, String id, String name, String arguments) {}

    String content;
    String thinking;
    /** Ollama-shaped logprobs entries for this event, or null. */
    ArrayNode logprobs;
    final List<ToolFragment> toolFragments = new ArrayList<>(2);
    String finishReason;
    /** The stop string that ended the answer, where the backend names it (vLLM's {@code stop_reason}), or null. */
    String stopSequence;
    long promptTokens = -1;
    long completionTokens = -1;
    String error;

    void reset() {
        content = null;
        thinking = null;
        logprobs = null;
        toolFragments.clear();
        finishReason = null;
        stopSequence = null;
        promptTokens = -1;
        completionTokens = -1;
        error = null;
    }

    /**
     * True when the event said its content string and nothing else: every other field as
     * {@link #reset} leaves it. A new field belongs in both.
     */
    boolean onlyContent() {
        return content != null && thinking == null && logprobs == null && toolFragments.isEmpty()
                && finishReason == null && stopSequence == null && promptTokens < 0 && completionTokens < 0
                && error == null;
    }

    /** True when the event carries something a client sees as output (a token). */
    boolean hasOutput() {
        return (content != null && !content.isEmpty()) || (thinking != null && !thinking.isEmpty())
                || logprobs != null || !toolFragments.isEmpty();
    }
}
