package io.llmrelay.server.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmrelay.server.testing.RawHttp;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What every answer to a fuzzed input must be: on time (the socket's 20 s read timeout is the
 * deadline: a hang fails), never a 5xx of the proxy's own (a 5xx must name the backend that gave it,
 * {@code X-Relay-Backend}, and must not be the proxy's "internal error"), an error body that is JSON in
 * the caller's API shape, a success body that is what its content type says; and after it a fresh
 * connection is served. Also tallies what came back, by route and status, for the run's summary.
 */
final class Oracle {

    /** The API whose error shape an answer must have; {@code EITHER} when the request was too broken to tell. */
    enum Shape {
        OLLAMA, OPENAI, ANTHROPIC, EITHER;

        static Shape ofPath(String path) {
            if (path.equals("/v1/messages") || path.startsWith("/v1/messages/")) {
                return ANTHROPIC;
            }
            return path.startsWith("/v1/") || path.equals("/v1") ? OPENAI : OLLAMA;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, LongAdder> SEEN = new ConcurrentHashMap<>();

    private Oracle() {}

    /**
     * Checks one answer to {@code input} (its description, for the failure message).
     *
     * @param head the request was a HEAD: no body to check
     */
    static void check(String input, RawHttp.Response r, Shape shape, boolean head) {
        String where = FuzzTarget.masked(" for " + input + "\nanswer: " + r.status() + " " + r.headers() + "\n"
                + abbreviate(r.body()));
        if (r.status() >= 500) {
            if (r.header("x-relay-backend") == null || r.body().contains("internal error in llm-relay")) {
                throw new AssertionError("a 5xx of the proxy's own" + where);
            }
        }
        if (r.status() < 100 || r.status() > 599) {
            throw new AssertionError("an impossible status" + where);
        }
        if (head || r.cut() || r.status() == 204 || r.status() == 304 || r.status() < 200) {
            return;
        }
        String type = r.header("content-type") == null ? "" : r.header("content-type");
        if (r.status() >= 400) {
            if (!type.startsWith("application/json")) {
                throw new AssertionError("an error that is not JSON" + where);
            }
            errorShape(json(r.body(), where), shape, where);
        } else if (type.startsWith("application/json") && !r.body().isEmpty()) {
            json(r.body(), where);
        } else if (type.startsWith("application/x-ndjson")) {
            for (String line : r.body().split("\n")) {
                if (!line.isBlank()) {
                    json(line, where);
                }
            }
        } else if (type.startsWith("text/event-stream")) {
            for (String line : r.body().split("\n")) {
                if (!line.isEmpty() && !line.startsWith("data:") && !line.startsWith(":")
                        && !line.startsWith("event:") && !line.startsWith("id:") && !line.startsWith("retry:")) {
                    throw new AssertionError("a broken event stream line '" + abbreviate(line) + "'" + where);
                }
            }
        }
    }

    private static void errorShape(JsonNode body, Shape shape, String where) {
        JsonNode error = body.get("error");
        boolean ollama = error != null && error.isTextual() && !error.textValue().isEmpty();
        boolean openAi = error != null && error.isObject() && error.path("message").isTextual()
                && error.path("type").isTextual();
        boolean anthropic = openAi && body.path("type").asText("").equals("error");
        boolean ok = switch (shape) {
            case OLLAMA -> ollama;
            case OPENAI -> openAi;
            case ANTHROPIC -> anthropic;
            case EITHER -> ollama || openAi;
        };
        if (!ok) {
            throw new AssertionError("an error body not in the " + shape + " shape" + where);
        }
    }

    private static JsonNode json(String text, String where) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new AssertionError("a body that is not JSON (" + e.getMessage() + ")" + where);
        }
    }

    /** The proxy still serves: {@code GET /api/version} on a new connection is answered 200 with its version. */
    static void freshConnectionServed(int port, String after) throws IOException {
        try (RawHttp client = RawHttp.connect(port, 64 * 1024)) {
            client.send(RawHttp.getRequest("/api/version"));
            RawHttp.Response r = client.readResponse();
            if (r == null || r.status() != 200 || !r.body().contains("\"version\"")) {
                throw new AssertionError("a fresh connection was not served after " + after + ": " + r);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("a fresh connection hung after " + after, e);
        }
    }

    /** Counts an answer for the summary. */
    static void tally(String route, int status) {
        SEEN.computeIfAbsent(route + " " + status, k -> new LongAdder()).increment();
    }

    /** Route and status of every answer seen so far, with counts. */
    static String summary() {
        Map<String, Long> sorted = new TreeMap<>();
        SEEN.forEach((k, v) -> sorted.put(k, v.sum()));
        StringBuilder out = new StringBuilder();
        sorted.forEach((k, v) -> out.append(k).append(": ").append(v).append('\n'));
        return out.toString();
    }

    static String abbreviate(String s) {
        return s.length() <= 600 ? s : s.substring(0, 600) + "... (" + s.length() + " chars)";
    }
}
