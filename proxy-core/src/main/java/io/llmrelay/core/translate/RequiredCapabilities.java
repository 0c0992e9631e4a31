package io.llmrelay.core.translate;

import io.llmrelay.core.api.RelayException;
import io.llmrelay.core.backend.Capability;
import io.llmrelay.core.backend.ModelInfo;

/**
 * Refuses, as Ollama does, a request that needs a capability its model lacks: chat or generate on
 * an embedding model, {@code tools} on a model whose template takes none, {@code think} on a model
 * that does not reason. A silent drop would hand the client an answer to a different question.
 */
public final class RequiredCapabilities {

    private RequiredCapabilities() {}

    /** Throws Ollama's 400 ({@code "m" does not support tools}) for the first capability missing. */
    public static void check(InferenceRequest request, ModelInfo model) {
        if (!model.has(Capability.COMPLETION)) {
            refuse(request, request.shape() == InferenceRequest.Shape.CHAT ? "chat" : "generate");
        }
        if (request.tools() != null && !model.has(Capability.TOOLS)) {
            refuse(request, "tools");
        }
        if (request.think() != null && request.think().enabled() && !model.has(Capability.THINKING)) {
            refuse(request, "thinking");
        }
    }

    private static void refuse(InferenceRequest request, String what) {
        throw RelayException.badRequest("\"" + request.model() + "\" does not support " + what);
    }
}
