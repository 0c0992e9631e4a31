package io.llmrelay.core.backend;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * Reads an Ollama node's {@code GET /api/tags}: each model's name, size, digest, modification time
 * and {@code details}, kept as the node wrote them so the fleet lists the model as the node does.
 * Capabilities come from the entry where newer nodes give them, else a guess from the name until
 * {@code /api/show} ({@link OllamaShow}) says.
 */
public final class OllamaTags {

    private static final String WHERE = "Ollama model list (/api/tags)";

    private OllamaTags() {}

    /** The models; an entry without a name is skipped, a body of the wrong shape is an {@link IllegalArgumentException}. */
    public static List<ModelInfo> parse(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new IllegalArgumentException(WHERE + " is not a JSON object");
        }
        JsonNode models = body.get("models");
        if (models == null) {
            throw new IllegalArgumentException(WHERE + " without a \"models\" array");
        }
        if (models.isNull()) {
            return List.of(); // a node with no model may say null
        }
        if (!models.isArray()) {
            throw new IllegalArgumentException(WHERE + ": \"models\" is not an array");
        }
        List<ModelInfo> out = new ArrayList<>(models.size());
        for (int i = 0; i < models.size(); i++) {
            JsonNode m = models.get(i);
            if (!m.isObject()) {
                throw new IllegalArgumentException(WHERE + ": entry " + i + " is not a JSON object");
            }
            String name = OllamaDetails.text(m, "name");
            if (name.isEmpty()) {
                name = OllamaDetails.text(m, "model");
            }
            if (name.isEmpty()) {
                continue; // nothing could ask for it
            }
            out.add(entry(name, m, WHERE + " entry '" + name + "'"));
        }
        return Collections.unmodifiableList(out);
    }

    private static ModelInfo entry(String name, JsonNode m, String where) {
        ModelDetails details = OllamaDetails.read(m.get("details"), OllamaDetails.positive(m.get("size")),
                OllamaDetails.text(m, "digest"), where);
        Set<String> caps = OllamaDetails.capabilities(m.get("capabilities"), where);
        return new ModelInfo(name, OllamaDetails.epochSeconds(m.get("modified_at")), owner(name),
                OllamaDetails.positive(m.path("details").get("context_length")), 0,
                caps != null && !caps.isEmpty() ? caps : Capability.labels(Capability.guess(name)), details);
    }

    /**
     * Who owns a model, as Ollama's {@code /v1/models} says: the namespace of {@code [host/][namespace/]model[:tag]},
     * {@code library} for the official ones.
     */
    static String owner(String name) {
        String[] parts = name.split("/");
        return parts.length >= 2 ? parts[parts.length - 2] : "library";
    }
}
