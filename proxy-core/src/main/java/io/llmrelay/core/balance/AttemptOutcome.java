package io.llmrelay.core.balance;

/**
 * How one attempt (this request, on this backend) ended, as far as the backend's health is
 * concerned. The counters in {@link BackendStats} keep one count per outcome; breakers and outlier
 * detection read them.
 */
public enum AttemptOutcome {
    /** The backend answered (a 2xx or 3xx, or a stream that ended normally). */
    OK(false),
    /** The backend refused the request itself (a 4xx other than 429): the request's fault, not the backend's. */
    REJECTED(false),
    /** The client went away or the proxy stopped the attempt: says nothing about the backend. */
    CANCELLED(false),
    /** The backend said it is too busy (429, or 503). */
    OVERLOADED(true),
    /** The backend failed the request (a 5xx other than 503). */
    SERVER_ERROR(true),
    /** The backend could not be reached (connect, DNS, TLS). */
    UNREACHABLE(true),
    /** The backend stayed silent past a deadline. */
    TIMEOUT(true),
    /** The backend's answer could not be understood, or broke off. */
    BROKEN(true);

    private final boolean failure;
    private final String label = name().toLowerCase(java.util.Locale.ROOT);

    AttemptOutcome(boolean failure) {
        this.failure = failure;
    }

    /** As metrics and logs name it: {@code ok}, {@code server_error}, ... */
    public String label() {
        return label;
    }

    /** True when the outcome counts against the backend (what breakers trip on). */
    public boolean failure() {
        return failure;
    }

    /** The outcome of an answer with this HTTP status. */
    public static AttemptOutcome ofStatus(int status) {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("not an HTTP status: " + status);
        }
        if (status < 400) {
            return OK;
        }
        if (status == 429 || status == 503) {
            return OVERLOADED;
        }
        return status < 500 ? REJECTED : SERVER_ERROR;
    }
}
