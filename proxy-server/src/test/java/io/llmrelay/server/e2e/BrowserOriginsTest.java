package io.llmrelay.server.e2e;

import static io.llmrelay.server.testing.Ndjson.contentChunk;
import static io.llmrelay.server.testing.Ndjson.finishChunk;
import static io.llmrelay.server.testing.Ndjson.sse;
import static org.assertj.core.api.Assertions.assertThat;

import io.llmrelay.server.testing.Ndjson;
import io.llmrelay.server.testing.ProxiedBackend;
import io.llmrelay.server.testing.RelayHarness;
import mockwebserver3.MockResponse;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** CORS as Ollama applies it: browser-side clients (ollama-js in a web page) see the same rules. */
class BrowserOriginsTest {

    private static final String LOAD = "{\"model\":\"m\",\"messages\":[],\"stream\":false}";

    @RegisterExtension
    final ProxiedBackend proxied = new ProxiedBackend();

    private Response send(Request.Builder request) throws Exception {
        return proxied.relay.http.newCall(request.build()).execute();
    }

    /** What a browser sends before a cross-origin JSON POST. */
    private Request.Builder preflight(String origin, String headers) {
        return new Request.Builder().url(proxied.relay.url("/api/chat")).method("OPTIONS", null)
                .header("Origin", origin)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", headers);
    }

    private Request.Builder chat(String body) {
        return new Request.Builder().url(proxied.relay.url("/api/chat")).post(RequestBody.create(body, RelayHarness.JSON));
    }

    @Test
    void anAllowedOriginIsNamedOnTheAnswer() throws Exception {
        try (Response r = send(chat(LOAD).header("Origin", "http://localhost:5173"))) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.header("Access-Control-Allow-Origin")).isEqualTo("http://localhost:5173");
            assertThat(r.header("Vary")).isEqualTo("origin");
        }
    }

    @Test
    void aStreamedAnswerCarriesItToo() throws Exception {
        proxied.backend.enqueueSse(sse(contentChunk("hi"), finishChunk("stop")), 7);
        String body = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
        try (Response r = send(chat(body).header("Origin", "app://desktop"))) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.header("Access-Control-Allow-Origin")).isEqualTo("app://desktop");
            assertThat(Ndjson.parse(r.body().string()).get(0).get("message").get("content").asText()).isEqualTo("hi");
        }
    }

    @Test
    void anotherOriginIsRefusedWith403BeforeTheBackendIsCalled() throws Exception {
        String body = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
        try (Response r = send(chat(body).header("Origin", "https://evil.example"))) {
            assertThat(r.code()).isEqualTo(403);
            assertThat(r.header("Access-Control-Allow-Origin")).isNull();
            assertThat(Ndjson.json(r.body().string()).get("error").asText())
                    .isEqualTo("origin https://evil.example is not allowed; add it with OLLAMA_ORIGINS or --origins");
        }
        assertThat(proxied.backend.untakenRequests()).isZero();
    }

    @Test
    void aPreflightIsAnsweredWith204AndTheConnectionStaysUsable() throws Exception {
        try (Response r = send(preflight("http://127.0.0.1:3000", "content-type,x-stainless-os"))) {
            assertThat(r.code()).isEqualTo(204);
            assertThat(r.header("Access-Control-Allow-Origin")).isEqualTo("http://127.0.0.1:3000");
            assertThat(r.header("Access-Control-Allow-Methods")).contains("POST");
            assertThat(r.header("Access-Control-Allow-Headers")).isEqualTo("content-type,x-stainless-os");
            assertThat(r.header("Access-Control-Max-Age")).isEqualTo("43200");
            assertThat(r.header("Content-Length")).isNull();
            assertThat(r.body().bytes()).isEmpty();
        }
        try (Response r = send(chat(LOAD).header("Origin", "http://127.0.0.1:3000"))) {
            assertThat(r.code()).isEqualTo(200);
        }
    }

    @Test
    void aPreflightAskingForAnUnknownHeaderIsRefused() throws Exception {
        try (Response r = send(preflight("http://localhost:3000", "x-secret"))) {
            assertThat(r.code()).isEqualTo(403);
        }
    }

    @Test
    void requestsWithoutAnOriginAreUntouched() throws Exception {
        try (Response r = proxied.relay.post("/api/chat", LOAD)) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.header("Access-Control-Allow-Origin")).isNull();
            assertThat(r.header("Vary")).isNull();
        }
    }

    @Test
    void aPassedThroughAnswerNamesTheOriginOnceWhateverTheBackendSaid() throws Exception {
        proxied.backend.enqueue(new MockResponse.Builder().setHeader("Content-Type", "application/json")
                .setHeader("Access-Control-Allow-Origin", "*").body("{\"object\":\"chat.completion\"}").build());
        Request.Builder request = new Request.Builder().url(proxied.relay.url("/v1/chat/completions"))
                .post(RequestBody.create("{\"model\":\"m\",\"messages\":[]}", RelayHarness.JSON))
                .header("Origin", "http://localhost:3000");
        try (Response r = send(request)) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.headers("Access-Control-Allow-Origin")).containsExactly("http://localhost:3000");
        }
    }
}
