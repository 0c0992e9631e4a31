package io.llmrelay.core.metrics;

import java.util.Locale;

/**
 * Why a request was refused for its size or shape before anything was sent to a backend, as
 * {@code llm_relay_requests_refused_total{reason}} counts it: a limit an attacker (or a broken
 * client) runs into shows there, apart from ordinary invalid requests.
 */
public enum Refusal {
    /** the body is beyond {@code server.max_request_size} (413) */
    BODY_TOO_LARGE,
    /** the header lines are beyond {@code limits.request.max_header_bytes} (431) */
    HEADERS_TOO_LARGE,
    /** more header lines than {@code limits.request.max_headers} (431) */
    TOO_MANY_HEADERS,
    /** the request target is beyond {@code limits.request.max_uri_bytes} (414) */
    URI_TOO_LONG,
    /** not HTTP/1.1 the codec can read (400) */
    MALFORMED_HTTP,
    /** the body is not JSON (400) */
    INVALID_JSON,
    /** JSON nested deeper than the parser allows (400) */
    JSON_TOO_DEEP,
    /** a JSON string longer than the parser allows (400) */
    JSON_STRING_TOO_LONG,
    /** a JSON number with more digits than the parser allows (400) */
    JSON_NUMBER_TOO_LONG,
    /** more messages than {@code limits.request.max_messages} (400) */
    TOO_MANY_MESSAGES,
    /** more images than {@code limits.request.max_images} (400) */
    TOO_MANY_IMAGES;

    private final String label = name().toLowerCase(Locale.ROOT);

    public String label() {
        return label;
    }

    /** The JSON refusal a Jackson read-constraint message describes ({@code StreamConstraintsException}). */
    public static Refusal ofJsonConstraint(String message) {
        String m = message == null ? "" : message;
        return m.contains("nesting depth") ? JSON_TOO_DEEP
                : m.contains("String value length") || m.contains("Name length") ? JSON_STRING_TOO_LONG
                : m.contains("Number value length") ? JSON_NUMBER_TOO_LONG
                : INVALID_JSON;
    }
}
