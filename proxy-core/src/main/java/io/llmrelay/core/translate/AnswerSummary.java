package io.llmrelay.core.translate;

/**
 * How a backend's answer ended, as its stream told: what every client API's last event is made of.
 *
 * @param finishReason OpenAI's {@code finish_reason} ({@code stop}, {@code length}, {@code tool_calls}
 *     ...), or null when the backend sent none
 * @param stopSequence the stop string that matched, where the backend names it; otherwise null
 * @param promptTokens the prompt tokens the backend counted, or -1
 * @param completionTokens the completion tokens the backend counted, or -1
 * @param outputEvents events that carried output: a token count's stand-in when usage is missing
 */
record AnswerSummary(String finishReason, String stopSequence, long promptTokens, long completionTokens,
        long outputEvents) {

    /** Completion tokens as counted by the backend, or one per output event when it counted none. */
    long completionTokensOrEvents() {
        return completionTokens >= 0 ? completionTokens : outputEvents;
    }
}
