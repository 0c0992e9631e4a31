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
import java.util.ArrayList;
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
 * The answer path of a translated {@code /v1/messages}: an OpenAI SSE stream, cut as a socket cuts
 * it, through {@link ChatAnswerTranslator} into Anthropic's typed events (streaming) or one message.
 * {@code TEXT} is {@link AnswerTranslationBenchmark}'s stream (64 text tokens); {@code TOOL} is one
 * tool call whose arguments arrive in 64 fragments, each an {@code input_json_delta}. Scores are per
 * token event ({@link SseStreams#TOKEN_EVENTS}), with a fresh translator per response, as in the proxy.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {ProxyJvm.POOLED_ALLOCATOR, ProxyJvm.NO_LEAK_DETECTION, ProxyJvm.NO_ACCESS_CHECKS,
    ProxyJvm.NO_BOUNDS_CHECKS, ProxyJvm.HEAP_MIN, ProxyJvm.HEAP_MAX})
public class MessagesAnswerTranslationBenchmark {

    static {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
    }

    /** What the answer carries. */
    public enum Content { TEXT, TOOL }

    @Param({"WHOLE", "PIECES_7", "SPANNING"})
    public SseStreams.Split split;

    @Param({"true", "false"})
    public boolean stream;

    @Param({"TEXT", "TOOL"})
    public Content content;

    private ByteBuf[] chunks;
    private InferenceRequest request;
    private AnswerTranslationBenchmark.Sink sink;

    @Setup(Level.Trial)
    public void setUp(Blackhole bh) throws IOException {
        chunks = SseStreams.split(content == Content.TEXT ? SseStreams.events(true) : toolEvents(), split);
        byte[] body = ("{\"model\":\"claude-local\",\"max_tokens\":1024,\"stream\":" + stream
                + ",\"tools\":[{\"name\":\"search\",\"input_schema\":{\"type\":\"object\"}}],"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Tell me about foxes.\"}]}").getBytes(StandardCharsets.UTF_8);
        JsonNode json = Json.parse(Unpooled.wrappedBuffer(body));
        request = MessagesRequests.messages(json);
        sink = new AnswerTranslationBenchmark.Sink(bh);
    }

    /** One call, {@code search}, its arguments {"query": "the quick brown …"} cut into 64 fragments. */
    private static List<byte[]> toolEvents() {
        String head = "{\"id\":\"chatcmpl-8f1c2a\",\"object\":\"chat.completion.chunk\",\"created\":1732000000,"
                + "\"model\":\"meta-llama/Llama-3.1-8B-Instruct\",\"choices\":[{\"index\":0,";
        List<byte[]> events = new ArrayList<>();
        events.add(event(head + "\"delta\":{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"index\":0,"
                + "\"id\":\"call_8f1c2a\",\"type\":\"function\",\"function\":{\"name\":\"search\",\"arguments\":\"\"}}]},"
                + "\"finish_reason\":null}]}"));
        for (int i = 0; i < SseStreams.TOKEN_EVENTS; i++) {
            String piece = i == 0 ? "{\\\"query\\\": \\\"the" : i == SseStreams.TOKEN_EVENTS - 1 ? " fox\\\"}" : " word" + i;
            events.add(event(head + "\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"" + piece
                    + "\"}}]},\"finish_reason\":null}]}"));
        }
        events.add(event(head + "\"delta\":{},\"finish_reason\":\"tool_calls\"}]}"));
        events.add(event("{\"id\":\"chatcmpl-8f1c2a\",\"object\":\"chat.completion.chunk\",\"choices\":[],"
                + "\"usage\":{\"prompt_tokens\":25,\"completion_tokens\":" + SseStreams.TOKEN_EVENTS + "}}"));
        events.add(event("[DONE]"));
        return events;
    }

    private static byte[] event(String data) {
        return ("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        SseStreams.release(chunks);
    }

    @Benchmark
    @OperationsPerInvocation(SseStreams.TOKEN_EVENTS)
    public void translate() {
        ChatAnswerTranslator t = ChatAnswerTranslator.messages(request, new ExchangeTimes(System.nanoTime()),
                Clocks.SYSTEM, 1 << 20);
        sink.translate(t, chunks);
    }
}
