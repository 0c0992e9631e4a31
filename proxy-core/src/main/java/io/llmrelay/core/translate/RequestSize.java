package io.llmrelay.core.translate;

import io.llmrelay.core.api.RelayException;
import io.llmrelay.core.config.SecurityConfig.RequestLimits;
import io.llmrelay.core.metrics.Refusal;

/**
 * {@code limits.request.max_messages} and {@code max_images}: how many messages and images one
 * request may carry, checked before anything is sent, with one message for every API.
 */
public final class RequestSize {

    private RequestSize() {}

    /** @throws RelayException a 400 refusal when {@code messages} or {@code images} is beyond its limit */
    public static void check(int messages, int images, RequestLimits limits) {
        if (messages > limits.maxMessages()) {
            throw RelayException.refused(400, Refusal.TOO_MANY_MESSAGES, "request has " + messages
                    + " messages; the limit is " + limits.maxMessages() + " (limits.request.max_messages)");
        }
        if (images > limits.maxImages()) {
            throw RelayException.refused(400, Refusal.TOO_MANY_IMAGES, "request has " + images
                    + " images; the limit is " + limits.maxImages() + " (limits.request.max_images)");
        }
    }

    /** {@link #check(int, int, RequestLimits)} of a parsed Ollama request: its messages, and their images and image parts. */
    public static void check(InferenceRequest request, RequestLimits limits) {
        int images = 0;
        for (ChatMessage m : request.messages()) {
            images += m.images().size();
            if (m.contentParts() != null) {
                for (com.fasterxml.jackson.databind.JsonNode part : m.contentParts()) {
                    if (isImagePart(part.path("type").asText(""))) {
                        images++;
                    }
                }
            }
        }
        check(request.messages().size(), images, limits);
    }

    /** A content part that carries an image, as OpenAI's chat and responses APIs type them. */
    public static boolean isImagePart(String type) {
        return type.equals("image_url") || type.equals("input_image") || type.equals("image");
    }
}
