package io.llmrelay.core.translate;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrelay.bench.jmh.ProxyJvm;
import io.llmrelay.bench.jmh.SseStreams;
import io.llmrelay.core.api.Clocks;
import io.llmrelay.core.api.ExchangeTimes;
import io.llmrelay.core.json.Json;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.util.ResourceLeakDetector;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
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
 * The answer path of a translated {@code /api/chat}: an OpenAI SSE stream, cut as a socket cuts it,
 * through {@link ChatAnswerTranslator} into Ollama NDJSON lines (streaming) or one merged answer.
 * One invocation is one whole response with a fresh translator, as in the proxy; scores are per
 * <b>token event</b> ({@link SseStreams#TOKEN_EVENTS}), so per-response work (final chunk with
 * metrics, the role/usage/done events) is spread over the tokens. The produced buffers come from
 * the default allocator and are released, as the channel would.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {ProxyJvm.POOLED_ALLOCATOR, ProxyJvm.NO_LEAK_DETECTION, ProxyJvm.NO_ACCESS_CHECKS,
    ProxyJvm.NO_BOUNDS_CHECKS, ProxyJvm.HEAP_MIN, ProxyJvm.HEAP_MAX})
public class AnswerTranslationBenchmark {

    static {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
    }

    @Param({"WHOLE", "PIECES_7", "SPANNING"})
    public SseStreams.Split split;

    @Param({"true", "false"})
    public boolean stream;

    private ByteBuf[] chunks;
    private InferenceRequest request;
    private Sink sink;

    /**
     * The channel side of a translation, as the proxy's exchange does it: takes ownership of each
     * buffer written and releases it; copies go into one batch per chunk read, which is "sent"
     * (released) when the chunk is done.
     */
    static final class Sink implements BodyTranslator.Output {
        private final Blackhole bh;
        private ByteBuf batch;

        Sink(Blackhole bh) {
            this.bh = bh;
        }

        @Override
        public ByteBufAllocator alloc() {
            return ByteBufAllocator.DEFAULT;
        }

        @Override
        public void write(ByteBuf translated) {
            bh.consume(translated.readableBytes());
            translated.release();
        }

        @Override
        public void writeCopy(ByteBuf bytes) {
            int n = bytes.readableBytes();
            if (batch == null) {
                batch = ByteBufAllocator.DEFAULT.directBuffer(Math.max(1024, n));
            }
            batch.writeBytes(bytes, bytes.readerIndex(), n);
        }

        private void send() {
            if (batch != null) {
                write(batch);
                batch = null;
            }
        }

        /** One whole answer through {@code t}, as the proxy feeds it; then its parser's buffers go back to Jackson. */
        void translate(BodyTranslator t, ByteBuf[] chunks) {
            t.onHead("text/event-stream");
            for (ByteBuf chunk : chunks) {
                t.onContent(chunk, this);
                send();
            }
            t.onEnd(this);
            send();
            t.close();
        }
    }

    @Setup(Level.Trial)
    public void setUp(Blackhole bh) throws IOException {
        List<byte[]> events = SseStreams.events(true);
        chunks = SseStreams.split(events, split);
        byte[] body = ("{\"model\":\"llama3.1:8b\",\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Tell me about foxes.\"}]}").getBytes(StandardCharsets.UTF_8);
        JsonNode json = Json.parse(Unpooled.wrappedBuffer(body));
        request = OllamaRequests.chat(json);
        sink = new Sink(bh);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        SseStreams.release(chunks);
    }

    @Benchmark
    @OperationsPerInvocation(SseStreams.TOKEN_EVENTS)
    public void translate() {
        ChatAnswerTranslator t = ChatAnswerTranslator.ollama(request, new ExchangeTimes(System.nanoTime()),
                Clocks.SYSTEM, 1 << 20);
        sink.translate(t, chunks);
    }
}
