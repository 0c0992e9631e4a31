package io.llmrelay.server.demo;

import io.llmrelay.core.json.Json;
import java.util.List;

/** One demo reply, rendered as OpenAI chat or completions JSON, whole or as stream events. */
final class DemoReply {

    final String id;
    final String model;
    final boolean chat;
    final List<String> tokens;
    final String finishReason;
    final int promptTokens;
    final long created;

    DemoReply(String id, String model, boolean chat, List<String> tokens, String finishReason, int promptTokens,
            long created) {
        this.id = (chat ? "chatcmpl-" : "cmpl-") + id;
        this.model = model;
        this.chat = chat;
        this.tokens = tokens;
        this.finishReason = finishReason;
        this.promptTokens = promptTokens;
        this.created = created;
    }

    String chunk(int i) {
        String text = Json.quote(tokens.get(i));
        return head(true) + (chat
                ? "{\"index\":0,\"delta\":{" + (i == 0 ? "\"role\":\"assistant\"," : "") + "\"content\":" + text
                        + "},\"finish_reason\":null}]}"
                : "{\"index\":0,\"text\":" + text + ",\"finish_reason\":null}]}");
    }

    String finishChunk() {
        return head(true) + (chat
                ? "{\"index\":0,\"delta\":{},\"finish_reason\":\"" + finishReason + "\"}]}"
                : "{\"index\":0,\"text\":\"\",\"finish_reason\":\"" + finishReason + "\"}]}");
    }

    String usageChunk() {
        return head(true) + "]," + usage() + "}";
    }

    String whole() {
        String text = Json.quote(String.join("", tokens));
        return head(false) + (chat
                ? "{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":" + text + "},\"finish_reason\":\""
                : "{\"index\":0,\"text\":" + text + ",\"finish_reason\":\"")
                + finishReason + "\"}]," + usage() + "}";
    }

    /**
     * A content chunk around its text, in two parts: what comes before the text's characters (the
     * opening quote included) and what comes after (the closing quote included), so a caller can
     * write text of any length in between without building it.
     */
    String[] contentChunkAround() {
        return chat
                ? new String[] {head(true) + "{\"index\":0,\"delta\":{\"content\":\"", "\"},\"finish_reason\":null}]}"}
                : new String[] {head(true) + "{\"index\":0,\"text\":\"", "\",\"finish_reason\":null}]}"};
    }

    /** An event whose data is the finish chunk cut in half: not JSON. */
    String brokenEvent() {
        String chunk = finishChunk();
        return "data: " + chunk.substring(0, chunk.length() / 2) + "\n\n";
    }

    /** The whole stream's body, every event to {@code [DONE]}, as the paced stream sends it. */
    String events(boolean usage) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < tokens.size(); i++) {
            out.append(event(chunk(i)));
        }
        out.append(event(finishChunk()));
        if (usage) {
            out.append(event(usageChunk()));
        }
        return out.append("data: [DONE]\n\n").toString();
    }

    static String event(String json) {
        return "data: " + json + "\n\n";
    }

    private String head(boolean streamed) {
        String object = chat ? (streamed ? "chat.completion.chunk" : "chat.completion") : "text_completion";
        return "{\"id\":\"" + id + "\",\"object\":\"" + object + "\",\"created\":" + created
                + ",\"model\":" + Json.quote(model) + ",\"choices\":[";
    }

    private String usage() {
        return "\"usage\":{\"prompt_tokens\":" + promptTokens + ",\"completion_tokens\":" + tokens.size()
                + ",\"total_tokens\":" + (promptTokens + tokens.size()) + "}";
    }
}
