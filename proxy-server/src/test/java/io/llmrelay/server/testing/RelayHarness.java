package io.llmrelay.server.testing;

import io.llmrelay.testing.FakeClock;

import io.llmrelay.core.api.Clocks;
import io.llmrelay.core.backend.BackendFlavor;
import io.llmrelay.core.config.BackendConfig;
import io.llmrelay.core.config.BackendOptions;
import io.llmrelay.core.config.ConfigFile;
import io.llmrelay.core.config.CorsPolicy;
import io.llmrelay.core.config.ModelsConfig;
import io.llmrelay.core.config.RelayConfig;
import io.llmrelay.core.config.ResilienceConfig;
import io.llmrelay.core.config.RoutingConfig;
import io.llmrelay.core.config.Secret;
import io.llmrelay.core.config.SecurityConfig;
import io.llmrelay.server.ConfigReload;
import io.llmrelay.server.RelayServer;
import io.llmrelay.server.runtime.Transport;
import io.llmrelay.testing.SeenSecrets;
import io.netty.channel.EventLoopGroup;
import java.nio.file.Files;
import java.time.Clock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * A proxy started on a free loopback port in front of one backend or a fleet (from a
 * {@link RelayConfig} or a YAML config file), with an HTTP client pointed at it. Closing stops both.
 * Timeouts are short so a hang fails fast.
 */
public final class RelayHarness implements AutoCloseable {

    public static final MediaType JSON = MediaType.get("application/json");

    private final EventLoopGroup group;
    private final RelayServer server;
    public final OkHttpClient http;
    /** the YAML file it was configured by ({@link #fromYaml}), or null */
    private Path yamlFile;
    private ConfigReload reload;

    private RelayHarness(RelayConfig config, Clocks resilienceClocks) throws InterruptedException {
        this(config, resilienceClocks, Map.of());
    }

    /** @param env the variables the config was read with: client keys among them are recorded for the log scan */
    private RelayHarness(RelayConfig config, Clocks resilienceClocks, Map<String, String> env) throws InterruptedException {
        SeenSecrets.configuration(config, env); // the suite's log scan looks for every one of them
        Transport transport = Transport.best();
        this.group = transport.newGroup(2, "test-relay");
        this.server = RelayServer.start(config, transport, group, resilienceClocks);
        this.http = new OkHttpClient.Builder()
                .retryOnConnectionFailure(false)
                .readTimeout(20, TimeUnit.SECONDS)
                .addInterceptor(RelayHarness::recordCredentials)
                .build();
    }

    /** Every credential header a test sends through {@link #http} is recorded for the suite's log scan. */
    private static Response recordCredentials(okhttp3.Interceptor.Chain chain) throws java.io.IOException {
        Request request = chain.request();
        for (int i = 0; i < request.headers().size(); i++) {
            SeenSecrets.header(request.headers().name(i), request.headers().value(i));
        }
        return chain.proceed(request);
    }

    /** A proxy in front of {@code backendUrl} with test defaults. */
    public static RelayHarness start(String backendUrl) throws InterruptedException {
        return start(backendUrl, UnaryOperator.identity());
    }

    /** A proxy in front of {@code backendUrl}, with the config adjusted by {@code tweak}. */
    public static RelayHarness start(String backendUrl, UnaryOperator<RelayConfig> tweak) throws InterruptedException {
        return new RelayHarness(tweak.apply(config(backend(backendUrl, null))), Clocks.SYSTEM);
    }

    /** A proxy with exactly {@code config} (e.g. a fleet from {@link #fleet}). */
    public static RelayHarness start(RelayConfig config) throws InterruptedException {
        return new RelayHarness(config, Clocks.SYSTEM);
    }

    /**
     * A proxy with exactly {@code config} whose breakers, hold-offs, ejections, slow start and retry
     * budget read {@code resilienceClock} (a {@link FakeClock}: tests move time on by hand).
     */
    public static RelayHarness start(RelayConfig config, LongSupplier resilienceClock) throws InterruptedException {
        return new RelayHarness(config, new Clocks(Clock.systemUTC(), resilienceClock));
    }

    /** {@code config} with other resilience settings. */
    public static RelayConfig withResilience(RelayConfig c, ResilienceConfig resilience) {
        return new RelayConfig(c.host(), c.port(), c.backends(), c.maxRequestBytes(), c.maxEventBytes(), c.eventLoops(),
                c.timeouts(), c.modelsRefresh(), c.healthInterval(), c.modelOverrides(), c.cors(), c.routing(), c.models(),
                resilience);
    }

    /**
     * Resilience settings that leave only failover: no breaker opens (a million failures), no
     * ejection ({@code max_ejected_percent: 0}), no slow start; retries as {@code retry} says.
     */
    public static ResilienceConfig failoverOnly(ResilienceConfig.Retry retry) {
        ResilienceConfig d = ResilienceConfig.defaults();
        ResilienceConfig.Health h = d.health();
        ResilienceConfig.Outlier o = d.outlier();
        return new ResilienceConfig(new ResilienceConfig.Health(h.timeout(), h.path(), h.fall(), h.rise(), Duration.ZERO,
                h.ready()), new ResilienceConfig.Breaker(1000, d.breaker().openFor()),
                new ResilienceConfig.Outlier(o.consecutiveErrors(), o.baseEjection(), o.maxEjection(), 0), retry);
    }

