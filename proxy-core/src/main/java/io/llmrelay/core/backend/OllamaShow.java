package io.llmrelay.core.backend;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What an Ollama node's {@code POST /api/show} says about one model beyond its list entry: its real
 * capabilities, its context length ({@code model_info["<arch>.context_length"]}), its parameter count
 * ({@code general.parameter_count}) and its {@code details}.
 *
 * @param capabilities the node's capability labels, in its order; empty when it gave none
 * @param contextLength the trained context, or 0 when {@code model_info} does not say
 * @param parameterCount the number of parameters, or 0 when {@code model_info} does not say
 * @param architecture {@code general.architecture}, or ""
 * @param details the {@code details} object (no size or digest: {@code /api/show} gives neither)
 * @param modifiedSeconds {@code modified_at} as Unix seconds, or 0
 */
public record OllamaShow(Set<String> capabilities, long contextLength, long parameterCount, String architecture,
        ModelDetails details, long modifiedSeconds) {

    private static final String WHERE = "Ollama model description (/api/show)";

    public OllamaShow {
        capabilities = Collections.unmodifiableSet(new LinkedHashSet<>(capabilities)); // the node's order, as it lists them
        Objects.requireNonNull(architecture, "architecture");
        Objects.requireNonNull(details, "details");
    }

    /** Reads the answer; a body of the wrong shape is an {@link IllegalArgumentException}. */
    public static OllamaShow parse(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new IllegalArgumentException(WHERE + " is not a JSON object");
        }
        JsonNode info = body.get("model_info");
        if (info == null || info.isNull()) {
            info = MissingNode.getInstance(); // older nodes may leave it out; then it says nothing
        } else if (!info.isObject()) {
            throw new IllegalArgumentException(WHERE + ": \"model_info\" is not a JSON object");
        }
        String arch = OllamaDetails.text(info, "general.architecture");
        Set<String> caps = OllamaDetails.capabilities(body.get("capabilities"), WHERE);
        return new OllamaShow(caps == null ? Set.of() : caps, contextLength(info, arch),
                OllamaDetails.positive(info.get("general.parameter_count")), arch,
                OllamaDetails.read(body.get("details"), 0, "", WHERE), OllamaDetails.epochSeconds(body.get("modified_at")));
    }

    /** {@code <arch>.context_length}; without an architecture, the one key of that form there is. */
    private static long contextLength(JsonNode info, String arch) {
        if (!arch.isEmpty()) {
            return OllamaDetails.positive(info.get(arch + ".context_length"));
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = info.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (field.getKey().endsWith(".context_length")) {
                return OllamaDetails.positive(field.getValue());
            }
        }
        return 0;
    }

    /**
     * The listed model ({@link OllamaTags}) completed by this description: the node's capabilities and
     * context replace the guesses; the list's size and digest stay; details the list left empty are filled.
     */
    public ModelInfo applyTo(ModelInfo listed) {
        ModelInfo out = listed;
        if (!capabilities.isEmpty()) {
            out = out.withCapabilities(capabilities);
        }
        if (contextLength > 0) {
            out = out.withContext(contextLength, listed.loadedContextLength());
        }
        if (listed.created() == 0 && modifiedSeconds > 0) {
            out = out.withCreated(modifiedSeconds);
        }
        return out.withDetails(merged(listed.details()));
    }

    private ModelDetails merged(ModelDetails listed) {
        return new ModelDetails(listed.sizeBytes(), or(listed.format(), details.format()),
                or(listed.quantization(), details.quantization()),
                listed.parameterCount() > 0 ? listed.parameterCount() : parameterCount,
                or(listed.parameterLabel(), details.parameterLabel()), listed.digest(),
                or(listed.family(), or(details.family(), architecture)),
                listed.families().isEmpty() ? details.families() : listed.families(),
                or(listed.parentModel(), details.parentModel()));
    }

    private static String or(String first, String second) {
        return first.isEmpty() ? second : first;
    }
}
