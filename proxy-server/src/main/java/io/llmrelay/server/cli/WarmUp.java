package io.llmrelay.server.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The requests of {@code serve --warm-up-and-exit}: every kind of route once, so that a class-data
 * archive made from this run (a static archive from its {@code -XX:DumpLoadedClassList}, or Java 25's
 * {@code -XX:AOTCacheOutput}) holds the classes a real start-up and its first requests load. {@code run.sh} and the Docker image
 * build such an archive; the proxy then starts in half the time.
 */
final class WarmUp {

    private static final String CHAT = "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"stream\":%s}";

    private WarmUp() {}

    /** Sends the requests to the proxy on {@code port}; the answers' contents do not matter, only that each ends. */
    static void run(int port, String chatModel, String embedModel) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String base = "http://127.0.0.1:" + port;
        for (String path : new String[] {"/", "/api/version", "/api/tags", "/api/ps", "/v1/models", "/health/ready",
                "/metrics", "/no-such-route"}) {
            send(http, HttpRequest.newBuilder(URI.create(base + path)).GET());
        }
        post(http, base + "/api/chat", String.format(CHAT, chatModel, "false"));
        post(http, base + "/api/chat", String.format(CHAT, chatModel, "true"));
        post(http, base + "/api/generate", "{\"model\":\"" + chatModel + "\",\"prompt\":\"Hi\"}");
        post(http, base + "/api/show", "{\"model\":\"" + chatModel + "\"}");
        post(http, base + "/api/embed", "{\"model\":\"" + embedModel + "\",\"input\":[\"Hi\"]}");
        post(http, base + "/v1/chat/completions", String.format(CHAT, chatModel, "false"));
        post(http, base + "/v1/chat/completions", String.format(CHAT, chatModel, "true"));
        post(http, base + "/api/chat", "{\"model\":"); // a malformed body: the error path
    }

    private static void post(HttpClient http, String url, String json) throws IOException, InterruptedException {
        send(http, HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    private static void send(HttpClient http, HttpRequest.Builder request) throws IOException, InterruptedException {
        http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.discarding());
    }
}
