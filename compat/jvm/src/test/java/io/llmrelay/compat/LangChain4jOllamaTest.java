package io.llmrelay.compat;

import static io.llmrelay.compat.Backend.PROXY;
import static io.llmrelay.compat.Backend.json;
import static io.llmrelay.compat.Backend.onlyUpstream;
import static io.llmrelay.compat.Backend.script;
import static io.llmrelay.compat.Backend.upstream;
import static io.llmrelay.compat.Backend.upstreamBodies;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.ModelNotFoundException;
import dev.langchain4j.model.StreamingResponseHandler;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialThinking;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.ollama.OllamaChatModel;
import dev.langchain4j.model.ollama.OllamaEmbeddingModel;
import dev.langchain4j.model.ollama.OllamaLanguageModel;
import dev.langchain4j.model.ollama.OllamaModel;
import dev.langchain4j.model.ollama.OllamaModelCard;
import dev.langchain4j.model.ollama.OllamaModels;
import dev.langchain4j.model.ollama.OllamaStreamingChatModel;
import dev.langchain4j.model.ollama.OllamaStreamingLanguageModel;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.Response;
import dev.langchain4j.model.output.TokenUsage;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * LangChain4j's Ollama module ({@code dev.langchain4j:langchain4j-ollama}) against llm-relay's
 * {@code /api/*} routes. Every case asserts what LangChain4j hands the application and the exact
 * request the proxy sent to the scriptable backend (scenarios: compat/backend/scenarios.py).
 */
class LangChain4jOllamaTest {

    static final String CHAT_MODEL = "Qwen/Qwen3-8B";
    static final String EMBED_MODEL = "nomic-embed-text";
    static final String PNG_B64 =
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";
    static final String STREAM_OPTS = "\"stream\":true,\"stream_options\":{\"include_usage\":true}";
    static final OffsetDateTime MODIFIED = OffsetDateTime.of(2023, 11, 14, 22, 13, 20, 0, ZoneOffset.UTC);
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    static final ToolSpecification WEATHER_TOOL = ToolSpecification.builder()
            .name("get_weather")
            .description("Current weather for a city")
            .parameters(JsonObjectSchema.builder().addStringProperty("city", "City name").required("city").build())
            .build();
    static final String WEATHER_TOOL_JSON = "{\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
            + "\"description\":\"Current weather for a city\",\"parameters\":{\"type\":\"object\","
            + "\"properties\":{\"city\":{\"type\":\"string\",\"description\":\"City name\"}},\"required\":[\"city\"]}}}";

    static OllamaChatModel.OllamaChatModelBuilder chat() {
        return OllamaChatModel.builder().baseUrl(PROXY).modelName(CHAT_MODEL).timeout(TIMEOUT).maxRetries(0);
    }

    static OllamaStreamingChatModel.OllamaStreamingChatModelBuilder streamingChat() {
        return OllamaStreamingChatModel.builder().baseUrl(PROXY).modelName(CHAT_MODEL).timeout(TIMEOUT);
    }

    static OllamaModels models() {
        return OllamaModels.builder().baseUrl(PROXY).timeout(TIMEOUT).maxRetries(0).build();
    }

    /** Collects a streamed chat: partial text, partial thinking, and the complete response. */
    static final class Collector implements StreamingChatResponseHandler {
        final List<String> partials = Collections.synchronizedList(new ArrayList<>());
        final List<String> thinking = Collections.synchronizedList(new ArrayList<>());
        final CompletableFuture<ChatResponse> done = new CompletableFuture<>();

        @Override
        public void onPartialResponse(String partialResponse) {
            partials.add(partialResponse);
        }

        @Override
        public void onPartialThinking(PartialThinking partialThinking) {
            thinking.add(partialThinking.text());
        }

        @Override
        public void onCompleteResponse(ChatResponse completeResponse) {
            done.complete(completeResponse);
        }

        @Override
        public void onError(Throwable error) {
            done.completeExceptionally(error);
        }

        ChatResponse await() throws Exception {
            return done.get(30, TimeUnit.SECONDS);
        }
    }

    static final class TokenCollector implements StreamingResponseHandler<String> {
        final List<String> tokens = Collections.synchronizedList(new ArrayList<>());
        final CompletableFuture<Response<String>> done = new CompletableFuture<>();

        @Override
        public void onNext(String token) {
            tokens.add(token);
        }

        @Override
        public void onComplete(Response<String> response) {
            done.complete(response);
        }

        @Override
        public void onError(Throwable error) {
            done.completeExceptionally(error);
        }
    }

    /**
     * LangChain4j always sends {@code options.stop: []}. An empty stop list must not reach the backend
     * (OpenAI's schema wants 1 to 4 sequences, as it wants at least one tool); that is asserted once, in
     * {@link #emptyStopListIsNotForwarded()}, so that the feature cases below each fail only for their
     * own feature. This removes {@code stop} only when it is exactly {@code []}.
     */
    static JsonNode withoutEmptyStop(JsonNode body) {
        JsonNode stop = body.get("stop");
        if (stop != null && stop.isArray() && stop.isEmpty()) {
            ((com.fasterxml.jackson.databind.node.ObjectNode) body).remove("stop");
        }
        return body;
    }

    static JsonNode chatUpstream() {
        return withoutEmptyStop(onlyUpstream("/v1/chat/completions"));
    }

    @Test
    void emptyStopListIsNotForwarded() {
        script("chat_text");
        chat().build().chat(ChatRequest.builder().messages(UserMessage.from("Hi")).build());
        assertEquals(json("{\"model\":\"Qwen/Qwen3-8B\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
                + STREAM_OPTS + "}"), onlyUpstream("/v1/chat/completions"));
    }

    @Test
    void list() {
        script();
        List<OllamaModel> listed = new ArrayList<>(models().availableModels().content());
        // in a fleet (compat/run.sh --fleet) the mock backends' models are listed too
        listed.removeIf(m -> Backend.FLEET_MODELS.contains(m.getName()));
        assertEquals(2, listed.size());
        OllamaModel chat = listed.get(0);
        assertEquals("Qwen/Qwen3-8B:latest", chat.getName());
        assertEquals("Qwen/Qwen3-8B:latest", chat.getModel());
        assertEquals(0, chat.getSize());
        assertEquals("a82fd547628efc95bba6ce4fbe5c4c21fdfe5b815eca823db15d1df4837b1167", chat.getDigest());
        assertEquals(MODIFIED.toInstant(), chat.getModifiedAt().toInstant());
        assertEquals("qwen3", chat.getDetails().getFamily());
        assertEquals(List.of("qwen3"), chat.getDetails().getFamilies());
        assertEquals("8B", chat.getDetails().getParameterSize());
        assertEquals("", chat.getDetails().getFormat());
        assertEquals("", chat.getDetails().getQuantizationLevel());
        assertEquals("nomic-embed-text:latest", listed.get(1).getName());
        assertEquals("a4134b0e39785810a45922e0b9dcf450702ce8d7d2514ef5d4c4ef3c81a08e5b", listed.get(1).getDigest());
        assertEquals(List.of(), upstream());
    }

    @Test
    void show() {
        script();
        OllamaModelCard card = models().modelCard(CHAT_MODEL).content();
        assertEquals(List.of("completion", "tools", "vision", "thinking"), card.getCapabilities());
        assertEquals(Map.of("general.architecture", "qwen3", "general.basename", CHAT_MODEL,
                "qwen3.context_length", 32768), card.getModelInfo());
        assertEquals("qwen3", card.getDetails().getFamily());
        assertEquals("8B", card.getDetails().getParameterSize());
        assertEquals(MODIFIED.toInstant(), card.getModifiedAt().toInstant());
        assertEquals(List.of(), upstream());
    }

    @Test
    void chatNonStreaming() {
        script("chat_text");
        ChatResponse res = chat().numPredict(64).temperature(0.2).topK(20).numCtx(4096).stop(List.of("END")).build()
                .chat(ChatRequest.builder()
                        .messages(SystemMessage.from("Be brief."), UserMessage.from("Hi"))
                        .build());
        assertEquals("Hello there!", res.aiMessage().text());
        assertEquals(new TokenUsage(11, 3), res.tokenUsage());
        assertEquals(FinishReason.STOP, res.finishReason());
        assertEquals(CHAT_MODEL, res.modelName());
        assertEquals(json("{\"model\":\"Qwen/Qwen3-8B\",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
                + "{\"role\":\"user\",\"content\":\"Hi\"}]," + STREAM_OPTS
                + ",\"max_tokens\":64,\"temperature\":0.2,\"top_k\":20,\"stop\":[\"END\"]}"), chatUpstream());
    }

    @Test
    void chatStreaming() throws Exception {
        script("chat_text");
        Collector c = new Collector();
        streamingChat().build().chat(List.of(UserMessage.from("Hi")), c);
        ChatResponse res = c.await();
        assertEquals(List.of("Hel", "lo", " there!"), c.partials);
        assertEquals("Hello there!", res.aiMessage().text());
        assertEquals(new TokenUsage(11, 3), res.tokenUsage());
        assertEquals(FinishReason.STOP, res.finishReason());
        assertEquals(json("{\"model\":\"Qwen/Qwen3-8B\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
                + STREAM_OPTS + "}"), chatUpstream());
    }

    @Test
    void generateNonStreaming() {
        script("generate_text");
        Response<String> res = OllamaLanguageModel.builder().baseUrl(PROXY).modelName(CHAT_MODEL).timeout(TIMEOUT)
                .maxRetries(0).numPredict(16).seed(7).build()
                .generate("Tell a story");
        assertEquals("Once upon a time.", res.content());
        assertEquals(new TokenUsage(7, 3), res.tokenUsage());
        assertEquals(json("{\"model\":\"Qwen/Qwen3-8B\",\"messages\":[{\"role\":\"user\",\"content\":\"Tell a story\"}],"
                + STREAM_OPTS + ",\"max_tokens\":16,\"seed\":7}"), chatUpstream());
    }

    @Test
    void generateStreaming() throws Exception {
        script("generate_text");
        TokenCollector c = new TokenCollector();
        OllamaStreamingLanguageModel.builder().baseUrl(PROXY).modelName(CHAT_MODEL).timeout(TIMEOUT).build()
                .generate("Tell a story", c);
        Response<String> res = c.done.get(30, TimeUnit.SECONDS);
        assertEquals(List.of("Once", " upon", " a time.", ""), c.tokens); // the done chunk's "" included
        assertEquals("Once upon a time.", res.content());
        assertEquals(new TokenUsage(7, 3), res.tokenUsage());
        assertEquals(json("{\"model\":\"Qwen/Qwen3-8B\",\"messages\":[{\"role\":\"user\",\"content\":\"Tell a story\"}],"
                + STREAM_OPTS + "}"), chatUpstream());
    }

    @Test
    void embed() {
        script("embed");
        List<Embedding> vectors = OllamaEmbeddingModel.builder().baseUrl(PROXY).modelName(EMBED_MODEL).timeout(TIMEOUT)
                .maxRetries(0).build()
                .embedAll(List.of(TextSegment.from("first"), TextSegment.from("second"))).content();
        // backend vectors [3,4] and [0,5], sent out of order: L2-normalised, back in input order
        assertEquals(2, vectors.size());
        assertArrayEquals(new float[] {0.6f, 0.8f}, vectors.get(0).vector());
        assertArrayEquals(new float[] {0f, 1f}, vectors.get(1).vector());
        assertEquals(json("{\"model\":\"nomic-embed-text\",\"input\":[\"first\",\"second\"],\"encoding_format\":\"float\"}"),
                onlyUpstream("/v1/embeddings"));
    }

    @Test
    void toolCallRoundTrip() {
        script("tool_call", "tool_answer");
        OllamaChatModel model = chat().build();
        UserMessage question = UserMessage.from("What is the weather in Paris?");
        ChatResponse first = model.chat(ChatRequest.builder().messages(question).toolSpecifications(WEATHER_TOOL).build());
        AiMessage ai = first.aiMessage();
        assertEquals(FinishReason.TOOL_EXECUTION, first.finishReason());
        assertEquals(1, ai.toolExecutionRequests().size());
        ToolExecutionRequest call = ai.toolExecutionRequests().get(0);
        assertEquals("call_compat_1", call.id());
        assertEquals("get_weather", call.name());
        assertEquals(json("{\"city\":\"Paris\"}"), json(call.arguments()));

        // LangChain4j sends the tool result without tool_name or id: the proxy pairs it with the pending call
        ChatResponse second = model.chat(ChatRequest.builder()
                .messages(question, ai, ToolExecutionResultMessage.from(call, "18°C, sunny"))
                .toolSpecifications(WEATHER_TOOL)
                .build());
        assertEquals("It is 18°C and sunny in Paris.", second.aiMessage().text());
        assertEquals(new TokenUsage(30, 10), second.tokenUsage());

        List<JsonNode> sent = upstreamBodies();
        assertEquals(2, sent.size());
        sent.replaceAll(LangChain4jOllamaTest::withoutEmptyStop);
        assertEquals(json("{\"model\":\"Qwen/Qwen3-8B\",\"messages\":[{\"role\":\"user\",\"content\":"
                + "\"What is the weather in Paris?\"}]," + STREAM_OPTS + ",\"tools\":[" + WEATHER_TOOL_JSON + "]}"),
                sent.get(0));
        assertEquals(json("{\"model\":\"Qwen/Qwen3-8B\",\"messages\":["
                + "{\"role\":\"user\",\"content\":\"What is the weather in Paris?\"},"
                + "{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":[{\"id\":\"call_compat_1\",\"type\":\"function\","
                + "\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}}]},"
                + "{\"role\":\"tool\",\"content\":\"18°C, sunny\",\"tool_call_id\":\"call_compat_1\"}],"
                + STREAM_OPTS + ",\"tools\":[" + WEATHER_TOOL_JSON + "]}"), sent.get(1));
    }

    @Test
    void toolCallStreaming() throws Exception {
        script("tool_call");
        Collector c = new Collector();
        streamingChat().build().chat(ChatRequest.builder()
                .messages(UserMessage.from("What is the weather in Paris?"))
                .toolSpecifications(WEATHER_TOOL)
                .build(), c);
        ChatResponse res = c.await();
        assertEquals(FinishReason.TOOL_EXECUTION, res.finishReason());
        assertEquals(List.of(), c.partials);
        List<ToolExecutionRequest> calls = res.aiMessage().toolExecutionRequests();
        assertEquals(1, calls.size());
        assertEquals("call_compat_1", calls.get(0).id());
        assertEquals("get_weather", calls.get(0).name());
        assertEquals(json("{\"city\":\"Paris\"}"), json(calls.get(0).arguments()));
        assertEquals(new TokenUsage(20, 9), res.tokenUsage());
        assertEquals(json("{\"model\":\"Qwen/Qwen3-8B\",\"messages\":[{\"role\":\"user\",\"content\":"
                + "\"What is the weather in Paris?\"}]," + STREAM_OPTS + ",\"tools\":[" + WEATHER_TOOL_JSON + "]}"),
                chatUpstream());
    }

    @Test
    void thinkingStreaming() throws Exception {
        script("thinking");
        Collector c = new Collector();
        streamingChat().think(true).returnThinking(true).build()
                .chat(List.of(UserMessage.from("What is 6 times 7?")), c);
        ChatResponse res = c.await();
        assertEquals(List.of("Let me", " think."), c.thinking);
        assertEquals(List.of("The answer", " is 42."), c.partials);
        assertEquals("Let me think.", res.aiMessage().thinking());
        assertEquals("The answer is 42.", res.aiMessage().text());
        assertEquals(json("{\"model\":\"Qwen/Qwen3-8B\",\"messages\":[{\"role\":\"user\",\"content\":\"What is 6 times 7?\"}],"
                + STREAM_OPTS + ",\"chat_template_kwargs\":{\"enable_thinking\":true}}"),
                chatUpstream());
    }

    @Test
    void thinkingNonStreaming() {
        script("thinking");
        ChatResponse res = chat().think(true).returnThinking(true).build()
                .chat(ChatRequest.builder().messages(UserMessage.from("What is 6 times 7?")).build());
        assertEquals("Let me think.", res.aiMessage().thinking());
        assertEquals("The answer is 42.", res.aiMessage().text());
        assertEquals(json("{\"model\":\"Qwen/Qwen3-8B\",\"messages\":[{\"role\":\"user\",\"content\":\"What is 6 times 7?\"}],"
                + STREAM_OPTS + ",\"chat_template_kwargs\":{\"enable_thinking\":true}}"),
                chatUpstream());
    }

    @Test
    void structuredOutput() {
        script("structured");
        ResponseFormat format = ResponseFormat.builder()
                .type(ResponseFormatType.JSON)
                .jsonSchema(JsonSchema.builder()
                        .name("Person")
                        .rootElement(JsonObjectSchema.builder()
                                .addStringProperty("name")
                                .addIntegerProperty("age")
                                .required("name", "age")
                                .build())
                        .build())
                .build();
        ChatResponse res = chat().build().chat(ChatRequest.builder()
                .messages(UserMessage.from("Who wrote the first program?"))
                .responseFormat(format)
                .build());
        assertEquals(json("{\"name\":\"Ada\",\"age\":36}"), json(res.aiMessage().text()));
        String schema = "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"},\"age\":{\"type\":\"integer\"}},"
                + "\"required\":[\"name\",\"age\"]}";
        assertEquals(json("{\"model\":\"Qwen/Qwen3-8B\",\"messages\":[{\"role\":\"user\",\"content\":"
                + "\"Who wrote the first program?\"}]," + STREAM_OPTS
                + ",\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"schema\",\"schema\":" + schema
                + "}}}"), chatUpstream());
    }

    @Test
    void imageMessage() {
        script("image");
        ChatResponse res = chat().build().chat(ChatRequest.builder()
                .messages(UserMessage.from(TextContent.from("What is in this picture?"), ImageContent.from(PNG_B64, "image/png")))
                .build());
        assertEquals("A red pixel.", res.aiMessage().text());
        assertEquals(json("{\"model\":\"Qwen/Qwen3-8B\",\"messages\":[{\"role\":\"user\",\"content\":["
                + "{\"type\":\"text\",\"text\":\"What is in this picture?\"},"
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64," + PNG_B64 + "\"}}]}],"
                + STREAM_OPTS + "}"), chatUpstream());
    }

    /** LangChain4j maps a 404 to its ModelNotFoundException; the cause carries the status and our body. */
    static void assertModelNotFound(RuntimeException e, String message) {
        assertInstanceOf(ModelNotFoundException.class, e, () -> "got " + e);
        HttpException http = assertInstanceOf(HttpException.class, e.getCause());
        assertEquals(404, http.statusCode());
        assertEquals(json("{\"error\":" + Backend.JSON.valueToTree(message) + "}"), json(http.getMessage()));
    }

    @Test
    void errorShowUnknownModel() {
        script();
        RuntimeException e = assertThrows(RuntimeException.class, () -> models().modelCard("no-such-model"));
        assertModelNotFound(e, "model 'no-such-model' not found");
        assertEquals(List.of(), upstream());
    }

    @Test
    void errorChatUnknownModel() {
        script(); // a model the backend does not list: the proxy's own 404, nothing sent
        RuntimeException e = assertThrows(RuntimeException.class, () -> chat().modelName("no-such-model").build()
                .chat(ChatRequest.builder().messages(UserMessage.from("Hi")).build()));
        assertModelNotFound(e, "model 'no-such-model' not found");
        assertEquals(List.of(), upstream());
    }

    @Test
    void errorStreamingChatListedModelGone() throws Exception {
        script("model_gone"); // a listed model the backend refuses: its 404 reaches the client
        Collector c = new Collector();
        streamingChat().build().chat(List.of(UserMessage.from("Hi")), c);
        ExecutionException e = assertThrows(ExecutionException.class, c::await);
        assertModelNotFound((RuntimeException) e.getCause(),
                "backend compat answered 404: The model `Qwen/Qwen3-8B` does not exist.");
        assertEquals("Qwen/Qwen3-8B", onlyUpstream("/v1/chat/completions").get("model").asText());
    }

    @Test
    void errorMidStream() throws Exception {
        script("stream_error");
        Collector c = new Collector();
        streamingChat().build().chat(List.of(UserMessage.from("Hi")), c);
        ExecutionException e = assertThrows(ExecutionException.class, c::await);
        // the status (200) is already sent: the proxy ends the stream with one {"error": ...} line,
        // which LangChain4j reports as its OllamaStreamingException
        assertEquals("dev.langchain4j.model.ollama.OllamaStreamingException", e.getCause().getClass().getName());
        assertEquals("backend error: CUDA out of memory", e.getCause().getMessage());
        assertEquals(List.of("Partial"), c.partials);
        onlyUpstream("/v1/chat/completions");
    }

    @Test
    void errorDuringNonStreamedAnswer() {
        script("stream_error");
        RuntimeException e = assertThrows(RuntimeException.class, () -> chat().build()
                .chat(ChatRequest.builder().messages(UserMessage.from("Hi")).build()));
        // 502 maps to LangChain4j's InternalServerException; the cause carries the status and our body
        assertEquals("dev.langchain4j.exception.InternalServerException", e.getClass().getName());
        HttpException http = assertInstanceOf(HttpException.class, e.getCause());
        assertEquals(502, http.statusCode());
        assertEquals(json("{\"error\":\"backend error: CUDA out of memory\"}"), json(http.getMessage()));
        onlyUpstream("/v1/chat/completions");
    }
}
