package io.llmrelay.core.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which browser origins may call the proxy, as Ollama decides it: its default origins (localhost,
 * 127.0.0.1 and 0.0.0.0 on any port, and the app schemes of desktop and editor shells) plus those the
 * operator adds ({@code OLLAMA_ORIGINS} or {@code --origins}), where {@code *} matches any run of
 * characters and a lone {@code *} allows every origin. Requests without an {@code Origin} header
 * (every non-browser client) are not concerned.
 */
public final class CorsPolicy {

    /** The methods a preflight may ask for (those of Ollama's CORS defaults). */
    public static final String ALLOWED_METHODS = "GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS";
    /** How long a browser may cache a preflight answer, in seconds (12 h, as Ollama). */
    public static final int MAX_AGE_SECONDS = 12 * 60 * 60;

    /** Ollama's default origins: the local hosts on any port, and the schemes of desktop and IDE apps. */
    private static final List<String> DEFAULT_ORIGINS = List.of(
            "http://localhost", "http://localhost:*", "https://localhost", "https://localhost:*",
            "http://127.0.0.1", "http://127.0.0.1:*", "https://127.0.0.1", "https://127.0.0.1:*",
            "http://0.0.0.0", "http://0.0.0.0:*", "https://0.0.0.0", "https://0.0.0.0:*",
            "app://*", "file://*", "tauri://*", "vscode-webview://*", "vscode-file://*");
    private static final Set<String> ALLOWED_HEADERS = Set.of("authorization", "content-type", "user-agent",
            "accept", "x-requested-with", "openai-beta", "x-request-id", "x-api-key");
    private static final String STAINLESS_PREFIX = "x-stainless-"; // headers the openai SDKs send

    private final List<String> patterns;
    private final boolean anyOrigin;

    private CorsPolicy(List<String> patterns) {
        this.patterns = List.copyOf(patterns);
        this.anyOrigin = patterns.contains("*");
    }

    /** Ollama's default origins plus {@code extra} (comma-separated entries are split). */
    public static CorsPolicy withExtraOrigins(List<String> extra) {
        List<String> all = new ArrayList<>();
        for (String entry : extra) {
            for (String origin : entry.split(",")) {
                if (!origin.isBlank()) {
                    all.add(origin.trim().toLowerCase(Locale.ROOT));
                }
            }
        }
        all.addAll(DEFAULT_ORIGINS);
        return new CorsPolicy(all);
    }

    public static CorsPolicy defaultPolicy() {
        return withExtraOrigins(List.of());
    }

    /** Two policies are equal when they allow the same origin patterns (a reload compares them). */
    @Override
    public boolean equals(Object other) {
        return other instanceof CorsPolicy p && p.patterns.equals(patterns);
    }

    @Override
    public int hashCode() {
        return patterns.hashCode();
    }

    public boolean allowsOrigin(String origin) {
        if (anyOrigin) {
            return true;
        }
        String o = origin.toLowerCase(Locale.ROOT);
        for (String pattern : patterns) {
            if (matches(pattern, o)) {
                return true;
            }
        }
        return false;
    }

    /** The {@code Access-Control-Allow-Origin} value for an allowed origin. */
    public String allowOriginValue(String origin) {
        return anyOrigin ? "*" : origin;
    }

    /**
     * Whether every header of a preflight's {@code Access-Control-Request-Headers} (comma-separated,
     * null when none) may be sent.
     */
    public boolean allowsHeaders(String requested) {
        if (requested == null) {
            return true;
        }
        for (String header : requested.split(",")) {
            String h = header.trim().toLowerCase(Locale.ROOT);
            if (!h.isEmpty() && !ALLOWED_HEADERS.contains(h) && !h.startsWith(STAINLESS_PREFIX)) {
                return false;
            }
        }
        return true;
    }

    /** {@code *} matches any run of characters; everything else literally. */
    static boolean matches(String pattern, String value) {
        int star = pattern.indexOf('*');
        if (star < 0) {
            return pattern.equals(value);
        }
        String[] parts = pattern.split("\\*", -1);
        if (!value.startsWith(parts[0])) {
            return false;
        }
        int at = parts[0].length();
        for (int i = 1; i < parts.length - 1; i++) {
            int found = value.indexOf(parts[i], at);
            if (found < 0) {
                return false;
            }
            at = found + parts[i].length();
        }
        String last = parts[parts.length - 1];
        return value.length() - at >= last.length() && value.endsWith(last);
    }

    @Override
    public String toString() {
        return String.join(", ", patterns);
    }
}
