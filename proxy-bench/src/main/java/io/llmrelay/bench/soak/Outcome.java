package io.llmrelay.bench.soak;

/** How one soak request ended, as its client saw it. */
enum Outcome {
    /** 200 and a complete, well-formed answer with the reply meant for this request. */
    COMPLETED("completed"),
    /** An error in the route's API shape: a whole 4xx/5xx body, or a stream's last line or event. */
    FAILED_WELL_FORMED("failed (well-formed error)"),
    /**
     * A whole answer (with {@code Content-Length}) whose connection closed before the body was
     * complete: after its head a proxy can only cut such an answer off, and every HTTP client
     * reports the short body as an error.
     */
    CUT_OFF("failed (cut off: Content-Length not reached)"),
    /**
     * A malformed answer on a pass-through route that the answering backend itself produced (the
     * fault in force on it at the time makes exactly that garbage): the proxy forwarded the backend's
     * bytes unchanged, as a pass-through does.
     */
    PASSED_THROUGH("backend's malformed answer passed through"),
    /** Anything else: a stream cut without an error, an unparseable body, a wrong shape or text. */
    MALFORMED("malformed"),
    /** No complete answer within the deadline. */
    HUNG("hung"),
    /** The client closed the connection on purpose before the answer ended. */
    DISCONNECTED("disconnected on purpose");

    final String label;

    Outcome(String label) {
        this.label = label;
    }

    /** The JSON key: {@code failed_well_formed}. */
    String key() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
