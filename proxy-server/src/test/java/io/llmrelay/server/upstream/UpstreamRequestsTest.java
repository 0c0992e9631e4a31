package io.llmrelay.server.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrelay.core.config.BackendConfig;
import io.llmrelay.core.config.BackendOptions;
import io.llmrelay.core.config.Secret;
import io.llmrelay.server.testing.RelayHarness;
import io.llmrelay.testing.SeenSecrets;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class UpstreamRequestsTest {

    private static final String BODY = "{\"model\":\"m\"}";

    /** The headers a backend receives for {@code client}'s request, passed through. */
    private static HttpHeaders forwarded(BackendConfig backend, FullHttpRequest client) {
        UpstreamRequest request = UpstreamRequests.passThrough(backend, client, "/v1/chat/completions", "rid-1",
                client.content().retainedDuplicate());
        FullHttpRequest sent = request.newAttempt();
        try {
            return sent.headers().copy();
        } finally {
            sent.release();
            request.release();
            client.release();
        }
    }

    private static FullHttpRequest client(String... namesAndValues) {
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST,
                "/v1/chat/completions", Unpooled.copiedBuffer(BODY, StandardCharsets.UTF_8));
        for (int i = 0; i < namesAndValues.length; i += 2) {
            request.headers().add(namesAndValues[i], namesAndValues[i + 1]);
        }
        return request;
    }

    @Test
    void endToEndHeadersGoOnInTheirOrderAndRepeatsStay() {
        HttpHeaders sent = forwarded(RelayHarness.backend("http://127.0.0.1:9/v1", null), client(
                "Content-Type", "application/json", "X-Trace", "a", "Accept", "text/event-stream", "X-Trace", "b"));

        assertThat(sent.get("content-type")).isEqualTo("application/json");
        assertThat(sent.get("accept")).isEqualTo("text/event-stream");
        assertThat(sent.getAll("x-trace")).containsExactly("a", "b");
    }

    @Test
    void hopByHopCredentialsAndTheProxysOwnHeadersAreDroppedInAnyCase() {
        HttpHeaders sent = forwarded(RelayHarness.backend("http://127.0.0.1:9/v1", null), client(
                "HOST", "client.example", "Connection", "Keep-Alive, X-Secret", "keep-alive", "timeout=5",
                "Proxy-Connection", "keep-alive", "TE", "trailers", "Trailer", "X-Late", "Upgrade", "h2c",
                "Transfer-Encoding", "chunked", "Content-Length", "999", "Expect", "100-continue",
                "Accept-Encoding", "gzip", "Proxy-Authorization", "Basic eA==", "Proxy-Authenticate", "x",
                "X-Request-Id", "client-id", "X-Relay-Backend", "other", "X-API-KEY", "relay-key",
                "authorization", "Bearer client-key", "X-Kept", "yes"));

        assertThat(sent.get("host")).isEqualTo("127.0.0.1:9");
        assertThat(sent.get("connection")).isEqualTo("keep-alive");
        assertThat(sent.get("x-request-id")).isEqualTo("rid-1");
        assertThat(sent.get("content-length")).isEqualTo(Integer.toString(BODY.length()));
        assertThat(sent.get("x-kept")).isEqualTo("yes");
        assertThat(sent.names()).map(String::toLowerCase).doesNotContain("keep-alive", "proxy-connection", "te",
                "trailer", "upgrade", "transfer-encoding", "expect", "accept-encoding", "proxy-authorization",
                "proxy-authenticate", "x-relay-backend", "x-api-key", "authorization");
        assertThat(sent.getAll("content-length")).hasSize(1);
    }

    @Test
    void aBackendWithAKeyGetsItsOwnAndOneWithPassClientAuthGetsTheClients() {
        HttpHeaders keyed = forwarded(RelayHarness.backend("http://127.0.0.1:9/v1", Secret.of(SeenSecrets.key("sk-backend"), "test")),
                client("Authorization", "Bearer client-key"));
        assertThat(keyed.getAll("authorization")).containsExactly("Bearer sk-backend");

        BackendConfig passing = RelayHarness.member("b", "http://127.0.0.1:9/v1",
                BackendOptions.defaults().withPassClientAuth(true));
        HttpHeaders passed = forwarded(passing, client("AUTHORIZATION", "Bearer first", "Authorization", "Bearer second"));
        assertThat(passed.getAll("authorization")).containsExactly("Bearer first");
    }

    /** A header the client's {@code Connection} names is for the proxy's hop only (RFC 9110, 7.6.1). */
    @Test
    void headersTheClientsConnectionNamesAreNotForwarded() {
        HttpHeaders sent = forwarded(RelayHarness.backend("http://127.0.0.1:9/v1", null), client(
                "X-Secret", "s", "Connection", "keep-alive, X-SECRET,x-other", "x-other", "o", "X-Kept", "yes"));

        assertThat(sent.get("x-kept")).isEqualTo("yes");
        assertThat(sent.contains("x-secret")).isFalse();
        assertThat(sent.contains("x-other")).isFalse();
        assertThat(sent.get("connection")).isEqualTo("keep-alive");
    }
}
