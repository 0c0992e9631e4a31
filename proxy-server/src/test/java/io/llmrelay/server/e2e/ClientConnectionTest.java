package io.llmrelay.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrelay.server.testing.Ndjson;
import io.llmrelay.server.testing.ProxiedBackend;
import io.llmrelay.server.testing.RawHttp;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** How the proxy reads requests off a client connection: split, pipelined, too large, malformed. */
class ClientConnectionTest {

    /** A load-only chat: answered by the proxy itself, so these tests need no backend script. */
    private static final String LOAD = "{\"model\":\"m\",\"messages\":[],\"stream\":false}";

    @RegisterExtension
    final ProxiedBackend proxied = new ProxiedBackend();

    @Test
    void aRequestThatArrivesInTwoReadsIsAnswered() throws Exception {
        try (RawHttp client = RawHttp.connect(proxied.relay.port(), 64 * 1024)) {
            client.postInTwoParts("/api/chat", LOAD, 100);
            client.postInTwoParts("/api/chat", LOAD.replace("}", ",\"x\":1}"), 100);
            client.post("/api/chat", LOAD, "Connection: close");
            String raw = client.readAllRaw();
            assertThat(raw.split("HTTP/1.1 200 OK", -1)).hasSize(4);
            assertThat(raw).contains("\"done_reason\":\"load\"");
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        ByteArrayOutputStream three = new ByteArrayOutputStream();
        three.write(RawHttp.request("/api/chat", LOAD, "X-Request-ID: first"));
        three.write(RawHttp.request("/api/tags", "", "X-Request-ID: second"));
        three.write(RawHttp.request("/api/chat", LOAD, "X-Request-ID: third", "Connection: close"));
        try (RawHttp client = RawHttp.connect(proxied.relay.port(), 64 * 1024)) {
            client.send(three.toByteArray());
            String raw = client.readAllRaw();
            int first = raw.indexOf("x-request-id: first");
            int second = raw.indexOf("x-request-id: second");
            int third = raw.indexOf("x-request-id: third");
            assertThat(first).isPositive();
            assertThat(second).isGreaterThan(first);
            assertThat(third).isGreaterThan(second);
        }
    }

    @Test
    void connectionCloseIsHonoured() throws Exception {
        try (RawHttp client = RawHttp.connect(proxied.relay.port(), 64 * 1024)) {
            client.post("/api/chat", LOAD, "Connection: close");
            String raw = client.readAllRaw(); // returns only because the proxy closed the connection
            assertThat(raw).startsWith("HTTP/1.1 200 OK").contains("\"done\":true");
        }
    }

    @Test
    void theAnswerToConnectionCloseSaysSoAndRequestsBehindItAreNotAnswered() throws Exception {
        ByteArrayOutputStream two = new ByteArrayOutputStream();
        two.write(RawHttp.request("/api/chat", LOAD, "X-Request-ID: closing", "Connection: close"));
        two.write(RawHttp.request("/api/chat", LOAD, "X-Request-ID: after"));
        try (RawHttp client = RawHttp.connect(proxied.relay.port(), 64 * 1024)) {
            client.send(two.toByteArray());
            RawHttp.Response answer = client.readResponse();
            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.header("connection")).isEqualTo("close");
            assertThat(client.closedByServer()).isTrue();
        }
    }

    @Test
    void http10ClosesAfterItsAnswerUnlessItAsksForKeepAlive() throws Exception {
        String request10 = "POST /api/chat HTTP/1.0\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
                + LOAD.length() + "\r\n";
        try (RawHttp client = RawHttp.connect(proxied.relay.port(), 64 * 1024)) {
            client.send((request10 + "\r\n" + LOAD).getBytes(StandardCharsets.US_ASCII));
            RawHttp.Response answer = client.readResponse();
            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.header("connection")).isEqualTo("close");
            assertThat(client.closedByServer()).isTrue();
        }
        try (RawHttp client = RawHttp.connect(proxied.relay.port(), 64 * 1024)) {
            for (int i = 0; i < 2; i++) {
                client.send((request10 + "Connection: keep-alive\r\n\r\n" + LOAD).getBytes(StandardCharsets.US_ASCII));
                RawHttp.Response answer = client.readResponse();
                assertThat(answer.status()).isEqualTo(200);
                assertThat(answer.header("connection")).isNull();
                assertThat(answer.body()).contains("\"done\":true");
            }
        }
    }

    /**
     * HTTP/1.0 has no chunked coding: a streamed answer to it is the raw NDJSON lines, ended by the
     * connection's close, even when the client asked to keep the connection.
     */
    @Test
    void aStreamedAnswerToHttp10IsNotChunkedAndEndsWithTheConnection() throws Exception {
        proxied.backend.enqueueSse(Ndjson.sse(Ndjson.contentChunk("Hel"), Ndjson.contentChunk("lo"),
                Ndjson.finishChunk("stop")), 1000);
        String chat = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":true}";
        try (RawHttp client = RawHttp.connect(proxied.relay.port(), 64 * 1024)) {
            client.send(("POST /api/chat HTTP/1.0\r\nHost: x\r\nConnection: keep-alive\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + chat.length() + "\r\n\r\n" + chat).getBytes(StandardCharsets.US_ASCII));
            String raw = client.readAllRaw(); // returns only because the proxy closed the connection
            String head = raw.substring(0, raw.indexOf("\r\n\r\n")).toLowerCase(java.util.Locale.ROOT);
            assertThat(head).startsWith("http/1.1 200").contains("connection: close")
                    .doesNotContain("transfer-encoding").doesNotContain("content-length");
            java.util.List<com.fasterxml.jackson.databind.JsonNode> lines =
                    Ndjson.parse(raw.substring(raw.indexOf("\r\n\r\n") + 4));
            assertThat(lines).hasSize(3);
            assertThat(lines.get(0).get("message").get("content").asText()).isEqualTo("Hel");
            assertThat(lines.get(2).get("done").asBoolean()).isTrue();
        }
    }

    @Test
    void anOversizedBodyGets413InTheCallersShape() throws Exception {
        String big = "{\"model\":\"m\",\"prompt\":\"" + "x".repeat(2 * 1024 * 1024) + "\"}";
        try (RawHttp client = RawHttp.connect(proxied.relay.port(), 64 * 1024)) {
            client.post("/api/generate", big);
            String raw = client.readAllRaw();
            assertThat(raw).startsWith("HTTP/1.1 413");
            assertThat(Ndjson.json(raw.substring(raw.indexOf("\r\n\r\n") + 4)).get("error").asText())
                    .contains("too large").contains("1048576");
        } catch (java.net.SocketException resetWhileSending) {
            // the proxy may close before the whole body is sent; the status was covered below
        }
        try (RawHttp client = RawHttp.connect(proxied.relay.port(), 64 * 1024)) {
            client.send(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Expect: 100-continue\r\nContent-Length: 5000000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String raw = client.readAllRaw();
            assertThat(raw).startsWith("HTTP/1.1 413");
            assertThat(Ndjson.json(raw.substring(raw.indexOf("\r\n\r\n") + 4)).get("error").get("type").asText())
                    .isEqualTo("invalid_request_error");
        }
    }

    @Test
    void aMalformedRequestGets400AndTheConnectionCloses() throws Exception {
        try (RawHttp client = RawHttp.connect(proxied.relay.port(), 64 * 1024)) {
            client.send("POST /api/chat HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String raw = client.readAllRaw();
            assertThat(raw).startsWith("HTTP/1.1 400");
            assertThat(raw).contains("\"error\":\"malformed HTTP request");
        }
    }
}
