package io.llmrelay.server.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmrelay.server.runtime.Transport;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Switching the demo backend's faults while it runs ({@code POST /__fault}, {@link DemoBackend#fault}),
 * its counts ({@code GET /__stats}), the share of requests a rate hits and its seed, and the scope.
 */
class DemoFaultControlTest {

    private static final MediaType JSON = MediaType.get("application/json");
    private static final String CHAT = "{\"model\":\"demo\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static EventLoopGroup loops;
    private static OkHttpClient http;
    private static DemoBackend demo;

    @BeforeAll
    static void start() throws Exception {
        loops = Transport.best().newGroup(1, "test-demo-fault-control");
        http = new OkHttpClient.Builder().readTimeout(5, TimeUnit.SECONDS).retryOnConnectionFailure(false).build();
        demo = DemoBackend.start(loops, Transport.best(), "127.0.0.1", 0, Duration.ZERO);
    }

    @AfterAll
    static void stop() {
        http.connectionPool().evictAll();
        demo.close();
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @AfterEach
    void clearFault() {
        demo.fault(FaultPlan.NONE);
    }

    @Test
    void aFaultIsSwitchedOnAndOffOverHttp() throws IOException {
        JsonNode set = json(post("/__fault", "{\"mode\":\"503\",\"retry_after\":5}"), 200);
        assertThat(set.get("mode").asText()).isEqualTo("503");
        assertThat(set.get("rate").asDouble()).isEqualTo(1.0);
        assertThat(set.get("retry_after").asInt()).isEqualTo(5);
        assertThat(demo.fault().mode()).isEqualTo(Fault.STATUS_503);
        assertThat(json(get("/__fault"), 200)).isEqualTo(set);
        try (Response r = post("/v1/chat/completions", CHAT)) {
            assertThat(r.code()).isEqualTo(503);
            assertThat(r.header("Retry-After")).isEqualTo("5");
        }
        json(post("/__fault", "{\"mode\":\"none\"}"), 200);
        assertThat(demo.fault().active()).isFalse();
        assertThat(demo.fault().retryAfterSeconds()).as("fields left out keep their value").isEqualTo(5);
        try (Response r = post("/v1/chat/completions", CHAT)) {
            assertThat(r.code()).isEqualTo(200);
        }
    }

    @Test
    void aFaultSetInProcessShowsOverHttp() throws IOException {
        demo.fault(FaultPlan.of(Fault.SLOW_DRIP).withRate(0.25).withSeed(9).withScope(FaultScope.ALL)
                .withDrip(Duration.ofMillis(30)).withOversizeBytes(1000));
        JsonNode plan = json(get("/__fault"), 200);
        assertThat(plan.toString()).isEqualTo("{\"mode\":\"slow-drip\",\"rate\":0.25,\"scope\":\"all\",\"seed\":9,"
                + "\"retry_after\":2,\"drip_ms\":30,\"oversize_bytes\":1000}");
    }

    @Test
    void aBadPlanIsRefusedWithTheReasonAndTheOldOneKept() throws IOException {
        demo.fault(FaultPlan.of(Fault.STATUS_500).withRate(0));
        assertThat(message(post("/__fault", "{\"mode\":\"teapot\"}"), 400)).startsWith("unknown fault mode 'teapot' (one of: none, refuse,");
        assertThat(message(post("/__fault", "{\"rate\":0.5}"), 400)).startsWith("mode is required");
        assertThat(message(post("/__fault", "{\"mode\":\"500\",\"rate\":2}"), 400))
                .isEqualTo("fault rate must be between 0 and 1, not 2.0");
        assertThat(message(post("/__fault", "{\"mode\":\"500\",\"rat\":1}"), 400)).startsWith("unknown field 'rat'");
        assertThat(message(post("/__fault", "{\"mode\":\"500\",\"scope\":\"some\"}"), 400))
                .startsWith("unknown fault scope 'some'");
        assertThat(message(post("/__fault", "{\"mode\":\"slow-drip\",\"drip_ms\":0}"), 400))
                .startsWith("the drip interval must be positive");
        assertThat(message(post("/__fault", "[1]"), 400)).startsWith("the body must be a JSON object");
        assertThat(message(post("/__stats", "{}"), 405)).isEqualTo("use GET /__stats");
        assertThat(demo.fault()).isEqualTo(FaultPlan.of(Fault.STATUS_500).withRate(0));
    }

    @Test
    void statsCountRequestsAndFaultsByModeButNotTheControlCalls() throws IOException {
        JsonNode before = json(get("/__stats"), 200);
        assertThat(before.get("faults").size()).isEqualTo(Fault.values().length - 1);
        demo.fault(FaultPlan.of(Fault.STATUS_429));
        close(post("/v1/chat/completions", CHAT));
        close(post("/v1/completions", "{\"model\":\"demo\",\"prompt\":\"x\"}"));
        close(get("/v1/models"));
        demo.fault(FaultPlan.of(Fault.WRONG_CONTENT_TYPE));
        close(post("/v1/embeddings", "{\"model\":\"demo-embed\",\"input\":\"x\"}"));
        JsonNode after = json(get("/__stats"), 200);
        assertThat(after.get("requests").asLong() - before.get("requests").asLong()).isEqualTo(4);
        assertThat(after.get("inference_requests").asLong() - before.get("inference_requests").asLong()).isEqualTo(3);
        assertThat(after.get("faulted").asLong() - before.get("faulted").asLong()).isEqualTo(3);
        assertThat(after.get("faults").get("429").asLong() - before.get("faults").get("429").asLong()).isEqualTo(2);
        assertThat(after.get("faults").get("wrong-content-type").asLong()
                - before.get("faults").get("wrong-content-type").asLong()).isEqualTo(1);
        assertThat(after.get("open_streams").asInt()).isZero();
        assertThat(after.get("open_connections").asInt()).isPositive(); // this client's keep-alive connection
        DemoStats stats = demo.stats();
        assertThat(stats.injected(Fault.STATUS_429)).isEqualTo(after.get("faults").get("429").asLong());
        assertThat(stats.faulted()).isEqualTo(after.get("faulted").asLong());
    }

    @Test
    void aRateHitsItsShareOfRequestsAndASeedRepeatsTheSamePattern() throws IOException {
        FaultPlan plan = FaultPlan.of(Fault.STATUS_500).withRate(0.25).withSeed(7);
        demo.fault(plan);
        long before = demo.stats().injected(Fault.STATUS_500);
        List<Integer> first = faultedOf200();
        assertThat(first.size()).isBetween(30, 70);
        assertThat(demo.stats().injected(Fault.STATUS_500) - before).isEqualTo(first.size());
        demo.fault(plan);
        assertThat(faultedOf200()).as("the same seed again").isEqualTo(first);
        demo.fault(plan.withSeed(8));
        assertThat(faultedOf200()).as("another seed").isNotEqualTo(first);
    }

    @Test
    void scopeAllFaultsTheModelListAndProbesButNeverTheControlEndpoints() throws IOException {
        demo.fault(FaultPlan.of(Fault.STATUS_500).withScope(FaultScope.ALL));
        try (Response r = get("/v1/models")) {
            assertThat(r.code()).isEqualTo(500);
        }
        try (Response r = get("/api/version")) {
            assertThat(r.code()).as("a probe's 404 is faulted too").isEqualTo(500);
        }
        json(get("/__stats"), 200);
        json(post("/__fault", "{\"mode\":\"none\"}"), 200);
        try (Response r = get("/v1/models")) {
            assertThat(r.code()).isEqualTo(200);
        }
    }

    @Test
    void theControlEndpointsAnswerLoopbackClientsOnly() {
        assertThat(FaultControl.isLoopback(new InetSocketAddress("127.0.0.1", 1))).isTrue();
        assertThat(FaultControl.isLoopback(new InetSocketAddress("::1", 1))).isTrue();
        assertThat(FaultControl.isLoopback(new InetSocketAddress("10.1.2.3", 1))).isFalse();
        assertThat(FaultControl.isLoopback(InetSocketAddress.createUnresolved("localhost", 1))).isFalse();
    }

    @Test
    void theDiceAreDeterministicAndFair() {
        int hits = 0;
        for (long n = 0; n < 100_000; n++) {
            assertThat(FaultSwitch.hits(42, n, 0)).isFalse();
            assertThat(FaultSwitch.hits(42, n, 1)).isTrue();
            assertThat(FaultSwitch.hits(42, n, 0.3)).isEqualTo(FaultSwitch.hits(42, n, 0.3));
            hits += FaultSwitch.hits(42, n, 0.3) ? 1 : 0;
        }
        assertThat(hits).isBetween(29_000, 31_000);
    }

    @Test
    void aPlanOutOfRangeIsRefused() {
        assertThatThrownBy(() -> FaultPlan.NONE.withRate(-0.1)).hasMessageContaining("between 0 and 1");
        assertThatThrownBy(() -> FaultPlan.NONE.withRate(Double.NaN)).hasMessageContaining("between 0 and 1");
        assertThatThrownBy(() -> FaultPlan.NONE.withRetryAfterSeconds(-1)).hasMessageContaining("Retry-After");
        assertThatThrownBy(() -> FaultPlan.NONE.withDrip(Duration.ZERO)).hasMessageContaining("drip");
        assertThatThrownBy(() -> FaultPlan.NONE.withOversizeBytes(0)).hasMessageContaining("oversize");
        assertThatThrownBy(() -> Fault.parse("502")).hasMessageContaining("one of: none, refuse");
        assertThat(Fault.parse("reset-mid-stream")).isEqualTo(Fault.RESET_MID_STREAM);
    }

    // ---- helpers

    /** Sends 200 chat requests and returns which of them (by index) got the 500. */
    private static List<Integer> faultedOf200() throws IOException {
        List<Integer> faulted = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            try (Response r = post("/v1/chat/completions", CHAT)) {
                r.body().bytes();
                if (r.code() == 500) {
                    faulted.add(i);
                } else {
                    assertThat(r.code()).isEqualTo(200);
                }
            }
        }
        return faulted;
    }

    private static Response get(String path) throws IOException {
        return http.newCall(new Request.Builder().url(url(path)).build()).execute();
    }

    private static Response post(String path, String json) throws IOException {
        return http.newCall(new Request.Builder().url(url(path)).post(RequestBody.create(json, JSON)).build()).execute();
    }

    private static String url(String path) {
        return "http://127.0.0.1:" + demo.port() + path;
    }

    private static JsonNode json(Response response, int status) throws IOException {
        try (response) {
            assertThat(response.code()).isEqualTo(status);
            return MAPPER.readTree(response.body().string());
        }
    }

    private static String message(Response response, int status) throws IOException {
        return json(response, status).get("error").get("message").asText();
    }

    private static void close(Response response) throws IOException {
        try (response) {
            response.body().bytes();
        }
    }
}
