package io.llmrelay.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrelay.core.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportCommandTest {

    private static JsonNode run(String json) throws Exception {
        return Json.mapper().readTree(json);
    }

    @Test
    void aFleetsRequestsAreSplitByBackendOverTheRuns() throws Exception {
        List<JsonNode> rs = List.of(
                run("{\"counters\":{\"llm_relay_log_lines_dropped_total\":0,"
                        + "\"llm_relay_backend_attempts_total{backend=\\\"mock-1\\\"}\":100,"
                        + "\"llm_relay_backend_attempts_total{backend=\\\"mock-2\\\"}\":90,"
                        + "\"llm_relay_backend_attempts_total{backend=\\\"mock-3\\\"}\":null}}"),
                run("{\"counters\":{\"llm_relay_backend_attempts_total{backend=\\\"mock-1\\\"}\":0,"
                        + "\"llm_relay_backend_attempts_total{backend=\\\"mock-2\\\"}\":10,"
                        + "\"llm_relay_backend_attempts_total{backend=\\\"mock-3\\\"}\":200}}"));

        assertThat(ReportCommand.backendSplit(rs)).isEqualTo("mock-1 25 %, mock-2 25 %, mock-3 50 % of 400");
        assertThat(ReportCommand.backendSplit(List.of(run("{\"counters\":{}}")))).isEqualTo("–");
    }

    @Test
    void theGeneratorAndEveryMockAreSummed() throws Exception {
        JsonNode one = run("{\"others\":{\"generator\":{\"cpu_us_per_request\":5},\"mock\":{\"cpu_us_per_request\":4}}}");
        JsonNode fleet = run("{\"others\":{\"generator\":{\"cpu_us_per_request\":5},\"mock\":{\"cpu_us_per_request\":2},"
                + "\"mock2\":{\"cpu_us_per_request\":1.5},\"mock3\":{\"cpu_us_per_request\":1}}}");

        assertThat(ReportCommand.generatorAndMocks(one)).isEqualTo(9);
        assertThat(ReportCommand.generatorAndMocks(fleet)).isEqualTo(9.5);
        assertThat(ReportCommand.generatorAndMocks(run("{\"others\":{}}"))).isNaN();
    }

    @Test
    void ratiosToTheBaselineAreTakenRunByRunThenTheirMedian(@TempDir Path dir) throws Exception {
        double[] relay = {111, 54.4, 42.1, 30};
        double[] nginx = {34.7, 39.3, 28.1};
        for (int i = 0; i < relay.length; i++) { // run 4 has no nginx run to pair with
            Files.writeString(dir.resolve("sat-v1.relay.r" + (i + 1) + ".json"), "{\"proc\":{\"cpu_us_per_request\":" + relay[i] + "}}");
        }
        for (int i = 0; i < nginx.length; i++) {
            Files.writeString(dir.resolve("sat-v1.nginx.r" + (i + 1) + ".json"), "{\"proc\":{\"cpu_us_per_request\":" + nginx[i] + "}}");
        }
        Files.writeString(dir.resolve("sat-v1.relay-quiet.r1.json"), "{\"proc\":{}}"); // no figure: left out
        ReportCommand report = new ReportCommand();
        report.dir = dir;

        // per run 3.20, 1.38, 1.50: the median is run 3's (the ratio of the medians would be 54.4 / 34.7 = 1.57)
        assertThat(report.paired("sat-v1", "relay", "nginx")).isCloseTo(42.1 / 28.1, Offset.offset(1e-9));
        assertThat(report.paired("sat-v1", "relay-quiet", "nginx")).isNaN();
        assertThat(report.paired("sat-chat10", "relay", "nginx")).isNaN();
    }

    @Test
    void anAddedLatencyIsNoVerdictWhenTheDirectPathItselfQueued(@TempDir Path dir) throws Exception {
        for (int r = 1; r <= 3; r++) { // median direct p99 of the chat runs: 2 s; of the v1 runs: 300 µs
            Files.writeString(dir.resolve("chat.direct.r" + r + ".json"),
                    "{\"latency_us\":{\"total\":{\"p50\":1352663,\"p99\":" + (1_800_000 + r * 100_000) + "}}}");
            Files.writeString(dir.resolve("v1.direct.r" + r + ".json"),
                    "{\"latency_us\":{\"total\":{\"p50\":200,\"p99\":" + (200 + r * 50) + "}}}");
        }
        ReportCommand report = new ReportCommand();
        report.dir = dir;

        assertThat(report.latencyVerdict("chat", -1_349_708, 100))
                .isEqualTo("⚠️ not measurable: direct itself queued (p99 2,000,000 µs)");
        assertThat(report.latencyVerdict("v1", 80, 100)).isEqualTo("✅ met, 20.0 µs to spare");
        assertThat(report.latencyVerdict("v1", 620, 500)).isEqualTo("❌ missed by 120 µs");
        assertThat(report.latencyVerdict("stream", 50, 100)).isEqualTo("✅ met, 50.0 µs to spare"); // no direct run
    }

    @Test
    void aVerdictSaysWhenTheBaselineItselfIsOverAnAbsoluteGoal() {
        assertThat(ReportCommand.beyondBaseline(2.12, 2.0, "nginx passing the SSE through", " µs"))
                .isEqualTo(" (nginx passing the SSE through needs 2.12 µs on this machine)");
        assertThat(ReportCommand.beyondBaseline(0.84, 2.0, "nginx", " µs")).isEmpty();
        assertThat(ReportCommand.beyondBaseline(Double.NaN, 2.0, "nginx", " µs")).isEmpty(); // nginx not run
    }
}
