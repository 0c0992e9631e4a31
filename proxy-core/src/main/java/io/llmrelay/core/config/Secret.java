package io.llmrelay.core.config;

/**
 * A credential that cannot end up in a log by accident: {@link #toString()} never shows it, only
 * {@link #reveal()} does, at the one place that writes the backend's Authorization header.
 */
public final class Secret {

    private final String value;
    private final String source;

    private Secret(String value, String source) {
        this.value = value;
        this.source = source;
    }

    /** A secret read from somewhere nameable (for messages), e.g. {@code env OPENAI_API_KEY}. */
    public static Secret of(String value, String source) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("empty secret from " + source);
        }
        return new Secret(value, source);
    }

    public String reveal() {
        return value;
    }

    /** Where the secret came from, safe to log. */
    public String source() {
        return source;
    }

    @Override
    public String toString() {
        return "Secret[" + source + "]";
    }
}
