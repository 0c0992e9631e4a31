package io.llmrelay.core.translate;

import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.List;

/**
 * One message of an Ollama conversation, as sent (absent fields are null or empty).
 *
 * @param content the text, or null when absent
 * @param contentParts OpenAI-style content parts some Ollama clients send instead of text, or null
 * @param images raw base64 images (a data URL is tolerated)
 * @param toolCalls the assistant's tool calls, Ollama shape, or null
 */
public record ChatMessage(
        String role,
        String content,
        ArrayNode contentParts,
        List<String> images,
        ArrayNode toolCalls,
        String toolName,
        String toolCallId) {
}
