package io.llmrelay.core.metrics;

import io.llmrelay.bench.jmh.ProxyJvm;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the metrics cost on the hot path: one latency recording (an HdrHistogram {@code Recorder}
 * plus the exact sum), one stream chunk gap (per flushed write of a stream), and everything a
 * finished translated request records (as the server's {@code ExchangeMetrics.record} does: the
 * labelled request counter, four latency histograms, token counters).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {ProxyJvm.POOLED_ALLOCATOR, ProxyJvm.NO_LEAK_DETECTION, ProxyJvm.NO_ACCESS_CHECKS,
    ProxyJvm.NO_BOUNDS_CHECKS, ProxyJvm.HEAP_MIN, ProxyJvm.HEAP_MAX})
public class MetricsRecordingBenchmark {

    private final RelayMetrics metrics = new RelayMetrics();
    private final LatencyHistogram histogram = new LatencyHistogram();
    private long nanos = 1_000;

    private long next() {
        nanos = nanos * 6364136223846793005L + 1442695040888963407L;
        return (nanos >>> 40) & 0xFFFFFF; // 0..16 ms, spread over the buckets
    }

    @Benchmark
    public void latencyRecord() {
        histogram.recordNanos(next());
    }

    @Benchmark
    public void chunkGap() {
        metrics.chunkGap.recordNanos("/api/chat", next());
    }

    @Benchmark
    public void finishedRequest() {
        long d = next();
        metrics.requestStarted();
        metrics.requestEnded();
        metrics.requests.inc("/api/chat", "llama3.1:8b", "vllm", "200");
        metrics.duration.recordNanos("/api/chat", d);
        metrics.overhead.recordNanos("/api/chat", d >>> 6);
        metrics.timeToFirstByte.recordNanos("/api/chat", d >>> 2);
        metrics.timeToFirstToken.recordNanos("/api/chat", d >>> 2);
        metrics.promptTokens.add(25, "llama3.1:8b", "vllm");
        metrics.completionTokens.add(64, "llama3.1:8b", "vllm");
    }
}
