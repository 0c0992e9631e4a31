package io.llmrelay.core.backend;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Reads an OpenAI {@code /v1/models} answer, including the extras servers add: OpenRouter's
 * {@code context_length}, {@code architecture.input_modalities} and {@code supported_parameters};
 * vLLM's {@code max_model_len}; llama.cpp's {@code meta} (trained context, context per slot, file size,
 * parameter count, quantization).
 */
public final class ModelListParser {

    private ModelListParser() {}

    public static List<ModelInfo> parse(JsonNode body) {
        JsonNode data = body == null ? null : body.get("data");
        if (data != null && data.isNull()) {
            return List.of(); // Ollama's /v1/models says null when it has no model
        }
        if (data == null || !data.isArray()) {
            if (body != null && body.isArray()) {
                data = body; // a bare array, as a few servers answer
            } else {
                throw new IllegalArgumentException("model list without a \"data\" array");
            }
        }
        List<ModelInfo> out = new ArrayList<>(data.size());
        for (JsonNode m : data) {
            JsonNode id = m.get("id");
            if (id == null || !id.isTextual() || id.textValue().isEmpty()) {
                continue;
            }
            out.add(new ModelInfo(id.textValue(),
                    m.path("created").asLong(0),
                    m.path("owned_by").asText(""),
                    contextLength(m),
                    loadedContextLength(m),
                    capabilities(id.textValue(), m),
                    details(m)));
        }
        return Collections.unmodifiableList(out);
    }

    /** The model's own context: trained (llama.cpp) or the server's limit where that is all it says. */
    private static long contextLength(JsonNode m) {
        return firstPositive(m.path("meta").get("n_ctx_train"), m.get("context_length"), m.get("max_model_len"),
                m.path("top_provider").get("context_length"), m.get("max_context_length"), m.path("meta").get("n_ctx"));
    }

    /** What one request can use on the running server: llama.cpp's context per slot, vLLM's limit. */
    private static long loadedContextLength(JsonNode m) {
        return firstPositive(m.path("meta").get("n_ctx"), m.get("max_model_len"), m.get("loaded_context_length"));
    }

    /** llama.cpp's {@code meta}: it loads GGUF files only, and says their size, parameters and type. */
    private static ModelDetails details(JsonNode m) {
        JsonNode meta = m.get("meta");
        if (meta == null || !meta.isObject()) {
            return ModelDetails.UNKNOWN;
        }
        return new ModelDetails(firstPositive(meta.get("size")), "gguf", meta.path("ftype").asText(""),
                firstPositive(meta.get("n_params")), "");
    }

    private static long firstPositive(JsonNode... candidates) {
        for (JsonNode candidate : candidates) {
            if (candidate != null && candidate.isNumber() && candidate.canConvertToLong() && candidate.asLong() > 0) {
                return candidate.asLong();
            }
        }
        return 0;
    }

    /** Capability from metadata where the backend gives it, else guessed from the model id. */
    private static Set<String> capabilities(String id, JsonNode m) {
        if (m.path("type").asText("").equals("embeddings")) {
            return Capability.labels(EnumSet.of(Capability.EMBEDDING));
        }
        EnumSet<Capability> caps = Capability.guess(id);
        if (caps.contains(Capability.EMBEDDING)) {
            return Capability.labels(caps);
        }
        JsonNode supported = m.get("supported_parameters");
        if (supported != null && supported.isArray()) { // OpenRouter says what the model takes
            caps.remove(Capability.TOOLS);
            caps.remove(Capability.THINKING);
            for (JsonNode p : supported) {
                String name = p.asText("");
                if (name.equals("tools")) {
                    caps.add(Capability.TOOLS);
                } else if (name.equals("reasoning") || name.equals("include_reasoning")) {
                    caps.add(Capability.THINKING);
                }
            }
        }
        JsonNode modalities = m.path("architecture").get("input_modalities");
        if (modalities != null && modalities.isArray()) {
            caps.remove(Capability.VISION);
            for (JsonNode mod : modalities) {
                if (mod.asText("").equals("image")) {
                    caps.add(Capability.VISION);
                }
            }
        }
        return Capability.labels(caps);
    }
}
