package io.llmrelay.server.demo;

/** Which requests a fault may hit. The control endpoints ({@code /__fault}, {@code /__stats}) never are. */
public enum FaultScope {
    /**
     * Only inference requests the demo would answer ({@code POST /v1/chat/completions},
     * {@code /v1/completions}, {@code /v1/embeddings}), so a faulty backend still lists its models
     * and passes health probes.
     */
    INFERENCE("inference"),
    /** Every request, the model list and probes included, and (for {@code refuse}) every new connection. */
    ALL("all");

    private final String wireName;

    FaultScope(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** @throws IllegalArgumentException for a name other than {@code inference} and {@code all} */
    public static FaultScope parse(String name) {
        for (FaultScope s : values()) {
            if (s.wireName.equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown fault scope '" + name + "' (one of: inference, all)");
    }
}
