package io.llmrelay.server.testing;

import io.llmrelay.core.backend.BackendFlavor;
import io.llmrelay.core.config.BackendConfig;
import io.llmrelay.core.config.CorsPolicy;
import io.llmrelay.core.config.RelayConfig;
import io.llmrelay.core.config.Secret;
import io.llmrelay.server.RelayServer;
import io.llmrelay.server.runtime.Transport;
import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * A proxy started on a free loopback port in front of one backend, with an HTTP client pointed at
 * it. Closing stops both. Timeouts are short so a hang fails fast.
 */
public final class RelayHarness implements AutoCloseable {

    public static final MediaType JSON = MediaType.get("application/json");

    private final EventLoopGroup group;
    private final RelayServer server;
    public final OkHttpClient http;

    private RelayHarness(RelayConfig config) throws InterruptedException {
        Transport transport = Transport.best();
        this.group = transport.newGroup(2, "test-relay");
        this.server = RelayServer.start(config, transport, group);
        this.http = new OkHttpClient.Builder()
                .retryOnConnectionFailure(false)
                .readTimeout(20, TimeUnit.SECONDS)
                .build();
    }

    /** A proxy in front of {@code backendUrl} with test defaults. */
    public static RelayHarness start(String backendUrl) throws InterruptedException {
        return start(backendUrl, UnaryOperator.identity());
    }

    /** A proxy in front of {@code backendUrl}, with the config adjusted by {@code tweak}. */
    public static RelayHarness start(String backendUrl, UnaryOperator<RelayConfig> tweak) throws InterruptedException {
        return new RelayHarness(tweak.apply(config(backend(backendUrl, null))));
    }

    public static BackendConfig backend(String url, Secret key) {
        return new BackendConfig("test-backend", BackendConfig.parseUrl(url), BackendFlavor.GENERIC, key);
    }

    public static RelayConfig config(BackendConfig backend) {
        return new RelayConfig("127.0.0.1", 0, List.of(backend), 1024 * 1024, 1024 * 1024, 2,
                new RelayConfig.Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(10), Duration.ofSeconds(10),
                        Duration.ofSeconds(30), Duration.ofSeconds(30)),
                // one probe at start; tests of readiness ask for more (a probe shares the pools with the requests)
                Duration.ofSeconds(60), Duration.ofSeconds(60), List.of(), CorsPolicy.defaultPolicy());
    }

    /** The same config with another backend (for keys, flavours). */
    public static UnaryOperator<RelayConfig> withBackend(BackendConfig backend) {
        return c -> new RelayConfig(c.host(), c.port(), List.of(backend), c.maxRequestBytes(), c.maxEventBytes(),
                c.eventLoops(), c.timeouts(), c.modelsRefresh(), c.healthInterval(), c.modelOverrides(), c.cors());
    }

    /** The same config with other health-check and model-list periods. */
    public static UnaryOperator<RelayConfig> withPeriods(Duration modelsRefresh, Duration healthInterval) {
        return c -> new RelayConfig(c.host(), c.port(), c.backends(), c.maxRequestBytes(), c.maxEventBytes(),
                c.eventLoops(), c.timeouts(), modelsRefresh, healthInterval, c.modelOverrides(), c.cors());
    }

    /** Waits (up to 5 s) until every backend answered its first probe and its model list was read. */
    public RelayHarness awaitReady() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!server.relay().fleet().backends().stream().allMatch(io.llmrelay.server.fleet.Backend::ready)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the backends were not ready within 5 s");
            }
            Thread.sleep(10);
        }
        return this;
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.port() + path;
    }

    public int port() {
        return server.port();
    }

    public RelayServer server() {
        return server;
    }

    public Response post(String path, String json) throws java.io.IOException {
        return http.newCall(new Request.Builder().url(url(path)).post(RequestBody.create(json, JSON)).build()).execute();
    }

    public Response get(String path) throws java.io.IOException {
        return http.newCall(new Request.Builder().url(url(path)).get().build()).execute();
    }

    @Override
    public void close() {
        server.close(Duration.ofSeconds(2));
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }

    /** A base URL whose port nothing listens on. */
    public static String deadBackendUrl() throws java.io.IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return "http://127.0.0.1:" + s.getLocalPort() + "/v1";
        }
    }
}
