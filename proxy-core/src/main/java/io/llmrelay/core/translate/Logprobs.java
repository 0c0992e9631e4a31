package io.llmrelay.core.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmrelay.core.json.Json;
import java.util.Iterator;
import java.util.Map;

/**
 * OpenAI logprobs in Ollama's shape, {@code [{token, logprob, bytes?, top_logprobs?}]}. The chat
 * API already uses that shape under {@code content}; the legacy completions API uses parallel arrays.
 */
final class Logprobs {

    private Logprobs() {}

    /** The Ollama entries for one choice's {@code logprobs} object, or null when it has none. */
    static ArrayNode toOllama(ObjectNode logprobs) {
        JsonNode content = logprobs.get("content");
        if (content != null && content.isArray()) {
            return content.isEmpty() ? null : (ArrayNode) content;
        }
        JsonNode tokens = logprobs.get("tokens");
        if (tokens == null || !tokens.isArray() || tokens.isEmpty()) {
            return null;
        }
        JsonNode values = logprobs.path("token_logprobs");
        JsonNode tops = logprobs.path("top_logprobs");
        ArrayNode out = Json.NODES.arrayNode(tokens.size());
        for (int i = 0; i < tokens.size(); i++) {
            ObjectNode entry = out.addObject();
            entry.put("token", tokens.get(i).asText());
            entry.put("logprob", values.path(i).asDouble());
            JsonNode top = tops.path(i);
            if (top.isObject()) {
                ArrayNode alternatives = entry.putArray("top_logprobs");
                for (Iterator<Map.Entry<String, JsonNode>> it = top.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> alt = it.next();
                    alternatives.addObject().put("token", alt.getKey()).put("logprob", alt.getValue().asDouble());
                }
            }
        }
        return out;
    }
}
