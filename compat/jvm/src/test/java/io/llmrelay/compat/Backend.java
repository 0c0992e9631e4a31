package io.llmrelay.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Where the proxy and the scriptable backend are (set by compat/run.sh), and the backend's control
 * API (compat/backend/compat_backend.py): script replies by scenario name, read back what arrived.
 */
final class Backend {

    static final String PROXY = required("COMPAT_PROXY_URL");
    static final String URL = required("COMPAT_BACKEND_URL");
    static final ObjectMapper JSON = new ObjectMapper();
    /**
     * compat/run.sh --fleet: the model ids the two mock backends add to the catalogue, as /api/tags
     * lists them, from RELAY_COMPAT_FLEET ("mock-a=m1,m2 mock-b=m2,m3"); empty when the proxy
     * serves the scriptable backend alone.
     */
    static final Set<String> FLEET_MODELS = fleetModels(System.getenv("RELAY_COMPAT_FLEET"));

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private Backend() {}

    private static String required(String name) {
        String v = System.getenv(name);
        if (v == null || v.isBlank()) {
            throw new IllegalStateException(name + " is not set: run the suite through compat/run.sh");
        }
        return v.replaceAll("/$", "");
    }

    private static Set<String> fleetModels(String fleet) {
        Set<String> models = new HashSet<>();
        for (String entry : (fleet == null ? "" : fleet).trim().split("\\s+")) {
            if (!entry.isEmpty()) {
                for (String id : entry.substring(entry.indexOf('=') + 1).split(",")) {
                    // Ollama's ":latest" when the id has no tag
                    models.add(id.substring(id.lastIndexOf('/') + 1).contains(":") ? id : id + ":latest");
                }
            }
        }
        return Set.copyOf(models);
    }

    /** Forgets earlier scripts and requests, then queues the named scenarios. */
    static void script(String... scenarios) {
        call("POST", "/__reset", "{}");
        for (String s : scenarios) {
            call("POST", "/__script", "{\"scenario\":\"" + s + "\"}");
        }
    }

    /** The inference requests' bodies (catalog reads left out), after checking every script was used. */
    static List<JsonNode> upstream() {
        JsonNode state = call("GET", "/__requests", null);
        assertEquals(0, state.get("unscripted").size(), "requests reached the backend with no scripted reply: "
                + state.get("unscripted"));
        assertEquals(0, state.get("pending").asInt(), "scripted replies were left unused");
        List<JsonNode> posts = new ArrayList<>();
        for (JsonNode r : state.get("requests")) {
            if (r.get("method").asText().equals("POST")) {
                posts.add(r);
            }
        }
        return posts;
    }

    static List<JsonNode> upstreamBodies() {
        List<JsonNode> bodies = new ArrayList<>();
        for (JsonNode r : upstream()) {
            bodies.add(r.get("body"));
        }
        return bodies;
    }

    /** The one inference request a case made, asserted to go to {@code path}. */
    static JsonNode onlyUpstream(String path) {
        List<JsonNode> posts = upstream();
        assertEquals(1, posts.size(), "upstream requests: " + posts);
        assertEquals(path, posts.get(0).get("path").asText());
        return posts.get(0).get("body");
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException("bad JSON in a test: " + text, e);
        }
    }

    private static JsonNode call(String method, String path, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(URL + path)).timeout(Duration.ofSeconds(30));
        if (body != null) {
            b.header("content-type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        try {
            HttpResponse<String> res = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, res.statusCode(), "backend control " + path);
            return JSON.readTree(res.body());
        } catch (IOException e) {
            throw new IllegalStateException("backend control " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
