package io.llmrelay.core.translate;

import io.llmrelay.bench.jmh.ProxyJvm;
import io.llmrelay.core.backend.BackendFlavor;
import io.llmrelay.core.json.Json;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.util.ResourceLeakDetector;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The request path of a translated {@code /api/chat}, as the endpoint runs it: the aggregated body
 * (a direct buffer) parsed into a tree ({@code Json.parse}), read and validated by
 * {@link OllamaRequests#chat}, and written as the OpenAI body by {@link OpenAiRequestWriter#inference}
 * into a buffer from the default allocator (released, as the channel would). Per request.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {ProxyJvm.POOLED_ALLOCATOR, ProxyJvm.NO_LEAK_DETECTION, ProxyJvm.NO_ACCESS_CHECKS,
    ProxyJvm.NO_BOUNDS_CHECKS, ProxyJvm.HEAP_MIN, ProxyJvm.HEAP_MAX})
public class RequestTranslationBenchmark {

    static {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
    }

    /** A one-line prompt (the load test's body). */
    static final String SMALL = "{\"model\":\"llama3.1:8b\",\"messages\":[{\"role\":\"user\",\"content\":\"Why is the sky blue?\"}],"
            + "\"stream\":false}";

    /** A chat client's typical turn: system prompt, history, options, one tool, thinking. */
    static final String CONVERSATION;

    static {
        StringBuilder b = new StringBuilder("{\"model\":\"qwen3:8b\",\"stream\":true,\"think\":false,\"keep_alive\":\"10m\",")
                .append("\"options\":{\"temperature\":0.7,\"top_p\":0.9,\"top_k\":40,\"num_ctx\":8192,\"num_predict\":512,")
                .append("\"seed\":42,\"stop\":[\"<|im_end|>\"],\"repeat_penalty\":1.1},")
                .append("\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"description\":")
                .append("\"Get the current weather for a city\",\"parameters\":{\"type\":\"object\",\"properties\":")
                .append("{\"city\":{\"type\":\"string\",\"description\":\"The city\"}},\"required\":[\"city\"]}}}],")
                .append("\"messages\":[{\"role\":\"system\",\"content\":\"You are a helpful assistant. Answer briefly and ")
                .append("cite sources when you can. Use tools when they help.\"}");
        for (int i = 0; i < 5; i++) {
            b.append(",{\"role\":\"user\",\"content\":\"Question number ").append(i)
                    .append(": what should I know about topic ").append(i).append(" before I start?\"}")
                    .append(",{\"role\":\"assistant\",\"content\":\"Here is a short answer about topic ").append(i)
                    .append(", with a few points:\\n1. first point\\n2. second point\\n3. third point.\"}");
        }
        b.append(",{\"role\":\"user\",\"content\":\"And the weather in Paris?\"}]}");
        CONVERSATION = b.toString();
    }

    @Param({"SMALL", "CONVERSATION"})
    public String body;

    private ByteBuf request;

    @Setup(Level.Trial)
    public void setUp() {
        byte[] bytes = ("SMALL".equals(body) ? SMALL : CONVERSATION).getBytes(StandardCharsets.UTF_8);
        request = Unpooled.directBuffer(bytes.length).writeBytes(bytes);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        request.release();
    }

    @Benchmark
    public void translate(Blackhole bh) throws IOException {
        InferenceRequest r = OllamaRequests.chat(Json.parse(request));
        ByteBuf out = ByteBufAllocator.DEFAULT.buffer(request.readableBytes() + 256);
        try {
            OpenAiRequestWriter.inference(r, r.model(), BackendFlavor.VLLM, out);
            bh.consume(out.readableBytes());
        } finally {
            out.release();
        }
    }
}
