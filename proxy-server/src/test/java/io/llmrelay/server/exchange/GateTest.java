package io.llmrelay.server.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrelay.core.api.Clocks;
import io.llmrelay.core.config.Secret;
import io.llmrelay.core.config.SecurityConfig;
import io.llmrelay.core.metrics.ErrorKind;
import io.llmrelay.core.metrics.RelayMetrics;
import io.llmrelay.core.security.Cidr;
import io.llmrelay.core.security.KeyDigest;
import io.llmrelay.server.http.Route;
import io.llmrelay.server.testing.Ndjson;
import io.llmrelay.server.testing.RelayHarness;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import io.llmrelay.testing.SeenSecrets;

/**
 * The gate on an embedded channel whose peer is any address a test names: the admin routes' loopback
 * rule from addresses this machine may not have, a trusted proxy vouching for a client, and the
 * rate-limit hook's place after the key check.
 */
class GateTest {

    private static final ExchangeContext CONTEXT = new ExchangeContext(
            RelayHarness.config(RelayHarness.backend("http://127.0.0.1:9/v1", null)), Clocks.SYSTEM, new RelayMetrics());

    /** Every route answers 200 with its label, and records who reached it. */
    private final List<String> served = new ArrayList<>();

    private Map<Route, Endpoint> table() {
        Map<Route, Endpoint> table = new EnumMap<>(Route.class);
        for (Route r : Route.values()) {
            table.put(r, ex -> {
                served.add(r.label() + " " + ex.keyName() + " " + ex.clientAddress().getHostAddress());
                ex.respondJson(ByteBufUtil.writeUtf8(ex.alloc(), "{\"ok\":true}"));
            });
        }
        return table;
    }

    private static SecurityConfig security(List<String> trusted, SecurityConfig.Admin admin, String... nameAndKey) {
        List<SecurityConfig.ClientKey> keys = new ArrayList<>();
        for (int i = 0; i + 1 < nameAndKey.length; i += 2) {
            keys.add(new SecurityConfig.ClientKey(nameAndKey[i], KeyDigest.of(nameAndKey[i + 1]), List.of("m*"),
                    SecurityConfig.KeyLimits.OFF, "test"));
        }
        SecurityConfig.Auth auth = keys.isEmpty() ? SecurityConfig.Auth.none()
                : new SecurityConfig.Auth(keys, null, "TEST_KEYS");
        return new SecurityConfig(auth, SecurityConfig.Limits.none(), trusted.stream().map(Cidr::parse).toList(), admin);
    }

    /** A connection from {@code peer}. */
    private static EmbeddedChannel from(String peer, Dispatcher dispatcher) {
        SocketAddress address = new InetSocketAddress(peer, 40000);
        return new EmbeddedChannel(new ExchangeHandler(CONTEXT, dispatcher)) {
            @Override
            protected SocketAddress remoteAddress0() {
                return address;
            }
        };
    }

    private record Answer(int status, String body) {}

