package io.llmrelay.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrelay.core.config.RelayConfig;
import io.llmrelay.server.testing.CapturedLog;
import io.llmrelay.server.testing.Ndjson;
import io.llmrelay.server.testing.RelayHarness;
import io.llmrelay.server.testing.ScriptedBackend;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.llmrelay.testing.SeenSecrets;

/**
 * The admin routes ({@code /metrics}, {@code /internal/*}) in their three modes — loopback only (the
 * default), behind the admin key, on a port of their own — and the client address they judge, with
 * a trusted proxy's {@code X-Forwarded-For}. Requests from another machine are made from this one
 * through its own non-loopback address, with the proxy listening on every interface.
 */
class AdminAccessTest {

    static final String ADMIN_KEY = "admin-key-77ab";
    static final String CLIENT_KEY = "client-key-31cd";

    @TempDir
    Path dir;

    private ScriptedBackend backend;
    private RelayHarness relay;

    @BeforeEach
    void startBackend() throws IOException {
        backend = new ScriptedBackend();
    }

    @AfterEach
    void stop() {
        if (relay != null) {
            relay.close();
        }
        backend.close();
    }

    private RelayHarness relay(String yaml, Map<String, String> env, boolean everyInterface) throws Exception {
        RelayConfig c = RelayHarness.config(RelayHarness.backend(backend.baseUrl(), null))
                .withSecurity(RelayHarness.security(dir, yaml, env));
        if (everyInterface) {
            c = new RelayConfig("0.0.0.0", c.port(), c.backends(), c.maxRequestBytes(), c.maxEventBytes(),
                    c.eventLoops(), c.timeouts(), c.modelsRefresh(), c.healthInterval(), c.modelOverrides(), c.cors(),
                    c.routing(), c.models(), c.resilience(), c.security());
        }
        relay = RelayHarness.start(c).awaitReady();
        return relay;
    }

