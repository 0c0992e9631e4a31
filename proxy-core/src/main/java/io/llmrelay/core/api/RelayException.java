package io.llmrelay.core.api;

/**
 * A failure with the HTTP status the client should see and a message fit to show it. Thrown by
 * request parsing and translation; turned into the caller's error shape in one place.
 */
public class RelayException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;

    public RelayException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }

    public static RelayException badRequest(String message) {
        return new RelayException(400, message);
    }

    public static RelayException notFound(String message) {
        return new RelayException(404, message);
    }
}
