package io.llmrelay.core.translate;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An OpenAI Responses request ({@code POST /v1/responses}), checked and translated: the chat request
 * every backend flavour is written from, and the request's settings the answer repeats.
 *
 * @param inference the conversation and settings, as for every translated chat request
 * @param echo the fields of the {@code response} object that repeat the request ({@code instructions},
 *     {@code tools}, {@code tool_choice}, {@code temperature}, {@code text}, ...), with OpenAI's defaults
 *     for those the client left out
 */
public record ResponsesRequest(InferenceRequest inference, ObjectNode echo) {

    /** The model name exactly as the client sent it (the answer's {@code model}). */
    public String model() {
        return inference.model();
    }

    public boolean stream() {
        return inference.stream();
    }
}
