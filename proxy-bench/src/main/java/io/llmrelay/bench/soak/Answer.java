package io.llmrelay.bench.soak;

/**
 * What came back for one request, as read off the wire.
 *
 * @param status the status code; 0 when no head arrived
 * @param contentType the {@code Content-Type}, or null
 * @param contentLength the {@code Content-Length}, or -1 (chunked, or read to the close)
 * @param complete whether the HTTP message ended as its framing says (last chunk, or all of
 *     {@code Content-Length}); false when the connection closed first
 * @param body the body bytes received
 * @param backend {@code X-Relay-Backend}: the backend that answered, or null
 * @param attempts {@code X-Relay-Attempts}: backends tried, or 0 when absent
 * @param requestId {@code X-Request-Id}: the proxy's id of the exchange that wrote the answer (its
 *     access-log line has the same), or null
 */
record Answer(int status, String contentType, long contentLength, boolean complete, byte[] body, String backend,
        int attempts, String requestId) {

    /** The first {@code max} bytes of the body as text (newlines shown as \\n), for a report. */
    String excerpt(int max) {
        return text(0, Math.min(body.length, max));
    }

    /** The last {@code max} bytes of the body as text, for a report. */
    String tail(int max) {
        return text(Math.max(0, body.length - max), body.length);
    }

    private String text(int from, int to) {
        return new String(body, from, to - from, java.nio.charset.StandardCharsets.UTF_8).replace("\n", "\\n");
    }
}
