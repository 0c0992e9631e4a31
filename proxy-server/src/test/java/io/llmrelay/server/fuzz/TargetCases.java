package io.llmrelay.server.fuzz;

import static io.llmrelay.server.fuzz.Draw.weight;

import java.util.List;

/**
 * Well-formed requests without a body to every route and to near misses of them: odd methods, odd
 * paths (double and trailing slashes, dot segments, percent-encoded names, other case), odd query
 * strings, with every kind of credentials.
 */
final class TargetCases {

    /** One request: method, target and credentials, to the open or the keyed proxy. */
    record TargetCase(String method, String target, Credentials credentials, boolean keyed) {
        @Override
        public String toString() {
            return method + " " + Oracle.abbreviate(target) + " " + credentials + " on the " + (keyed ? "keyed" : "open")
                    + " proxy";
        }
    }

    static final List<String> PATHS = List.of("/", "/api/version", "/api/tags", "/api/ps", "/api/show", "/api/chat",
            "/api/generate", "/api/embed", "/api/embeddings", "/api/pull", "/api/push", "/api/create", "/api/copy",
            "/api/delete", "/api/blobs/sha256:" + "a".repeat(64), "/api/blobs/x", "/v1/chat/completions",
            "/v1/completions", "/v1/embeddings", "/v1/messages", "/v1/messages/count_tokens", "/v1/messages/x", "/v1/models", "/v1/models/demo", "/v1/models/demo-embed",
            "/v1/models/no-such", "/v1/models/%00", "/v1/models/a%2Fb", "/v1/models/" + FakeOllamaNode.MODEL, "/health",
            "/health/ready", "/metrics", "/internal/status", "/internal/reload", "/v1", "/v1/", "/api", "/api/",
            "/api/tags/", "/api/tags//", "//api/tags", "/api/./tags", "/api/../api/tags", "/API/TAGS", "/api/%74ags",
            "/v1/models/demo/", "/api/blobs/", "/health/ready/x", "/favicon.ico", "/internal/", "/metrics/",
            "/v1/responses", "/v1/responses/resp_1", "/v1/responses/x/cancel");

    static final List<String> QUERIES = List.of("", "?", "?&&&", "?a=%", "?a=%zz", "?a=b#frag", "#frag", "?=", "?a",
            "?a=1&a=2&a=3", "?model=demo", "?%00=%00", "?q=%E2%82%AC", "?q=%C3", "?q=" + "x".repeat(7000),
            "?" + "k=v&".repeat(900), "?stream=true", "?a=b?c=d", "?;", "?\u00e9=\u00e8");

    private TargetCases() {}

    static TargetCase draw(Draw d) {
        String method = d.weighted(weight(6, () -> "GET"),
                weight(3, () -> d.pick("HEAD", "POST", "DELETE", "OPTIONS", "PUT", "PATCH", "TRACE", "PROPFIND", "BREW")));
        String path = d.pick(PATHS);
        String query = d.pick(QUERIES);
        return new TargetCase(method, path + query, Credentials.draw(d), d.bool());
    }
}
