package io.llmrelay.core.stream;

import io.llmrelay.bench.jmh.ProxyJvm;
import io.llmrelay.bench.jmh.SseStreams;
import io.netty.buffer.ByteBuf;
import io.netty.util.ResourceLeakDetector;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * SSE framing alone: one backend stream (a new framer, as per response) cut as a socket would cut
 * it. Scores are per SSE event ({@link SseStreams#TOKEN_EVENTS} token events plus the role, finish,
 * usage and {@code [DONE]} events).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {ProxyJvm.POOLED_ALLOCATOR, ProxyJvm.NO_LEAK_DETECTION, ProxyJvm.NO_ACCESS_CHECKS,
    ProxyJvm.NO_BOUNDS_CHECKS, ProxyJvm.HEAP_MIN, ProxyJvm.HEAP_MAX})
public class SseFramerBenchmark {

    static final int EVENTS = SseStreams.TOKEN_EVENTS + 4;

    static {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
    }

    @Param({"WHOLE", "PIECES_7", "SPANNING"})
    public SseStreams.Split split;

    private ByteBuf[] chunks;

    @Setup(Level.Trial)
    public void setUp() {
        chunks = SseStreams.split(SseStreams.events(true), split);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        SseStreams.release(chunks);
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void frame(Blackhole bh) {
        SseFramer framer = new SseFramer(1 << 20);
        SseFramer.Listener sink = (type, data, length) -> bh.consume(length);
        for (ByteBuf chunk : chunks) {
            framer.feed(chunk, sink);
        }
        framer.finish(sink);
    }
}
