package io.llmrelay.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RelayMetricsTest {

    @Test
    void everyFamilyHasHelpAndTypeOnceAndSamplesFollowTheirFamily() {
        RelayMetrics m = new RelayMetrics();
        m.requests.inc("/api/chat", "m", "b", "200");
        m.duration.recordNanos("/api/chat", 1_000);
        m.requestStarted();
        m.streamStarted();
        m.addBackendGauges(sink -> {
            sink.connections("b", 2, 1, 3);
            sink.attempts("b", "ok", 5);
            sink.attempts("b", "cancelled", 0); // never happened: not a series
        });
        String text = m.scrape();

        Set<String> typed = new HashSet<>();
        String family = null;
        for (String line : text.split("\n")) {
            if (line.startsWith("# HELP ")) {
                family = line.split(" ")[2];
                continue;
            }
            if (line.startsWith("# TYPE ")) {
                assertThat(line.split(" ")[2]).isEqualTo(family);
                assertThat(typed.add(family)).as("one TYPE for %s", family).isTrue();
                continue;
            }
            assertThat(line).as("a sample of its family").startsWith(family);
        }
        assertThat(text).contains("llm_relay_inflight_requests 1\n").contains("llm_relay_inflight_streams 1\n")
                .contains("llm_relay_backend_connections{backend=\"b\",state=\"idle\"} 2\n")
                .contains("llm_relay_backend_connections{backend=\"b\",state=\"active\"} 1\n")
                .contains("llm_relay_backend_in_flight{backend=\"b\"} 3\n")
                .contains("llm_relay_backend_attempts_total{backend=\"b\",outcome=\"ok\"} 5\n")
                .doesNotContain("outcome=\"cancelled\"")
                .contains("jvm_memory_used_bytes{area=\"heap\"}")
                .contains("process_cpu_seconds_total");
        assertThat(typed).contains("llm_relay_proxy_overhead_seconds", "llm_relay_errors_total",
                "llm_relay_client_disconnects_total", "llm_relay_prompt_tokens_total");
    }
}
