package io.llmrelay.server.e2e;

import static io.llmrelay.server.testing.Ndjson.contentChunk;
import static io.llmrelay.server.testing.Ndjson.finishChunk;
import static io.llmrelay.server.testing.Ndjson.sse;
import static io.llmrelay.server.testing.Ndjson.usageChunk;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.llmrelay.server.testing.FloodBackend;
import io.llmrelay.server.testing.Ndjson;
import io.llmrelay.server.testing.ProxiedBackend;
import io.llmrelay.server.testing.RawHttp;
import io.llmrelay.server.testing.RelayHarness;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** /metrics counts what happened, the overhead header is on every answer, and readiness follows the backends. */
class MetricsEndpointTest {

    private static final String CHAT = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";

    @RegisterExtension
    final ProxiedBackend proxied = new ProxiedBackend();

    @Test
    void countersAndHistogramsFollowTheRequests() throws Exception {
        proxied.backend.enqueueSse(sse(contentChunk("a"), contentChunk("b"), finishChunk("stop"), usageChunk(11, 2)), 1000);
        proxied.backend.enqueue(new MockResponse.Builder().code(503).body("{\"error\":{\"message\":\"busy\"}}").build());
        try (Response ok = proxied.relay.post("/api/chat", CHAT)) {
            ok.body().string();
            long overhead = Long.parseLong(ok.header("X-Relay-Overhead-Us"));
            assertThat(overhead).isGreaterThanOrEqualTo(0).isLessThan(10_000_000);
        }
        try (Response busy = proxied.relay.post("/api/chat", CHAT)) {
            assertThat(busy.code()).isEqualTo(503);
            assertThat(busy.header("X-Relay-Overhead-Us")).isNotNull();
        }
        try (Response bad = proxied.relay.post("/api/chat", "{\"model\":1}")) {
            assertThat(bad.code()).isEqualTo(400);
        }

        String metrics = scrapeWhen("llm_relay_requests_total{route=\"/api/chat\",model=\"\",backend=\"\",status=\"400\"} 1");
        assertThat(metrics)
                .contains("llm_relay_requests_total{route=\"/api/chat\",model=\"m\",backend=\"test-backend\",status=\"200\"} 1\n")
                .contains("llm_relay_requests_total{route=\"/api/chat\",model=\"m\",backend=\"test-backend\",status=\"503\"} 1\n")
                .contains("llm_relay_prompt_tokens_total{model=\"m\",backend=\"test-backend\"} 11\n")
                .contains("llm_relay_completion_tokens_total{model=\"m\",backend=\"test-backend\"} 2\n")
                .contains("llm_relay_errors_total{kind=\"backend_status\"} 1\n")
                .contains("llm_relay_errors_total{kind=\"invalid_request\"} 1\n")
                .contains("llm_relay_proxy_overhead_seconds_count{route=\"/api/chat\"} 3\n")
                .contains("llm_relay_time_to_first_token_seconds_count{route=\"/api/chat\"} 1\n")
                .contains("llm_relay_request_duration_seconds_bucket{route=\"/api/chat\",le=\"+Inf\"} 3\n")
                .contains("llm_relay_backend_connections{backend=\"test-backend\",state=\"idle\"}");
    }

    @Test
    void theEventLoopsCpuIsExportedAndTheOverheadIsShareOfIt() throws Exception {
        for (int i = 0; i < 20; i++) {
            try (Response r = proxied.relay.post("/api/chat", "{\"model\":\"m\",\"messages\":[],\"stream\":false}")) {
                assertThat(r.code()).isEqualTo(200);
            }
        }
        String metrics = scrapeWhen("llm_relay_proxy_overhead_seconds_count{route=\"/api/chat\"} 20\n");
        double loopCpu = sample(metrics, "llm_relay_event_loop_cpu_seconds_total ");
        double overhead = sample(metrics, "llm_relay_proxy_overhead_seconds_sum{route=\"/api/chat\"} ");
        assertThat(overhead).isPositive();
        assertThat(loopCpu).isGreaterThan(overhead); // the loops also started up, connected, read model lists
    }