    /** An IPv4 address of this machine that is not loopback, or null when it has none. */
    static InetAddress nonLoopback() throws SocketException {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nic.isUp() || nic.isLoopback()) {
                continue;
            }
            for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                    return a;
                }
            }
        }
        return null;
    }

    record Answer(int code, String body, String wwwAuthenticate) {
        JsonNode json() {
            return Ndjson.json(body);
        }
    }

    private Answer get(String host, int port, String path, String... headers) throws IOException {
        Request.Builder r = new Request.Builder().url("http://" + host + ":" + port + path);
        for (int i = 0; i + 1 < headers.length; i += 2) {
            r.addHeader(headers[i], headers[i + 1]);
        }
        try (Response response = relay.http.newCall(r.build()).execute()) {
            return new Answer(response.code(), response.body().string(), response.header("WWW-Authenticate"));
        }
    }

    private Answer get(String path, String... headers) throws IOException {
        return get("127.0.0.1", relay.port(), path, headers);
    }

    @Test
    void byDefaultTheAdminRoutesAnswerOnlyClientsOnThisMachine() throws Exception {
        InetAddress external = nonLoopback();
        assumeTrue(external != null, "this machine has no non-loopback address to call from");
        relay("backends: []\n", Map.of(), true);
        assertThat(get("/metrics").code()).isEqualTo(200);
        assertThat(get("/internal/status").code()).isEqualTo(200);

        String host = external.getHostAddress();
        for (String path : List.of("/metrics", "/internal/status")) {
            Answer refused = get(host, relay.port(), path);
            assertThat(refused.code()).as(path).isEqualTo(403);
            assertThat(refused.json().get("error").asText()).as(path)
                    .isEqualTo(path + " is served only to clients on this machine (loopback); set admin.key_env to "
                            + "require a key instead, or admin.port to serve the admin routes on a port of their own");
        }
        // the client routes are not the admin's concern
        assertThat(get(host, relay.port(), "/api/tags").code()).isEqualTo(200);
        assertThat(get(host, relay.port(), "/health").code()).isEqualTo(200);
    }

    @Test
    void withAnAdminKeyTheyNeedThatKeyFromAnywhereAndAClientKeyIsNotOne() throws Exception {
        relay("""
                auth: {keys_env: RELAY_API_KEYS}
                admin: {key_env: ADMIN_KEY}
                """, Map.of("ADMIN_KEY", SeenSecrets.key(ADMIN_KEY), "RELAY_API_KEYS", SeenSecrets.keyPairs("team=" + CLIENT_KEY)), false);
        Answer missing = get("/metrics");
        assertThat(missing.code()).isEqualTo(401);
        assertThat(missing.wwwAuthenticate()).isEqualTo("Bearer");
        assertThat(missing.json().get("error").asText()).startsWith("/metrics needs the admin key (admin.key_env)");
        Answer client = get("/internal/status", "Authorization", "Bearer " + CLIENT_KEY);
        assertThat(client.code()).isEqualTo(401);
        assertThat(client.json().get("error").asText()).isEqualTo("invalid admin key");
        assertThat(client.body()).doesNotContain(CLIENT_KEY);
        assertThat(get("/metrics", "Authorization", "Bearer " + ADMIN_KEY).code()).isEqualTo(200);
        assertThat(get("/internal/status", "x-api-key", ADMIN_KEY).code()).isEqualTo(200);
        // and the admin key is not a client key
        assertThat(get("/api/tags", "Authorization", "Bearer " + ADMIN_KEY).code()).isEqualTo(401);
        assertThat(get("/api/tags", "Authorization", "Bearer " + CLIENT_KEY).code()).isEqualTo(200);
    }

    @Test
    void theAdminKeyOpensTheAdminRoutesToOtherMachines() throws Exception {
        InetAddress external = nonLoopback();
        assumeTrue(external != null, "this machine has no non-loopback address to call from");
        relay("admin: {key_env: ADMIN_KEY}\n", Map.of("ADMIN_KEY", SeenSecrets.key(ADMIN_KEY)), true);
        assertThat(get(external.getHostAddress(), relay.port(), "/metrics").code()).isEqualTo(401);
        assertThat(get(external.getHostAddress(), relay.port(), "/metrics", "x-api-key", ADMIN_KEY).code())
                .isEqualTo(200);
    }

    @Test
    void onAPortOfTheirOwnTheAdminRoutesLeaveTheMainPort() throws Exception {
        InetAddress external = nonLoopback();
        int adminPort = RelayHarness.freePort();
        relay("admin: {port: " + adminPort + "}\n", Map.of(), external != null);
        assertThat(relay.server().adminPort()).isEqualTo(adminPort);

        assertThat(get("/metrics").code()).isEqualTo(404);
        assertThat(get("/internal/status").code()).isEqualTo(404);
        assertThat(get("/health").code()).isEqualTo(200);
        assertThat(get("/api/tags").code()).isEqualTo(200);

        assertThat(get("127.0.0.1", adminPort, "/metrics").code()).isEqualTo(200);
        assertThat(get("127.0.0.1", adminPort, "/internal/status").json().get("access").get("admin").get("port")
                .asInt()).isEqualTo(adminPort);
        assertThat(get("127.0.0.1", adminPort, "/api/tags").code()).isEqualTo(404);
        assertThat(get("127.0.0.1", adminPort, "/health").code()).isEqualTo(404);
        if (external != null) { // the operator exposed the port: no loopback rule there
            assertThat(get(external.getHostAddress(), adminPort, "/metrics").code()).isEqualTo(200);
        }
    }

    @Test
    void theAdminPortTakesTheAdminKeyWhenOneIsSet() throws Exception {
        int adminPort = RelayHarness.freePort();
        relay("admin: {port: " + adminPort + ", key_env: ADMIN_KEY}\n", Map.of("ADMIN_KEY", SeenSecrets.key(ADMIN_KEY)), false);
        assertThat(get("127.0.0.1", adminPort, "/metrics").code()).isEqualTo(401);
        assertThat(get("127.0.0.1", adminPort, "/metrics", "Authorization", "Bearer " + ADMIN_KEY).code())
                .isEqualTo(200);
    }

    @Test
    void theAdminPortIsClosedAndItsConnectionsDrainedWhenTheProxyStops() throws Exception {
        int adminPort = RelayHarness.freePort();
        relay("admin: {port: " + adminPort + "}\n", Map.of(), false);
        try (Socket s = new Socket()) {
            s.setSoTimeout(10_000);
            s.connect(new InetSocketAddress("127.0.0.1", adminPort), 5_000);
            OutputStream out = s.getOutputStream();
            out.write("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] head = new byte[12];
            assertThat(in.readNBytes(head, 0, 12)).isEqualTo(12);
            assertThat(new String(head, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200");
            relay.close();
            relay = null;
            // the kept-alive connection is closed once its answer is out: the rest of it, then the end
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (in.read() >= 0) {
                assertThat(System.nanoTime()).isLessThan(deadline);
            }
        }
        assertThatThrownBy(() -> new Socket("127.0.0.1", adminPort).close()).isInstanceOf(ConnectException.class);
    }

    @Test
    void aTrustedProxysForwardedForNamesTheClientAndNoOtherPeersDoes() throws Exception {
        try (CapturedLog log = new CapturedLog()) {
            relay("trusted_proxies: [127.0.0.1, 10.0.0.0/8]\n", Map.of(), false);
            Answer forwarded = get("/metrics", "X-Forwarded-For", "198.51.100.23, 10.1.2.3", "X-Request-ID", "xff-1");
            assertThat(forwarded.code()).isEqualTo(403); // the client is elsewhere, whoever forwarded it
            assertThat(get("/api/tags", "X-Forwarded-For", "203.0.113.50", "X-Request-ID", "xff-2").code())
                    .isEqualTo(200);
            // a client's own entries left of the last untrusted hop prove nothing
            assertThat(get("/api/tags", "X-Forwarded-For", "127.0.0.1, 192.0.2.44", "X-Request-ID", "xff-3").code())
                    .isEqualTo(200);
            assertThat(get("/metrics", "X-Forwarded-For", "127.0.0.1", "X-Request-ID", "xff-4").code())
                    .isEqualTo(200);
            assertThat(clientIps(log, "xff-1", "xff-2", "xff-3", "xff-4"))
                    .containsExactly("198.51.100.23", "203.0.113.50", "192.0.2.44", "127.0.0.1");
        }
    }

    @Test
    void withoutTrustedProxiesForwardedForIsIgnored() throws Exception {
        try (CapturedLog log = new CapturedLog()) {
            relay("backends: []\n", Map.of(), false);
            assertThat(get("/metrics", "X-Forwarded-For", "198.51.100.23", "X-Request-ID", "xff-5").code())
                    .isEqualTo(200);
            assertThat(clientIps(log, "xff-5")).containsExactly("127.0.0.1");
        }
    }

    /** The access log's {@code client_ip} of each request, in the order given. */
    private static List<String> clientIps(CapturedLog log, String... requestIds) throws InterruptedException {
        String[] ips = new String[requestIds.length];
        for (int attempt = 0; attempt < 500; attempt++) {
            for (JsonNode line : log.accessLines()) {
                int i = List.of(requestIds).indexOf(line.get("request_id").asText());
                if (i >= 0) {
                    ips[i] = line.get("client_ip").asText();
                }
            }
            if (java.util.Arrays.stream(ips).allMatch(java.util.Objects::nonNull)) {
                break;
            }
            Thread.sleep(10);
        }
        return java.util.Arrays.asList(ips);
    }
}
