package io.llmrelay.core.translate;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrelay.bench.jmh.ProxyJvm;
import io.llmrelay.bench.jmh.SseStreams;
import io.llmrelay.core.api.Clocks;
import io.llmrelay.core.api.ExchangeTimes;
import io.llmrelay.core.json.Json;
import io.netty.buffer.ByteBuf;
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
 * The answer path of a translated {@code POST /v1/responses}: the same OpenAI SSE stream as
 * {@link AnswerTranslationBenchmark}, cut the same ways, through {@link ChatAnswerTranslator} into the
 * Responses API's typed events (streaming: an {@code event:} line, a numbered JSON event per token,
 * the item and part lifecycle, the whole response at the end) or one response object. One invocation
 * is one whole response with a fresh translator; scores are per token event, so the per-response work
 * (created, in_progress and completed, each repeating the request's settings) is spread over the tokens.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {ProxyJvm.POOLED_ALLOCATOR, ProxyJvm.NO_LEAK_DETECTION, ProxyJvm.NO_ACCESS_CHECKS,
    ProxyJvm.NO_BOUNDS_CHECKS, ProxyJvm.HEAP_MIN, ProxyJvm.HEAP_MAX})
public class ResponsesTranslationBenchmark {

    static {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
    }

    @Param({"WHOLE", "PIECES_7", "SPANNING"})
    public SseStreams.Split split;

    @Param({"true", "false"})
    public boolean stream;

    private ByteBuf[] chunks;
    private ResponsesRequest request;
    private AnswerTranslationBenchmark.Sink sink;

    @Setup(Level.Trial)
    public void setUp(Blackhole bh) throws IOException {
        List<byte[]> events = SseStreams.events(true);
        chunks = SseStreams.split(events, split);
        // a typical agent request: instructions, a function tool, a bit of history
        byte[] body = ("{\"model\":\"llama3.1:8b\",\"stream\":" + stream + ",\"instructions\":\"You are terse.\","
                + "\"input\":[{\"role\":\"user\",\"content\":\"Tell me about foxes.\"}],\"tools\":[{\"type\":\"function\","
                + "\"name\":\"search\",\"description\":\"Search the web\",\"parameters\":{\"type\":\"object\","
                + "\"properties\":{\"q\":{\"type\":\"string\"}},\"required\":[\"q\"]}}],\"temperature\":0.7}")
                .getBytes(StandardCharsets.UTF_8);
        JsonNode json = Json.parse(Unpooled.wrappedBuffer(body));
        request = ResponsesRequests.parse(json);
        sink = new AnswerTranslationBenchmark.Sink(bh);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        SseStreams.release(chunks);
    }

    @Benchmark
    @OperationsPerInvocation(SseStreams.TOKEN_EVENTS)
    public void translate() {
        ChatAnswerTranslator t = ChatAnswerTranslator.responses(request, new ExchangeTimes(System.nanoTime()),
                Clocks.SYSTEM, 1 << 20);
        sink.translate(t, chunks);
    }
}
