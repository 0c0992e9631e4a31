package io.llmrelay.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrelay.server.runtime.Transport;
import io.llmrelay.server.demo.DemoBackend;
import io.llmrelay.server.testing.Ndjson;
import io.llmrelay.server.testing.RawHttp;
import io.llmrelay.server.testing.RelayHarness;
import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The zero-configuration path: the proxy in front of the built-in demo backend, over real sockets. */
class DemoBackendEndToEndTest {

    private static EventLoopGroup demoLoops;
    private static DemoBackend demo;
    private static RelayHarness relay;

    @BeforeAll
    static void start() throws Exception {
        demoLoops = Transport.best().newGroup(1, "test-demo");
        demo = DemoBackend.start(demoLoops, Transport.best(), "127.0.0.1", 0, Duration.ofMillis(5));
        relay = RelayHarness.start(demo.baseUrl());
    }

    @AfterAll
    static void stop() {
        relay.close();
        demo.close();
        demoLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void chatStreamsTheDemoReplyTokenByToken() throws Exception {
        try (Response response = relay.post("/api/chat",
                "{\"model\":\"demo\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi there\"}]}")) {
            assertThat(response.code()).isEqualTo(200);
            List<JsonNode> lines = Ndjson.parse(response.body().string());
            assertThat(lines.size()).isGreaterThan(5);
            StringBuilder text = new StringBuilder();
            for (JsonNode line : lines.subList(0, lines.size() - 1)) {
                assertThat(line.get("done").asBoolean()).isFalse();
                text.append(line.get("message").get("content").asText());
            }
            assertThat(text.toString()).startsWith("Hello! This is the llm-relay demo model. You said: \"Hi there\".");
            JsonNode last = lines.get(lines.size() - 1);
            assertThat(last.get("done").asBoolean()).isTrue();
            assertThat(last.get("eval_count").asInt()).isEqualTo(lines.size() - 1);
            assertThat(last.get("eval_duration").asLong()).isPositive();
        }
    }

    @Test
    void generateAcceptsTheListedNameWithItsTag() throws Exception {
        try (Response response = relay.post("/api/generate",
                "{\"model\":\"demo:latest\",\"prompt\":\"x\",\"stream\":false,\"options\":{\"num_predict\":3}}")) {
            JsonNode answer = Ndjson.json(response.body().string());
            assertThat(answer.get("model").asText()).isEqualTo("demo:latest");
            assertThat(answer.get("response").asText()).isEqualTo("Hello! This is ");
            assertThat(answer.get("done_reason").asText()).isEqualTo("length");
        }
    }

    @Test
    void openAiClientsStreamThroughTheSamePort() throws Exception {
        try (Response response = relay.post("/v1/chat/completions",
                "{\"model\":\"demo\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")) {
            String body = response.body().string();
            assertThat(response.header("Content-Type")).isEqualTo("text/event-stream");
            assertThat(body).startsWith("data: {").endsWith("data: [DONE]\n\n");
        }
    }

    @Test
    void embedReturnsNormalisedVectorsInOrder() throws Exception {
        try (Response response = relay.post("/api/embed",
                "{\"model\":\"demo-embed\",\"input\":[\"hello world\",\"goodbye\"]}")) {
            JsonNode answer = Ndjson.json(response.body().string());
            assertThat(answer.get("model").asText()).isEqualTo("demo-embed");
            JsonNode vectors = answer.get("embeddings");
            assertThat(vectors).hasSize(2);
            for (JsonNode v : vectors) {
                double sum = 0;
                for (JsonNode x : v) {
                    sum += x.asDouble() * x.asDouble();
                }
                assertThat(Math.sqrt(sum)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
            }
            assertThat(vectors.get(0)).isNotEqualTo(vectors.get(1));
            assertThat(answer.get("prompt_eval_count").asInt()).isEqualTo(3);
        }
        try (Response legacy = relay.post("/api/embeddings", "{\"model\":\"demo-embed\",\"prompt\":\"hello\"}")) {
            JsonNode answer = Ndjson.json(legacy.body().string());
            assertThat(answer.get("embedding")).hasSize(64);
        }
    }

    @Test
    void listAndShowDescribeTheDemoModels() throws Exception {
        try (Response response = relay.get("/api/tags")) {
            JsonNode models = Ndjson.json(response.body().string()).get("models");
            assertThat(models).hasSize(2);
            assertThat(models.get(0).get("name").asText()).isEqualTo("demo:latest");
            assertThat(models.get(0).get("digest").asText()).matches("[0-9a-f]{64}");
        }
        try (Response response = relay.post("/api/show", "{\"model\":\"demo\"}")) {
            JsonNode show = Ndjson.json(response.body().string());
            assertThat(show.get("model_info").get("demo.context_length").asInt()).isEqualTo(8192);
            assertThat(show.get("capabilities").toString()).contains("completion");
        }
    }

    @Test
    void aClientThatLeavesStopsTheDemoStream() throws Exception {
        try (RawHttp client = RawHttp.connect(relay.port(), 64 * 1024)) {
            client.post("/api/chat", "{\"model\":\"demo\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
            client.read(200);
            assertThat(demo.openStreams()).isEqualTo(1);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (demo.openStreams() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(demo.openStreams()).isZero();
    }
}
