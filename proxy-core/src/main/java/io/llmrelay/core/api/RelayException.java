package io.llmrelay.core.api;

import io.llmrelay.core.metrics.ErrorKind;
import io.llmrelay.core.metrics.Refusal;

/**
 * A failure with the HTTP status the client should see and a message fit to show it. Thrown by
 * request parsing and translation; turned into the caller's error shape in one place.
 */
public class RelayException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final ErrorKind kind;
    private final Refusal refusal;

    /** A failure whose kind follows from its status: 4xx the client's, 502/504 the backend's, else ours. */
    public RelayException(int status, String message) {
        this(status, message, kindOf(status));
    }

    public RelayException(int status, String message, ErrorKind kind) {
        this(status, message, kind, null);
    }

    private RelayException(int status, String message, ErrorKind kind, Refusal refusal) {
        super(message, null, false, false);
        this.status = status;
        this.kind = kind;
        this.refusal = refusal;
    }

    /** A request refused for its size or shape (a 4xx), counted as {@code why} when it is answered. */
    public static RelayException refused(int status, Refusal why, String message) {
        return new RelayException(status, message, ErrorKind.INVALID_REQUEST, why);
    }

    /** Why the request was refused for its size or shape; null for any other failure. */
    public Refusal refusal() {
        return refusal;
    }

    public int status() {
        return status;
    }

    public ErrorKind kind() {
        return kind;
    }

    private static ErrorKind kindOf(int status) {
        if (status >= 400 && status < 500 || status == 501) {
            return ErrorKind.INVALID_REQUEST;
        }
        return status == 502 ? ErrorKind.BACKEND_PROTOCOL : status == 504 ? ErrorKind.BACKEND_TIMEOUT : ErrorKind.INTERNAL;
    }

    public static RelayException badRequest(String message) {
        return new RelayException(400, message);
    }

    public static RelayException notFound(String message) {
        return new RelayException(404, message);
    }
}
