package io.llmrelay.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;

/** What of a backend's response headers reaches the client of a pass-through. */
class AttemptHeadersTest {

    @Test
    void hopByHopCorsTheNamedOnesAndTheRequestIdAreLeftOutEndToEndOnesStayInOrder() {
        HttpHeaders backend = new DefaultHttpHeaders()
                .add("Content-Type", "application/json")
                .add("Connection", "keep-alive, X-Backend-Hop")
                .add("X-Backend-Hop", "1")
                .add("Keep-Alive", "timeout=5")
                .add("Transfer-Encoding", "chunked")
                .add("Access-Control-Allow-Origin", "")
                .add("x-request-id", "backend-id")
                .add("X-Kept", "a")
                .add("X-Kept", "b")
                .add("Date", "Tue, 01 Dec 2026 05:00:00 GMT");

        HttpHeaders kept = Attempt.endToEndHeaders(backend);

        assertThat(kept.names()).containsExactlyInAnyOrder("Content-Type", "X-Kept", "Date");
        assertThat(kept.getAll("x-kept")).containsExactly("a", "b");
    }

    @Test
    void aBackendWithNothingToLeaveOutKeepsEverything() {
        HttpHeaders backend = new DefaultHttpHeaders().add("Content-Type", "text/event-stream").add("Server", "vllm");
        assertThat(Attempt.endToEndHeaders(backend).names()).containsExactlyInAnyOrder("Content-Type", "Server");
    }
}
