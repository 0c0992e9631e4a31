package io.llmrelay.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;

/**
 * Well-formed OpenAI answers for a {@link ScriptedBackend} ({@link ScriptedBackend#answerAll}) that
 * say who answered: the reply text is {@code "<label> serves <model>"}, with the model the backend
 * received, so a test can tell from the client's side which backend served and under which id.
 * Chat and text completions, streamed (SSE, with a usage chunk) or whole, and embeddings (one vector
 * per input).
 */
public final class EchoAnswers {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private EchoAnswers() {}

    /** Answers at once. */
    public static Function<RecordedRequest, MockResponse> as(String label) {
        return as(label, 0);
    }

    /** Answers after {@code headersDelayMillis}: a backend whose first byte comes late. */
    public static Function<RecordedRequest, MockResponse> as(String label, long headersDelayMillis) {
        return request -> {
            MockResponse.Builder r = answer(label, request);
            if (headersDelayMillis > 0) {
                r.headersDelay(headersDelayMillis, TimeUnit.MILLISECONDS);
            }
            return r.build();
        };
    }

    /** The reply text a backend labelled {@code label} gives for {@code model}. */
    public static String text(String label, String model) {
        return label + " serves " + model;
    }

    private static MockResponse.Builder answer(String label, RecordedRequest request) {
        JsonNode body = parse(request.getBody() == null ? "{}" : request.getBody().utf8());
        String model = body.path("model").asText("");
        String path = request.getUrl().encodedPath();
        if (path.endsWith("/embeddings")) {
            return jsonAnswer(embeddings(model, body.get("input")));
        }
        boolean chat = path.endsWith("/chat/completions");
        if (!chat && !path.endsWith("/completions")) {
            return new MockResponse.Builder().code(404)
                    .setHeader("Content-Type", "application/json")
                    .body("{\"error\":{\"message\":\"no route " + path + "\",\"type\":\"invalid_request_error\"}}");
        }
        String text = text(label, model);
        if (!body.path("stream").asBoolean(false)) {
            return jsonAnswer(whole(chat, model, text));
        }
        String events = Ndjson.sse(chunk(chat, model, text, null), chunk(chat, model, "", "stop"), usage(model));
        return new MockResponse.Builder().setHeader("Content-Type", "text/event-stream").body(events);
    }

    private static MockResponse.Builder jsonAnswer(String body) {
        return new MockResponse.Builder().setHeader("Content-Type", "application/json").body(body);
    }

    private static String whole(boolean chat, String model, String text) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("id", "c1").put("object", chat ? "chat.completion" : "text_completion").put("created", 1).put("model", model);
        ObjectNode choice = o.putArray("choices").addObject().put("index", 0);
        if (chat) {
            choice.putObject("message").put("role", "assistant").put("content", text);
        } else {
            choice.put("text", text);
        }
        choice.put("finish_reason", "stop");
        o.putObject("usage").put("prompt_tokens", 3).put("completion_tokens", 4).put("total_tokens", 7);
        return o.toString();
    }

    private static String chunk(boolean chat, String model, String text, String finish) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("id", "c1").put("object", chat ? "chat.completion.chunk" : "text_completion").put("created", 1)
                .put("model", model);
        ObjectNode choice = o.putArray("choices").addObject().put("index", 0);
        if (chat) {
            ObjectNode delta = choice.putObject("delta");
            if (!text.isEmpty()) {
                delta.put("role", "assistant").put("content", text);
            }
        } else {
            choice.put("text", text);
        }
        if (finish == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finish);
        }
        return o.toString();
    }

    private static String usage(String model) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("id", "c1").put("object", "chat.completion.chunk").put("created", 1).put("model", model);
        o.putArray("choices");
        o.putObject("usage").put("prompt_tokens", 3).put("completion_tokens", 4).put("total_tokens", 7);
        return o.toString();
    }

    private static String embeddings(String model, JsonNode input) {
        int n = input != null && input.isArray() ? input.size() : 1;
        ObjectNode o = MAPPER.createObjectNode();
        o.put("object", "list");
        ArrayNode data = o.putArray("data");
        for (int i = 0; i < n; i++) {
            data.addObject().put("object", "embedding").put("index", i).putArray("embedding").add(0.6).add(0.8);
        }
        o.put("model", model);
        o.putObject("usage").put("prompt_tokens", 2 * n).put("total_tokens", 2 * n);
        return o.toString();
    }

    private static JsonNode parse(String text) {
        try {
            return MAPPER.readTree(text.isEmpty() ? "{}" : text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
