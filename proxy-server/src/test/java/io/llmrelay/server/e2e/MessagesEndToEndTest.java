package io.llmrelay.server.e2e;

import static io.llmrelay.server.testing.Ndjson.contentChunk;
import static io.llmrelay.server.testing.Ndjson.finishChunk;
import static io.llmrelay.server.testing.Ndjson.sse;
import static io.llmrelay.server.testing.Ndjson.usageChunk;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrelay.core.backend.BackendFlavor;
import io.llmrelay.core.config.BackendConfig;
import io.llmrelay.core.config.Secret;
import io.llmrelay.server.testing.Ndjson;
import io.llmrelay.server.testing.RelayHarness;
import io.llmrelay.server.testing.ScriptedBackend;
import io.llmrelay.testing.SeenSecrets;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockResponseBody;
import mockwebserver3.RecordedRequest;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSink;
import okio.BufferedSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Anthropic's Messages API through a running proxy in front of a scripted OpenAI backend: the
 * request translated to chat completions, the answer back as one message or as Anthropic's events
 * written as they arrive, errors in Anthropic's shape before and during a stream, and
 * {@code count_tokens} from a tokenizer or estimated.
 */
class MessagesEndToEndTest {

    static final String KEY = "sk-backend-key-for-messages";
    static final String HI = "{\"model\":\"m\",\"max_tokens\":64,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]";

    private ScriptedBackend backend;
    private RelayHarness relay;

    @BeforeEach
    void start() throws Exception {
        backend = new ScriptedBackend();
        relay = RelayHarness.start(backend.baseUrl(), RelayHarness.withBackend(
                RelayHarness.backend(backend.baseUrl(), Secret.of(SeenSecrets.key(KEY), "test"))));
    }

    @AfterEach
    void stop() {
        relay.close();
        backend.close();
    }

