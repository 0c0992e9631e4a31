package io.llmrelay.core.stream;

/** A stream that cannot be framed: an event or line beyond the configured limit. */
public final class FramingException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public FramingException(String message) {
        super(message, null, false, false);
    }
}
