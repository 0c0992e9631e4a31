package io.llmrelay.core.backend;

import java.util.Objects;
import java.util.Set;

/**
 * What a backend says about one model: its model list, completed by the server's own facts
 * (llama.cpp {@code /props}, LM Studio's model API) and the operator's overrides.
 *
 * @param id the backend's model id, as requests must name it
 * @param created Unix seconds, or 0 when unknown
 * @param contextLength the model's context length as {@code /api/show} reports it (the trained
 *     context where the server gives it, else the server's limit), or 0 when nothing says
 * @param loadedContextLength what one request can really use on the running server (llama.cpp's
 *     context per slot, vLLM's {@code max_model_len}, LM Studio's loaded context), or 0 when unknown
 * @param capabilities Ollama capability names ({@code completion}, {@code tools}, {@code vision},
 *     {@code thinking}, {@code embedding}, {@code insert})
 */
public record ModelInfo(String id, long created, String ownedBy, long contextLength, long loadedContextLength,
        Set<String> capabilities, ModelDetails details) {

    public ModelInfo {
        details = details == null ? ModelDetails.UNKNOWN : details;
    }

    // equals and hashCode written out, as ModelDetails' are: a record's own link through ObjectMethods'
    // method handles on their first call, and the first call is the first refresh of a model list
    // (ModelCatalog compares it with the last), about 70 ms on the event loop a minute after start
    @Override
    public boolean equals(Object o) {
        return o instanceof ModelInfo m && created == m.created && contextLength == m.contextLength
                && loadedContextLength == m.loadedContextLength && Objects.equals(id, m.id)
                && Objects.equals(ownedBy, m.ownedBy) && Objects.equals(capabilities, m.capabilities)
                && details.equals(m.details);
    }

    @Override
    public int hashCode() {
        int h = Objects.hashCode(id);
        h = 31 * h + Long.hashCode(created);
        h = 31 * h + Objects.hashCode(ownedBy);
        h = 31 * h + Long.hashCode(contextLength);
        h = 31 * h + Long.hashCode(loadedContextLength);
        h = 31 * h + Objects.hashCode(capabilities);
        return 31 * h + details.hashCode();
    }

    /** A model known only by its list entry's basics. */
    public ModelInfo(String id, long created, String ownedBy, long contextLength, Set<String> capabilities) {
        this(id, created, ownedBy, contextLength, 0, capabilities, ModelDetails.UNKNOWN);
    }

    /** A model the backend did not list (its list cannot be read): capabilities guessed from its id. */
    public static ModelInfo unlisted(String id) {
        return new ModelInfo(id, 0, "", 0, Capability.labels(Capability.guess(id)));
    }

    /** The context a request can use, as {@code /api/ps} reports it: the running server's, else the model's. */
    public long usableContextLength() {
        return loadedContextLength > 0 ? loadedContextLength : contextLength;
    }

    public boolean embedding() {
        return capabilities.contains("embedding");
    }

    public boolean has(Capability capability) {
        return capabilities.contains(capability.label());
    }

    public ModelInfo withCapabilities(Set<String> labels) {
        return new ModelInfo(id, created, ownedBy, contextLength, loadedContextLength, labels, details);
    }

    public ModelInfo withContext(long context, long loadedContext) {
        return new ModelInfo(id, created, ownedBy, context, loadedContext, capabilities, details);
    }

    public ModelInfo withDetails(ModelDetails newDetails) {
        return new ModelInfo(id, created, ownedBy, contextLength, loadedContextLength, capabilities, newDetails);
    }

    /** The same model under another name: how the fleet's catalogue lists it (its public name). */
    public ModelInfo withId(String newId) {
        return new ModelInfo(newId, created, ownedBy, contextLength, loadedContextLength, capabilities, details);
    }

    public ModelInfo withCreated(long seconds) {
        return new ModelInfo(id, seconds, ownedBy, contextLength, loadedContextLength, capabilities, details);
    }
}