    private static Answer send(EmbeddedChannel ch, String uri, String... headers) {
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.headers().add(headers[i], headers[i + 1]);
            io.llmrelay.testing.SeenSecrets.header(headers[i], headers[i + 1]); // for the suite's log scan
        }
        ch.writeInbound(request);
        FullHttpResponse response = ch.readOutbound();
        try {
            return new Answer(response.status().code(), response.content().toString(StandardCharsets.UTF_8));
        } finally {
            response.release();
        }
    }

    @Test
    void anAdminRouteFromAnotherMachineIs403AndFromThisOneIsServed() {
        Dispatcher d = new Dispatcher(table(), new Gate(() -> security(List.of(), SecurityConfig.Admin.none()),
                RequestLimiter.NONE), false);
        for (String external : List.of("203.0.113.9", "2001:db8::7", "10.0.0.1")) {
            EmbeddedChannel ch = from(external, d);
            Answer a = send(ch, "/metrics");
            assertThat(a.status()).as(external).isEqualTo(403);
            assertThat(Ndjson.json(a.body()).get("error").asText()).startsWith("/metrics is served only to clients on "
                    + "this machine (loopback)");
            assertThat(send(ch, "/internal/status").status()).as(external).isEqualTo(403);
            assertThat(send(ch, "/api/tags").status()).as(external).isEqualTo(200);
            ch.finishAndReleaseAll();
        }
        for (String local : List.of("127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1")) {
            EmbeddedChannel ch = from(local, d);
            assertThat(send(ch, "/metrics").status()).as(local).isEqualTo(200);
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void onlyATrustedProxyMayVouchForALocalClient() {
        Dispatcher d = new Dispatcher(table(), new Gate(() -> security(List.of("10.0.0.0/8"),
                SecurityConfig.Admin.none()), RequestLimiter.NONE), false);
        EmbeddedChannel proxy = from("10.0.0.5", d);
        assertThat(send(proxy, "/metrics", "X-Forwarded-For", "127.0.0.1").status()).isEqualTo(200);
        assertThat(send(proxy, "/metrics", "X-Forwarded-For", "127.0.0.1, 203.0.113.4").status()).isEqualTo(403);
        assertThat(send(proxy, "/metrics").status()).isEqualTo(403); // the proxy itself is not on this machine
        proxy.finishAndReleaseAll();
        EmbeddedChannel spoofer = from("203.0.113.4", d);
        assertThat(send(spoofer, "/metrics", "X-Forwarded-For", "127.0.0.1").status()).isEqualTo(403);
        spoofer.finishAndReleaseAll();
    }

    @Test
    void theAdminPortServesOnlyTheAdminRoutesToAnyPeerUnlessAKeyIsSet() {
        Dispatcher open = new Dispatcher(table(), new Gate(() -> security(List.of(),
                new SecurityConfig.Admin(9100, null)), RequestLimiter.NONE), true);
        EmbeddedChannel main = from("127.0.0.1", open);
        assertThat(send(main, "/metrics").status()).isEqualTo(404);
        assertThat(send(main, "/api/tags").status()).isEqualTo(200);
        main.finishAndReleaseAll();
        EmbeddedChannel admin = from("203.0.113.9", open.forAdminPort());
        assertThat(send(admin, "/metrics").status()).isEqualTo(200);
        assertThat(send(admin, "/api/tags").status()).isEqualTo(404);
        assertThat(send(admin, "/health").status()).isEqualTo(404);
        admin.finishAndReleaseAll();

        Dispatcher keyed = new Dispatcher(table(), new Gate(() -> security(List.of(),
                new SecurityConfig.Admin(9100, Secret.of(SeenSecrets.key("adm-1"), "env ADMIN_KEY"))), RequestLimiter.NONE), true);
        EmbeddedChannel withKey = from("127.0.0.1", keyed.forAdminPort());
        assertThat(send(withKey, "/metrics").status()).isEqualTo(401);
        assertThat(send(withKey, "/metrics", "x-api-key", "adm-1").status()).isEqualTo(200);
        withKey.finishAndReleaseAll();
    }

    @Test
    void theLimiterIsConsultedAfterTheKeyCheckWithTheKeyAndClientKnown() {
        List<String> consulted = new ArrayList<>();
        List<Runnable> waiting = new ArrayList<>();
        RequestLimiter limiter = (ex, route, proceed) -> {
            consulted.add(route.label() + " " + ex.keyName() + " " + ex.clientAddress().getHostAddress());
            if (ex.keyName().equals("slow")) {
                waiting.add(() -> ex.resume(proceed)); // e.g. an answer from Redis, later, on the loop
            } else if (ex.keyName().equals("over")) {
                ex.fail(429, "rate limit of key 'over' reached", ErrorKind.INVALID_REQUEST);
            } else {
                proceed.run();
            }
        };
        Dispatcher d = new Dispatcher(table(), new Gate(() -> security(List.of(), SecurityConfig.Admin.none(),
                "fast", "k-fast", "slow", "k-slow", "over", "k-over"), limiter), false);
        EmbeddedChannel ch = from("192.0.2.8", d);
        assertThat(send(ch, "/api/tags").status()).isEqualTo(401);
        assertThat(consulted).isEmpty(); // a request without a valid key never reaches the limits
        assertThat(send(ch, "/api/tags", "Authorization", "Bearer k-fast").status()).isEqualTo(200);
        assertThat(send(ch, "/api/tags", "Authorization", "Bearer k-over").status()).isEqualTo(429);

        ch.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/api/ps",
                io.netty.buffer.Unpooled.EMPTY_BUFFER, new io.netty.handler.codec.http.DefaultHttpHeaders()
                        .add("x-api-key", "k-slow"), new io.netty.handler.codec.http.DefaultHttpHeaders()));
        assertThat((Object) ch.readOutbound()).isNull(); // held by the limiter
        waiting.forEach(Runnable::run);
        FullHttpResponse late = ch.readOutbound();
        assertThat(late.status().code()).isEqualTo(200);
        late.release();

        assertThat(consulted).containsExactly("/api/tags fast 192.0.2.8", "/api/tags over 192.0.2.8",
                "/api/ps slow 192.0.2.8");
        assertThat(served).containsExactly("/api/tags fast 192.0.2.8", "/api/ps slow 192.0.2.8");
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }
}
