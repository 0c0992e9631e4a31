package io.llmrelay.core.backend;

import java.util.Set;

/**
 * What a backend says about one model in its model list.
 *
 * @param id the backend's model id, as requests must name it
 * @param created Unix seconds, or 0 when unknown
 * @param contextLength tokens, or 0 when the backend does not say
 * @param capabilities Ollama capability names ({@code completion}, {@code tools}, {@code vision},
 *     {@code thinking}, {@code embedding}, {@code insert})
 */
public record ModelInfo(String id, long created, String ownedBy, long contextLength, Set<String> capabilities) {

    /** A model the backend did not list (or whose list is not known yet): capabilities guessed from its id. */
    public static ModelInfo unlisted(String id) {
        return new ModelInfo(id, 0, "", 0, Capability.labels(Capability.guess(id)));
    }

    public boolean embedding() {
        return capabilities.contains("embedding");
    }
}
