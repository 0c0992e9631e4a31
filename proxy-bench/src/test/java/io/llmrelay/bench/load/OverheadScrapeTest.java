package io.llmrelay.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.llmrelay.core.metrics.RelayMetrics;
import org.junit.jupiter.api.Test;

/** The bench reads llm-relay's own exposition, so it is tested against what RelayMetrics writes. */
class OverheadScrapeTest {

    private final RelayMetrics metrics = new RelayMetrics();

    @Test
    void theDifferenceOfTwoReadingsIsTheWindowsRequests() {
        metrics.overhead.recordNanos("/api/chat", 5_000_000); // before the window: not counted
        OverheadScrape before = OverheadScrape.parse(metrics.scrape(), "/api/chat");
        for (int i = 0; i < 90; i++) {
            metrics.overhead.recordNanos("/api/chat", 40_000);
        }
        for (int i = 0; i < 10; i++) {
            metrics.overhead.recordNanos("/api/chat", 400_000);
        }
        metrics.overhead.recordNanos("/v1/chat/completions", 9_000_000); // another route
        OverheadScrape after = OverheadScrape.parse(metrics.scrape(), "/api/chat");

        assertThat(after.countSince(before)).isEqualTo(100);
        assertThat(after.meanMicrosSince(before)).isCloseTo(76, within(1.0));
        // 40 µs falls in the (25, 50] µs bucket, 400 µs in (300, 500]: interpolated inside them
        assertThat(after.quantileMicrosSince(before, 0.5)).isBetween(25.0, 50.0);
        assertThat(after.quantileMicrosSince(before, 0.99)).isBetween(300.0, 500.0);
    }

    @Test
    void aCounterIsSummedOverItsLabelsAndMissingWhenNotExported() {
        String text = "# TYPE llm_relay_log_lines_dropped_total counter\n"
                + "llm_relay_log_lines_dropped_total 3\n"
                + "llm_relay_log_lines_dropped_total_other 100\n"
                + "llm_relay_requests_total{route=\"/api/chat\",status=\"200\"} 5\n"
                + "llm_relay_requests_total{route=\"/v1/chat/completions\",status=\"200\"} 7\n";

        assertThat(OverheadScrape.sum(text, "llm_relay_log_lines_dropped_total")).isEqualTo(3);
        assertThat(OverheadScrape.sum(text, "llm_relay_requests_total")).isEqualTo(12);
        assertThat(OverheadScrape.sum(text, "llm_relay_not_there_total")).isNaN();
    }

    @Test
    void aSelectorSumsOnlyTheSamplesWithItsLabels() {
        metrics.addBackendGauges(sink -> {
            sink.attempts("mock-1", "ok", 5);
            sink.attempts("mock-1", "error", 2);
            sink.attempts("mock-2", "ok", 7);
            sink.attempts("mock-10", "ok", 100); // a name that starts like another
        });
        String text = metrics.scrape();

        assertThat(OverheadScrape.sum(text, "llm_relay_backend_attempts_total{backend=\"mock-1\"}")).isEqualTo(7);
        assertThat(OverheadScrape.sum(text, "llm_relay_backend_attempts_total{backend=\"mock-2\",outcome=\"ok\"}")).isEqualTo(7);
        assertThat(OverheadScrape.sum(text, "llm_relay_backend_attempts_total{outcome=\"ok\"}")).isEqualTo(112);
        assertThat(OverheadScrape.sum(text, "llm_relay_backend_attempts_total")).isEqualTo(114);
        assertThat(OverheadScrape.sum(text, "llm_relay_backend_attempts_total{backend=\"mock-3\"}")).isNaN();
        // not counted yet, but the family is there: the run's starting value is 0, not "not exported"
        assertThat(OverheadScrape.declares(text, "llm_relay_backend_attempts_total{backend=\"mock-3\"}")).isTrue();
        assertThat(OverheadScrape.declares(text, "llm_relay_not_there_total{backend=\"mock-3\"}")).isFalse();
    }

    @Test
    void aRouteWithoutRequestsReadsAsNothing() {
        metrics.overhead.recordNanos("/api/chat2", 40_000);
        OverheadScrape s = OverheadScrape.parse(metrics.scrape(), "/api/chat");

        assertThat(s.countSince(s)).isZero();
        assertThat(s.meanMicrosSince(s)).isZero();
        assertThat(s.quantileMicrosSince(s, 0.5)).isZero();
    }
}
