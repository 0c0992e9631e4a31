package io.llmrelay.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class HistogramFamilyTest {

    @Test
    void exportsCumulativeBucketsAnExactSumAndTheCount() {
        HistogramFamily h = new HistogramFamily("lat_seconds", "Latency.", "route");
        h.recordNanos("/x", 40_000);        // 40 µs
        h.recordNanos("/x", 40_000);
        h.recordNanos("/x", 2_000_000);     // 2 ms
        h.recordNanos("/x", 90_000_000_000L); // 90 s
        StringBuilder sb = new StringBuilder();
        h.writeTo(new PrometheusText(sb));
        String text = sb.toString();
        assertThat(text).contains("lat_seconds_bucket{route=\"/x\",le=\"0.000025\"} 0\n")
                .contains("lat_seconds_bucket{route=\"/x\",le=\"0.00005\"} 2\n")
                .contains("lat_seconds_bucket{route=\"/x\",le=\"0.0025\"} 3\n")
                .contains("lat_seconds_bucket{route=\"/x\",le=\"60\"} 3\n")
                .contains("lat_seconds_bucket{route=\"/x\",le=\"120\"} 4\n")
                .contains("lat_seconds_bucket{route=\"/x\",le=\"+Inf\"} 4\n")
                .contains("lat_seconds_sum{route=\"/x\"} 90.00208\n")
                .contains("lat_seconds_count{route=\"/x\"} 4\n");
        long buckets = Arrays.stream(text.split("\n")).filter(l -> l.startsWith("lat_seconds_bucket")).count();
        assertThat(buckets).isEqualTo(HistogramFamily.DEFAULT_BUCKETS.length + 1);
    }

    @Test
    void bucketLabelsArePlainNumbersInAscendingOrder() {
        for (int i = 0; i < HistogramFamily.DEFAULT_BUCKETS.length; i++) {
            // Prometheus' le: the bound in plain notation, no exponent and no trailing zeros
            assertThat(HistogramFamily.DEFAULT_BUCKET_LABELS[i]).isEqualTo(java.math.BigDecimal
                    .valueOf(HistogramFamily.DEFAULT_BUCKETS[i]).stripTrailingZeros().toPlainString());
            if (i > 0) {
                assertThat(HistogramFamily.DEFAULT_BUCKETS[i]).isGreaterThan(HistogramFamily.DEFAULT_BUCKETS[i - 1]);
            }
        }
    }

    @Test
    void snapshotsAccumulateAcrossScrapes() {
        HistogramFamily h = new HistogramFamily("lat_seconds", "Latency.", "route");
        h.recordNanos("/x", 1_000_000);
        assertThat(h.snapshot("/x").count()).isEqualTo(1);
        h.recordNanos("/x", 1_000_000);
        LatencyHistogram.Snapshot s = h.snapshot("/x");
        assertThat(s.count()).isEqualTo(2);
        assertThat(s.sumNanos()).isEqualTo(2_000_000);
        assertThat(s.percentileSeconds(50)).isBetween(0.00099, 0.00101);
        assertThat(h.snapshot("/never")).isNull();
    }
}