    @Test
    void aMessageIsTranslatedToChatCompletionsAndBack() throws Exception {
        backend.enqueueSse(sse(contentChunk("Hel"), contentChunk("lo!"), finishChunk("stop"), usageChunk(12, 3)), 9);
        String clientKey = SeenSecrets.key("sk-ant-client-key-never-forwarded");
        try (Response r = post("/v1/messages", HI + ",\"system\":\"Be brief.\",\"temperature\":0.2}",
                "x-api-key", clientKey, "anthropic-version", "2023-06-01")) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.header("Content-Type")).isEqualTo("application/json; charset=utf-8");
            JsonNode message = Ndjson.json(r.body().string());
            assertThat(message.path("id").asText()).matches("msg_[0-9A-Za-z]{24}");
            ((com.fasterxml.jackson.databind.node.ObjectNode) message).remove("id");
            assertThat(message).isEqualTo(Ndjson.json("{\"type\":\"message\",\"role\":\"assistant\",\"model\":\"m\","
                    + "\"content\":[{\"type\":\"text\",\"text\":\"Hello!\"}],\"stop_reason\":\"end_turn\","
                    + "\"stop_sequence\":null,\"usage\":{\"input_tokens\":12,\"output_tokens\":3}}"));
            assertThat(r.header("X-Relay-Backend")).isEqualTo("test-backend");
            assertThat(r.header("X-Relay-Overhead-Us")).isNotNull();
        }
        RecordedRequest upstream = backend.takeRequest();
        assertThat(upstream.getTarget()).isEqualTo("/v1/chat/completions");
        assertThat(upstream.getHeaders().get("Authorization")).isEqualTo("Bearer " + KEY);
        assertThat(upstream.getHeaders().get("x-api-key")).isNull();
        assertThat(upstream.getHeaders().get("anthropic-version")).isNull();
        assertThat(Ndjson.json(upstream.getBody().utf8())).isEqualTo(Ndjson.json("{\"model\":\"m\",\"messages\":["
                + "{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\"Hi\"}],\"stream\":true,"
                + "\"stream_options\":{\"include_usage\":true},\"max_tokens\":64,\"temperature\":0.2}"));
    }

    @Test
    void theBetaClientsQueryIsServedToo() throws Exception {
        // the SDKs' beta namespace (Claude Code uses it) posts to /v1/messages?beta=true
        backend.enqueueSse(sse(contentChunk("ok"), finishChunk("stop")), 1000);
        try (Response r = post("/v1/messages?beta=true", HI + "}", "anthropic-beta", "interleaved-thinking-2025-05-14")) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(Ndjson.json(r.body().string()).path("content").get(0).path("text").asText()).isEqualTo("ok");
        }
        assertThat(backend.takeRequest().getTarget()).isEqualTo("/v1/chat/completions");
    }

    @Test
    void aStreamIsWrittenEventByEventNotGatheredToTheEnd() throws Exception {
        String first = sse(contentChunk("Hel")).replace("data: [DONE]\n\n", "");
        String rest = sse(contentChunk("lo"), finishChunk("stop"), usageChunk(5, 2));
        CountDownLatch release = new CountDownLatch(1);
        backend.enqueue(new MockResponse.Builder().setHeader("Content-Type", "text/event-stream")
                .body(new GatedBody(first, rest, release)).build());
        try (Response r = post("/v1/messages", HI + ",\"stream\":true}")) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.header("Content-Type")).isEqualTo("text/event-stream");
            BufferedSource body = r.body().source();
            StringBuilder seen = new StringBuilder();
            // the first token's events arrive while the backend still holds the rest of its answer
            while (!seen.toString().contains("\"text\":\"Hel\"")) {
                String line = body.readUtf8Line();
                assertThat(line).as("the stream ended before its first token").isNotNull();
                seen.append(line).append('\n');
            }
            assertThat(release.getCount()).isEqualTo(1);
            release.countDown();
            seen.append(body.readUtf8());
            List<String> names = eventNames(seen.toString());
            assertThat(names).containsExactly("message_start", "ping", "content_block_start", "content_block_delta",
                    "content_block_delta", "content_block_stop", "message_delta", "message_stop");
            assertThat(seen.toString()).contains("{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\","
                    + "\"stop_sequence\":null},\"usage\":{\"input_tokens\":5,\"output_tokens\":2}}");
        } finally {
            release.countDown();
        }
    }

    @Test
    void aFailureMidStreamEndsWithAnAnthropicErrorEvent() throws Exception {
        backend.enqueueSse("data: " + contentChunk("Partial") + "\n\n"
                + "data: {\"error\":{\"message\":\"CUDA out of memory\",\"type\":\"InternalServerError\"}}\n\n", 1000);
        try (Response r = post("/v1/messages", HI + ",\"stream\":true}")) {
            assertThat(r.code()).isEqualTo(200);
            String body = r.body().string();
            assertThat(eventNames(body)).containsExactly("message_start", "ping", "content_block_start",
                    "content_block_delta", "error");
            assertThat(body).endsWith("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"api_error\","
                    + "\"message\":\"backend error: CUDA out of memory\"}}\n\n");
        }
    }

    @Test
    void errorsBeforeTheAnswerAreInAnthropicsShape() throws Exception {
        assertError(post("/v1/messages", "{\"model\":\"nope\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\","
                + "\"content\":\"x\"}]}"), 404, "not_found_error", "model 'nope' not found");
        assertError(post("/v1/messages", "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"),
                400, "invalid_request_error", "max_tokens: field required");
        assertError(post("/v1/messages", "{\"model\":"), 400, "invalid_request_error", null);
        assertError(post("/v1/messages", HI + ",\"tools\":[{\"type\":\"web_search_20250305\",\"name\":\"web_search\"}]}"),
                400, "invalid_request_error", null);
        assertError(post("/v1/messages/count_tokens", "{\"messages\":[]}"), 400, "invalid_request_error",
                "model: field required");
        try (Response r = relay.get("/v1/messages")) {
            assertThat(r.code()).isEqualTo(405);
            assertThat(Ndjson.json(r.body().string()).path("type").asText()).isEqualTo("error");
        }
        // the backend's refusal keeps its status, in Anthropic's words
        backend.enqueue(new MockResponse.Builder().code(429).setHeader("Content-Type", "application/json")
                .body("{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\"}}").build());
        assertError(post("/v1/messages", HI + "}"), 429, "rate_limit_error",
                "backend test-backend answered 429: Rate limit reached");
        assertThat(backend.drainRequests()).hasSize(1);
    }

    @Test
    void countTokensIsAnEstimateForABackendWithoutATokenizer() throws Exception {
        try (Response r = post("/v1/messages/count_tokens", "{\"model\":\"m\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"Hello there, how are you?\"}]}")) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.header("X-Relay-Token-Count")).isEqualTo("estimate");
            // "user\nHello there, how are you?\n": 31 bytes, 8 tokens; 4 for the message
            assertThat(r.body().string()).isEqualTo("{\"input_tokens\":12}");
        }
        assertThat(backend.untakenRequests()).isZero();
    }

    @Test
    void countTokensAsksALlamaCppServersTokenizer() throws Exception {
        try (ScriptedBackend llama = new ScriptedBackend()) {
            llama.serve("/props", "{\"default_generation_settings\":{\"n_ctx\":4096},\"chat_template\":\"\"}");
            try (RelayHarness proxy = RelayHarness.start(llama.baseUrl(), RelayHarness.withBackend(new BackendConfig(
                    "llama", BackendConfig.parseUrl(llama.baseUrl()), BackendFlavor.LLAMACPP, null)))) {
                llama.enqueue(new MockResponse.Builder().setHeader("Content-Type", "application/json")
                        .body("{\"tokens\":[1,9906,1070,11,1268,527,499,30]}").build());
                try (Response r = proxy.post("/v1/messages/count_tokens", "{\"model\":\"m\",\"system\":\"S\","
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"Hello there, how are you?\"}]}")) {
                    assertThat(r.code()).isEqualTo(200);
                    assertThat(r.header("X-Relay-Token-Count")).isEqualTo("tokenizer");
                    assertThat(r.body().string()).isEqualTo("{\"input_tokens\":8}");
                }
                RecordedRequest tokenize = llama.takeRequest();
                assertThat(tokenize.getTarget()).isEqualTo("/tokenize"); // the server's root, not under /v1
                assertThat(Ndjson.json(tokenize.getBody().utf8())).isEqualTo(Ndjson.json("{\"content\":\"system\\nS\\n"
                        + "user\\nHello there, how are you?\\n\",\"add_special\":true}"));
            }
        }
    }

    @Test
    void countTokensGivesVllmItsMessages() throws Exception {
        try (ScriptedBackend vllm = new ScriptedBackend();
                RelayHarness proxy = RelayHarness.start(vllm.baseUrl(), RelayHarness.withBackend(new BackendConfig(
                        "vllm", BackendConfig.parseUrl(vllm.baseUrl()), BackendFlavor.VLLM, null)))) {
            vllm.enqueue(new MockResponse.Builder().setHeader("Content-Type", "application/json")
                    .body("{\"count\":17,\"max_model_len\":32768,\"tokens\":[],\"token_strs\":null}").build());
            try (Response r = proxy.post("/v1/messages/count_tokens", "{\"model\":\"m\",\"messages\":[{\"role\":"
                    + "\"user\",\"content\":\"Hi\"}]}")) {
                assertThat(r.header("X-Relay-Token-Count")).isEqualTo("tokenizer");
                assertThat(r.body().string()).isEqualTo("{\"input_tokens\":17}");
            }
            RecordedRequest tokenize = vllm.takeRequest();
            assertThat(tokenize.getTarget()).isEqualTo("/tokenize");
            assertThat(Ndjson.json(tokenize.getBody().utf8())).isEqualTo(Ndjson.json("{\"model\":\"m\",\"messages\":["
                    + "{\"role\":\"user\",\"content\":\"Hi\"}],\"add_generation_prompt\":true}"));
        }
    }

    // ---------------------------------------------------------------- helpers

    private Response post(String path, String json, String... headers) throws IOException {
        Request.Builder r = new Request.Builder().url(relay.url(path)).post(RequestBody.create(json, RelayHarness.JSON));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            r.addHeader(headers[i], headers[i + 1]);
        }
        return relay.http.newCall(r.build()).execute();
    }

    static void assertError(Response response, int status, String type, String message) throws IOException {
        try (response) {
            assertThat(response.code()).isEqualTo(status);
            assertThat(response.header("Content-Type")).isEqualTo("application/json; charset=utf-8");
            JsonNode body = Ndjson.json(response.body().string());
            assertThat(body.path("type").asText()).isEqualTo("error");
            assertThat(body.path("error").path("type").asText()).isEqualTo(type);
            if (message != null) {
                assertThat(body.path("error").path("message").asText()).isEqualTo(message);
            } else {
                assertThat(body.path("error").path("message").asText()).isNotBlank();
            }
        }
    }

    /** The {@code event:} names of an SSE body, in order. */
    static List<String> eventNames(String sse) {
        List<String> names = new ArrayList<>();
        for (String line : sse.split("\n")) {
            if (line.startsWith("event: ")) {
                names.add(line.substring("event: ".length()));
            }
        }
        return names;
    }

    /** A body whose first part is sent at once and the rest only when the test says so. */
    static final class GatedBody implements MockResponseBody {
        private final byte[] first;
        private final byte[] rest;
        private final CountDownLatch release;

        GatedBody(String first, String rest, CountDownLatch release) {
            this.first = first.getBytes(StandardCharsets.UTF_8);
            this.rest = rest.getBytes(StandardCharsets.UTF_8);
            this.release = release;
        }

        @Override
        public long getContentLength() {
            return first.length + rest.length;
        }

        @Override
        public void writeTo(BufferedSink sink) throws IOException {
            sink.write(first);
            sink.flush();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            sink.write(rest);
            sink.flush();
        }
    }
}