    /**
     * A proxy configured by {@code yaml}, written as {@code relay.yaml} into {@code dir} (where its
     * filter and mapping files are found) and read with {@link ConfigFile#load}: the file's backends,
     * routing, catalogue rules and model overrides, with this harness's timeouts and periods.
     */
    public static RelayHarness fromYaml(Path dir, String yaml) throws java.io.IOException, InterruptedException {
        return fromYaml(dir, yaml, Map.of());
    }

    /** As {@link #fromYaml(Path, String)}, with the file's access sections too, read with {@code env}. */
    public static RelayHarness fromYaml(Path dir, String yaml, Map<String, String> env)
            throws java.io.IOException, InterruptedException {
        Path file = dir.resolve("relay.yaml");
        Files.writeString(file, yaml);
        RelayHarness harness = new RelayHarness(yamlConfig(file, env), Clocks.SYSTEM, env);
        harness.yamlFile = file;
        // POST /internal/reload reads the file again the same way (a test rewrites it with rewrite())
        harness.reload = ConfigReload.install(harness.server, () -> new ConfigReload.Loaded(yamlConfig(file, env), List.of()));
        return harness;
    }

    /** {@code file} read with {@link ConfigFile#load} and {@code env}, with this harness's timeouts and periods. */
    private static RelayConfig yamlConfig(Path file, Map<String, String> env) {
        ConfigFile loaded = ConfigFile.load(file, env);
        RelayConfig t = config(loaded.backends().get(0));
        return new RelayConfig(t.host(), t.port(), loaded.backends(), t.maxRequestBytes(),
                t.maxEventBytes(), t.eventLoops(), t.timeouts(), t.modelsRefresh(), t.healthInterval(),
                loaded.modelOverrides(), t.cors(), loaded.routing(), loaded.models(), loaded.resilience(),
                loaded.security());
    }

    /** Writes {@code yaml} over the file a {@link #fromYaml} harness was configured by (nothing is reloaded yet). */
    public void rewrite(String yaml) throws java.io.IOException {
        if (yamlFile == null) {
            throw new IllegalStateException("not configured by a YAML file");
        }
        Files.writeString(yamlFile, yaml);
    }

    /** {@code POST /internal/reload}. */
    public Response reload() throws java.io.IOException {
        return http.newCall(new Request.Builder().url(url("/internal/reload"))
                .post(RequestBody.create(new byte[0], null)).build()).execute();
    }

    /** Several backends with the test defaults, routed by {@code routing}, catalogued by {@code models}. */
    public static RelayConfig fleet(List<BackendConfig> backends, RoutingConfig routing, ModelsConfig models) {
        RelayConfig t = config(backends.get(0));
        return new RelayConfig(t.host(), t.port(), backends, t.maxRequestBytes(), t.maxEventBytes(), t.eventLoops(),
                t.timeouts(), t.modelsRefresh(), t.healthInterval(), t.modelOverrides(), t.cors(), routing, models);
    }

    /** {@link #fleet(List, RoutingConfig, ModelsConfig)} with {@code strategy}, no stickiness and no catalogue rules. */
    public static RelayConfig fleet(RoutingConfig.Strategy strategy, BackendConfig... backends) {
        return fleet(List.of(backends), new RoutingConfig(strategy, RoutingConfig.Sticky.OFF), ModelsConfig.none());
    }

    /** A named OpenAI-compatible backend with its fleet options (priority, weight, cap, ...). */
    public static BackendConfig member(String name, String url, BackendOptions options) {
        return new BackendConfig(name, BackendConfig.parseUrl(url), BackendFlavor.GENERIC, null, null, false, options);
    }

    /** A named OpenAI-compatible backend with the fleet defaults. */
    public static BackendConfig member(String name, String url) {
        return member(name, url, BackendOptions.defaults());
    }

    /** Fleet options: {@code priority}, {@code weight} and {@code max_concurrency}; no headers, list or filter. */
    public static BackendOptions options(int priority, int weight, int maxConcurrency) {
        return new BackendOptions(priority, weight, maxConcurrency, Map.of(), List.of(), List.of());
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

    /** A POST with extra request headers, given as name, value, name, value, ... */
    public Response post(String path, String json, String... headers) throws java.io.IOException {
        Request.Builder r = new Request.Builder().url(url(path)).post(RequestBody.create(json, JSON));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            r.header(headers[i], headers[i + 1]);
        }
        return http.newCall(r.build()).execute();
    }

    /** The body of {@code GET /metrics}. */
    public String metrics() throws java.io.IOException {
        try (Response r = get("/metrics")) {
            return r.body().string();
        }
    }

    @Override
    public void close() {
        if (reload != null) {
            reload.close();
        }
        server.close(Duration.ofSeconds(2));
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }

    /**
     * The access sections ({@code auth:}, {@code limits:}, {@code trusted_proxies:}, {@code admin:}) of
     * {@code yaml}, read as a config file in {@code dir} (where its keys file is found) with {@code env}:
     * a config's {@link RelayConfig#withSecurity}.
     */
    public static SecurityConfig security(Path dir, String yaml, Map<String, String> env) throws java.io.IOException {
        Path file = dir.resolve("access.yaml");
        Files.writeString(file, yaml);
        SecurityConfig security = ConfigFile.load(file, env).security();
        SeenSecrets.security(security, env); // for the suite's log scan
        return security;
    }

    /** A port nothing listens on now, for {@code admin.port} (the race until it is bound is a test's to take). */
    public static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** A base URL whose port nothing listens on. */
    public static String deadBackendUrl() throws java.io.IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return "http://127.0.0.1:" + s.getLocalPort() + "/v1";
        }
    }
}