    @Test
    void droppedLogLinesAreCounted() throws Exception {
        try (Response r = proxied.relay.get("/metrics")) {
            String metrics = r.body().string();
            assertThat(metrics).contains("# TYPE llm_relay_log_lines_dropped_total counter\n");
            assertThat(sample(metrics, "llm_relay_log_lines_dropped_total ")).isNotNegative();
        }
    }

    private static double sample(String metrics, String prefix) {
        int at = metrics.indexOf("\n" + prefix);
        assertThat(at).as(prefix).isNotNegative();
        int start = at + 1 + prefix.length();
        return Double.parseDouble(metrics.substring(start, metrics.indexOf('\n', start)));
    }

    @Test
    void aClientThatLeavesMidStreamIsCountedAsACancelledBackendRequest() throws Exception {
        try (FloodBackend flood = new FloodBackend(1_000_000, 100);
                RelayHarness proxy = RelayHarness.start(flood.baseUrl())) {
            try (RawHttp client = RawHttp.connect(proxy.port(), 64 * 1024)) {
                client.post("/api/chat", CHAT);
                client.read(2048);
            }
            assertThat(flood.streamClosedEarly.await(3, TimeUnit.SECONDS)).isTrue();
            String metrics = "";
            for (int i = 0; i < 100 && !metrics.contains("llm_relay_client_disconnects_total{route=\"/api/chat\"} 1"); i++) {
                Thread.sleep(20);
                try (Response r = proxy.get("/metrics")) {
                    metrics = r.body().string();
                }
            }
            assertThat(metrics).contains("llm_relay_client_disconnects_total{route=\"/api/chat\"} 1\n")
                    .contains("llm_relay_inflight_streams 0\n");
        }
    }

    @Test
    void readinessNeedsABackendThatAnswers() throws Exception {
        for (int i = 0; i < 100; i++) {
            try (Response r = proxied.relay.get("/health/ready")) {
                if (r.code() == 200) {
                    assertThat(r.body().string()).contains("\"ready\":true").contains("\"status\":\"ready\"");
                    break;
                }
            }
            Thread.sleep(20);
        }
        try (RelayHarness orphan = RelayHarness.start(RelayHarness.deadBackendUrl())) {
            Thread.sleep(200); // the start-up read of the model list fails at once
            try (Response r = orphan.get("/health/ready")) {
                assertThat(r.code()).isEqualTo(503);
                assertThat(Ndjson.json(r.body().string()).get("backends").get(0).get("error").asText())
                        .contains("cannot connect");
            }
            try (Response r = orphan.get("/health")) {
                assertThat(r.code()).isEqualTo(200);
            }
        }
    }

    /**
     * The scrape passes Prometheus' own validator. {@code ./test.sh} installs Debian's prometheus
     * package and passes {@code -Dllmrelay.promtool=/usr/bin/promtool}; without it this is skipped.
     */
    @Test
    void theScrapePassesPromtool() throws Exception {
        String promtool = System.getProperty("llmrelay.promtool");
        assumeTrue(promtool != null && !promtool.isBlank(), "promtool not configured (-Dllmrelay.promtool)");
        proxied.backend.enqueueSse(sse(contentChunk("a"), finishChunk("stop"), usageChunk(1, 1)), 1000);
        try (Response ok = proxied.relay.post("/api/chat", CHAT)) {
            ok.body().string();
        }
        String metrics = scrapeWhen("llm_relay_prompt_tokens_total");
        Process p = new ProcessBuilder(promtool, "check", "metrics").redirectErrorStream(true).start();
        p.getOutputStream().write(metrics.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("promtool said: %s", out).isZero();
        assertThat(out).isEmpty();
    }

    private String scrapeWhen(String expected) throws Exception {
        String metrics = "";
        for (int i = 0; i < 100 && !metrics.contains(expected); i++) {
            try (Response r = proxied.relay.get("/metrics")) {
                assertThat(r.header("Content-Type")).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
                metrics = r.body().string();
            }
            if (!metrics.contains(expected)) {
                Thread.sleep(20);
            }
        }
        return metrics;
    }
}
