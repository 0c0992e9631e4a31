package io.llmrelay.core.translate;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrelay.core.json.Json;

/**
 * The text of a chat request as a plain tokenizer is given it, for counting its tokens: each message
 * as its role and its text on their own lines (tool calls as their name and arguments' JSON, tool
 * results as their text), then each tool's definition as JSON. Images carry no text; they are
 * counted apart ({@link #images}). The model's chat template adds a few tokens per message that
 * this text lacks.
 */
final class PromptText {

    private PromptText() {}

    static String render(InferenceRequest request) {
        StringBuilder text = new StringBuilder(256);
        for (ChatMessage m : request.messages()) {
            text.append(m.role()).append('\n');
            if (m.content() != null && !m.content().isEmpty()) {
                text.append(m.content()).append('\n');
            }
            if (m.contentParts() != null) {
                for (JsonNode part : m.contentParts()) {
                    JsonNode partText = part.get("text");
                    if (partText != null && partText.isTextual()) {
                        text.append(partText.textValue()).append('\n');
                    }
                }
            }
            if (m.toolCalls() != null) {
                for (JsonNode call : m.toolCalls()) {
                    JsonNode function = call.path("function");
                    text.append(function.path("name").asText()).append(' ')
                            .append(Json.write(function.path("arguments"))).append('\n');
                }
            }
        }
        if (request.tools() != null) {
            for (JsonNode tool : request.tools()) {
                text.append(Json.write(tool.path("function"))).append('\n');
            }
        }
        return text.toString();
    }

    /** The images the request carries (content parts of type image_url). */
    static int images(InferenceRequest request) {
        int images = 0;
        for (ChatMessage m : request.messages()) {
            images += m.images().size();
            if (m.contentParts() != null) {
                for (JsonNode part : m.contentParts()) {
                    if (RequestSize.isImagePart(part.path("type").asText(""))) {
                        images++;
                    }
                }
            }
        }
        return images;
    }
}
