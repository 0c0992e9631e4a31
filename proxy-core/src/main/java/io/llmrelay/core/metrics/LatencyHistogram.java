package io.llmrelay.core.metrics;

import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * One latency distribution: recorded wait-free from any event loop into an HdrHistogram
 * {@link Recorder} (microsecond resolution, 2 significant digits), read by scrapes, which fold each
 * interval into a running total. The exact sum is kept beside it for Prometheus' {@code _sum}.
 */
public final class LatencyHistogram {

    private static final long HIGHEST_MICROS = 3_600_000_000L; // one hour

    private final Recorder recorder = new Recorder(1, HIGHEST_MICROS, 2);
    private final LongAdder sumNanos = new LongAdder();
    private final Histogram total = new Histogram(1, HIGHEST_MICROS, 2);
    private Histogram interval;

    /** Records one duration; negative values count as zero, values beyond an hour as an hour. */
    public void recordNanos(long nanos) {
        long n = Math.max(0, nanos);
        sumNanos.add(n);
        recorder.recordValue(Math.min(n / 1_000, HIGHEST_MICROS));
    }

    /** Everything recorded so far. Only scrapes call this; they are serialised here. */
    public synchronized Snapshot snapshot() {
        interval = recorder.getIntervalHistogram(interval);
        total.add(interval);
        return new Snapshot(total.copy(), sumNanos.sum());
    }

    /** A copy of the running total, with the exact sum. */
    public record Snapshot(Histogram histogram, long sumNanos) {

        public long count() {
            return histogram.getTotalCount();
        }

        /** How many recorded values are at most {@code seconds}. */
        public long countAtOrBelow(double seconds) {
            long micros = (long) Math.floor(seconds * 1e6);
            return micros >= histogram.getMaxValue() ? histogram.getTotalCount()
                    : histogram.getCountBetweenValues(0, micros);
        }

        /** The value at a percentile (0–100), in seconds. */
        public double percentileSeconds(double percentile) {
            return histogram.getValueAtPercentile(percentile) / 1e6;
        }
    }
}
