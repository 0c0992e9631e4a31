package io.llmrelay.server.exchange;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.Iterator;

/**
 * The key a request presents: {@code Authorization: Bearer <key>} (what Ollama and OpenAI clients
 * send) or {@code x-api-key: <key>}. Both may be sent if they hold the same key; two different keys
 * are refused rather than one of them chosen. Only ever held for the duration of the check: never
 * stored, logged or echoed.
 *
 * @param key the key; null when none is presented
 * @param conflicting true when the request holds two different keys
 */
record PresentedKey(String key, boolean conflicting) {

    static final AsciiString X_API_KEY = AsciiString.cached("x-api-key");
    private static final String BEARER = "bearer ";
    private static final PresentedKey NONE = new PresentedKey(null, false);
    private static final PresentedKey CONFLICT = new PresentedKey(null, true);

    static PresentedKey of(HttpHeaders headers) {
        String bearer = null;
        // iterated, not listed: a list per header per request was a good part of the check's cost
        for (Iterator<String> it = headers.valueStringIterator(HttpHeaderNames.AUTHORIZATION); it.hasNext(); ) {
            String token = bearer(it.next());
            if (token != null) {
                if (bearer != null && !bearer.equals(token)) {
                    return CONFLICT;
                }
                bearer = token;
            }
        }
        String apiKey = null;
        for (Iterator<String> it = headers.valueStringIterator(X_API_KEY); it.hasNext(); ) {
            String v = it.next().strip();
            if (!v.isEmpty()) {
                if (apiKey != null && !apiKey.equals(v)) {
                    return CONFLICT;
                }
                apiKey = v;
            }
        }
        if (bearer != null && apiKey != null && !bearer.equals(apiKey)) {
            return CONFLICT;
        }
        String key = bearer != null ? bearer : apiKey;
        return key == null ? NONE : new PresentedKey(key, false);
    }

    /** The token of a {@code Bearer} credential (the scheme in any case); null for another scheme or none. */
    private static String bearer(String authorization) {
        String v = authorization.strip();
        if (v.length() <= BEARER.length() || !v.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return null;
        }
        String token = v.substring(BEARER.length()).strip();
        return token.isEmpty() ? null : token;
    }

    @Override
    public String toString() {
        return key == null ? (conflicting ? "PresentedKey[two different keys]" : "PresentedKey[none]")
                : "PresentedKey[redacted]";
    }
}
