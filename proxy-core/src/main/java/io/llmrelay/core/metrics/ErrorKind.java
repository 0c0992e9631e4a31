package io.llmrelay.core.metrics;

import java.util.Locale;

/** Why a request failed, as counted in {@code llm_relay_errors_total{kind}}. */
public enum ErrorKind {
    /** The client's request was refused (malformed, wrong types, unknown route, too large). */
    INVALID_REQUEST,
    /** The backend could not be reached (connect, DNS, TLS). */
    BACKEND_UNREACHABLE,
    /** The backend stayed silent longer than the idle timeout. */
    BACKEND_TIMEOUT,
    /** The backend answered with an error status. */
    BACKEND_STATUS,
    /** The backend's answer could not be understood, or broke off. */
    BACKEND_PROTOCOL,
    /** Every backend that serves the model is at its {@code max_concurrency}. */
    AT_CAPACITY,
    /** No backend of the model may take requests now: breakers open, held off by {@code Retry-After}. */
    NO_BACKEND,
    /** The client took no data for too long. */
    CLIENT_STALLED,
    /** No valid API key where one is needed (401). */
    UNAUTHORIZED,
    /** A rate limit refused the request (429), or the shared limits could not be consulted (503). */
    RATE_LIMITED,
    /** A valid key that may not do this: a model it may not use, an admin route from elsewhere (403). */
    FORBIDDEN,
    /** The proxy stopped before the answer was done: the drain deadline passed, or a second stop signal came. */
    SHUTDOWN,
    /** A bug in the proxy. */
    INTERNAL;

    private final String label = name().toLowerCase(Locale.ROOT);

    public String label() {
        return label;
    }
}
