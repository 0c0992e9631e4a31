package io.llmrelay.core.translate;

import io.llmrelay.bench.jmh.ProxyJvm;
import io.llmrelay.bench.jmh.SseStreams;
import io.netty.util.ResourceLeakDetector;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The JSON part of a token event alone: {@link OpenAiChunkDecoder} on framed events' data (no framing,
 * no output; one decoder, as for one stream, fed the stream's token events in turn, as a stream feeds
 * them: most differ from the one before only in their text), to tell decoding from writing in
 * {@link AnswerTranslationBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {ProxyJvm.POOLED_ALLOCATOR, ProxyJvm.NO_LEAK_DETECTION, ProxyJvm.NO_ACCESS_CHECKS,
    ProxyJvm.NO_BOUNDS_CHECKS, ProxyJvm.HEAP_MIN, ProxyJvm.HEAP_MAX})
public class ChunkDecodeBenchmark {

    static {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
    }

    private byte[][] tokenEvents;
    private int next;
    private final ChatDelta delta = new ChatDelta();
    private final OpenAiChunkDecoder decoder = new OpenAiChunkDecoder();

    @Setup
    public void setUp() {
        List<byte[]> events = SseStreams.events(true);
        tokenEvents = new byte[SseStreams.TOKEN_EVENTS][];
        for (int i = 0; i < tokenEvents.length; i++) {
            byte[] e = events.get(1 + i); // after the role event
            tokenEvents[i] = Arrays.copyOfRange(e, "data: ".length(), e.length - 2);
        }
    }

    @Benchmark
    public void decodeTokenEvent(Blackhole bh) throws IOException {
        byte[] tokenEvent = tokenEvents[next];
        next = next + 1 == tokenEvents.length ? 0 : next + 1;
        decoder.decode(tokenEvent, 0, tokenEvent.length, delta);
        bh.consume(delta.content);
    }
}
