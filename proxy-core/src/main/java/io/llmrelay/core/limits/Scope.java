package io.llmrelay.core.limits;

/** Whom a limit counts: everyone, one client address, or one client key. */
public enum Scope {
    GLOBAL("global"),
    PER_IP("per_ip"),
    PER_KEY("per_key");

    private final String id;

    Scope(String id) {
        this.id = id;
    }

    /** The {@code limits:} section's name for it. */
    public String id() {
        return id;
    }
}
