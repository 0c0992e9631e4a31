package io.llmrelay.bench.soak;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import io.llmrelay.core.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Judges one whole answer: complete (framed as its route frames answers, every line or event
 * parsing, the reply text exactly the one meant for this request), a well-formed error in the
 * route's API shape (a whole error body, or a stream that ends with one error line or event after
 * text that is a prefix of the reply), cut off (a {@code Content-Length} body whose connection
 * closed early), or malformed, with the reason.
 *
 * <p>A malformed answer that a backend fault produces verbatim (an HTML page, JSON cut in half, an
 * SSE event that is not JSON) names that fault in {@link Verdict#explainedBy()}: on a pass-through
 * route the backend's own bytes reach the client, and the caller decides whether that backend had
 * the fault at the time.
 */
final class AnswerCheck {

    static final String WRONG_CONTENT_TYPE = "wrong-content-type";
    static final String MALFORMED_SSE = "malformed-sse";

    /** An oversize-event fault's content event (only {@code x}, MiBs long) is padding, not reply text. */
    private static final int PADDING_MIN = 1 << 20;

    private static final ObjectReader WHOLE = Json.mapper().readerFor(JsonNode.class)
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private AnswerCheck() {}

    /**
     * The outcome of a request whose client read until the answer ended or the connection closed.
     *
     * @param explainedBy the fault that produces such a malformed answer, or null
     */
    record Verdict(Outcome outcome, String reason, String explainedBy) {
        static Verdict completed() {
            return new Verdict(Outcome.COMPLETED, null, null);
        }

        static Verdict failed(String reason) {
            return new Verdict(Outcome.FAILED_WELL_FORMED, reason, null);
        }

        static Verdict malformed(String reason) {
            return new Verdict(Outcome.MALFORMED, reason, null);
        }

        static Verdict malformed(String reason, String explainedBy) {
            return new Verdict(Outcome.MALFORMED, reason, explainedBy);
        }
    }

    static Verdict check(SoakRequest request, Answer answer) {
        if (answer.status() == 0) {
            return Verdict.malformed("the connection closed before the answer's head");
        }
        if (!answer.complete()) {
            if (answer.contentLength() >= 0) {
                return new Verdict(Outcome.CUT_OFF, "the connection closed after " + answer.body().length + " of "
                        + answer.contentLength() + " bytes", null);
            }
            return Verdict.malformed("the connection closed mid-answer (after " + answer.body().length
                    + " bytes) without an error line or event");
        }
        RequestKind kind = request.kind();
        if (answer.status() >= 400) {
            return error(kind, answer);
        }
        if (answer.status() != 200) {
            return Verdict.malformed("status " + answer.status());
        }
        String type = answer.contentType() == null ? "" : answer.contentType();
        String wanted = switch (kind.shape) {
            case NDJSON -> "application/x-ndjson";
            case SSE -> "text/event-stream";
            case JSON -> "application/json";
        };
        if (!type.startsWith(wanted)) {
            return Verdict.malformed("Content-Type '" + type + "', not " + wanted,
                    type.startsWith("text/html") ? WRONG_CONTENT_TYPE : null);
        }
        return switch (kind.shape) {
            case NDJSON -> ndjson(request, answer.body());
            case SSE -> sse(request, answer.body());
            case JSON -> whole(request, answer.body());
        };
    }

    /** A 4xx or 5xx: the whole body must be the route's error shape. */
    private static Verdict error(RequestKind kind, Answer answer) {
        JsonNode body;
        try {
            body = WHOLE.readValue(answer.body());
        } catch (IOException e) {
            return Verdict.malformed(answer.status() + " whose body is not JSON");
        }
        String message = errorMessage(kind.api, body);
        return message != null ? Verdict.failed(answer.status() + ": " + message)
                : Verdict.malformed(answer.status() + " whose body is not a " + kind.api + " error");
    }

    /** The message of an error in {@code api}'s shape, or null when {@code body} is not one. */
    private static String errorMessage(RequestKind.Api api, JsonNode body) {
        if (body == null || !body.isObject()) {
            return null;
        }
        JsonNode error = body.get("error");
        if (api == RequestKind.Api.OLLAMA) {
            return error != null && error.isTextual() ? error.textValue() : null;
        }
        JsonNode message = error == null ? null : error.get("message");
        return message != null && message.isTextual() ? message.textValue() : null;
    }

    // ---- Ollama NDJSON: one JSON object per line; the last says done, or is an error

    private static Verdict ndjson(SoakRequest request, byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        if (!text.endsWith("\n")) {
            return Verdict.malformed("the stream's last line has no newline");
        }
        String[] lines = text.split("\n", -1);
        int count = lines.length - 1; // the split's last piece is the empty one after the final newline
        if (count == 0) {
            return Verdict.malformed("an empty stream");
        }
        StringBuilder reply = new StringBuilder();
        for (int i = 0; i < count; i++) {
            JsonNode line;
            try {
                line = WHOLE.readValue(lines[i]);
            } catch (IOException e) {
                return Verdict.malformed("line " + (i + 1) + " is not JSON");
            }
            if (line == null || !line.isObject()) {
                return Verdict.malformed("line " + (i + 1) + " is not a JSON object");
            }
            boolean last = i == count - 1;
            String error = errorMessage(RequestKind.Api.OLLAMA, line);
            if (error != null) {
                if (!last) {
                    return Verdict.malformed("an error line before the end (line " + (i + 1) + " of " + count + ")");
                }
                return prefix(request, reply, "the stream ended with an error line: " + error);
            }
            JsonNode piece = request.kind().content == RequestKind.Content.CHAT
                    ? line.path("message").get("content") : line.get("response");
            if (piece == null || !piece.isTextual()) {
                return Verdict.malformed("line " + (i + 1) + " has no "
                        + (request.kind().content == RequestKind.Content.CHAT ? "message.content" : "response"));
            }
            reply.append(piece.textValue());
            JsonNode done = line.get("done");
            if (done == null || !done.isBoolean() || done.booleanValue() != last) {
                return Verdict.malformed("line " + (i + 1) + " of " + count + " says done " + done);
            }
        }
        return exact(request, reply);
    }

    // ---- OpenAI SSE: data events of JSON chunks, then [DONE]; or an error event last

    private static Verdict sse(SoakRequest request, byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        if (!text.endsWith("\n\n")) {
            return Verdict.malformed("the stream does not end with a whole event");
        }
        String[] events = text.substring(0, text.length() - 2).split("\n\n", -1);
        StringBuilder reply = new StringBuilder();
        for (int i = 0; i < events.length; i++) {
            boolean last = i == events.length - 1;
            String data = data(events[i]);
            if (data == null) {
                return Verdict.malformed("event " + (i + 1) + " has no data");
            }
            if (data.equals("[DONE]")) {
                return last ? exact(request, reply) : Verdict.malformed("events after [DONE]");
            }
            JsonNode chunk;
            try {
                chunk = WHOLE.readValue(data);
            } catch (IOException e) {
                return Verdict.malformed("event " + (i + 1) + " is not JSON", MALFORMED_SSE);
            }
            String error = errorMessage(RequestKind.Api.OPENAI, chunk);
            if (error != null) {
                return last ? prefix(request, reply, "the stream ended with an error event: " + error)
                        : Verdict.malformed("an error event before the end (event " + (i + 1) + " of "
                                + events.length + ")");
            }
            JsonNode choices = chunk.get("choices");
            if (choices == null || !choices.isArray()) {
                return Verdict.malformed("event " + (i + 1) + " has no choices");
            }
            JsonNode content = choices.path(0).path("delta").get("content");
            if (content != null && content.isTextual() && !isPadding(content.textValue())) {
                reply.append(content.textValue());
            }
        }
        return Verdict.malformed("the stream ended without [DONE] or an error event");
    }

    /** The data of one SSE event (its {@code data:} lines joined), or null when it has none. */
    private static String data(String event) {
        StringBuilder data = null;
        for (String line : event.split("\n")) {
            if (line.startsWith("data:")) {
                String value = line.substring(line.startsWith("data: ") ? 6 : 5);
                data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
            }
        }
        return data == null ? null : data.toString();
    }

    private static boolean isPadding(String content) {
        if (content.length() < PADDING_MIN) {
            return false;
        }
        for (int i = 0; i < content.length(); i++) {
            if (content.charAt(i) != 'x') {
                return false;
            }
        }
        return true;
    }

    // ---- whole JSON answers

    private static Verdict whole(SoakRequest request, byte[] body) {
        JsonNode json;
        try {
            json = WHOLE.readValue(body);
        } catch (IOException e) {
            return Verdict.malformed("the body is not JSON", MALFORMED_SSE);
        }
        if (json == null || !json.isObject()) {
            return Verdict.malformed("the body is not a JSON object");
        }
        RequestKind kind = request.kind();
        if (kind.content == RequestKind.Content.EMBEDDING) {
            JsonNode vector = kind.api == RequestKind.Api.OLLAMA ? json.path("embeddings").path(0)
                    : json.path("data").path(0).path("embedding");
            if (!vector.isArray() || vector.isEmpty()) {
                return Verdict.malformed("no embedding vector");
            }
            for (JsonNode x : vector) {
                if (!x.isNumber()) {
                    return Verdict.malformed("an embedding with " + x.getNodeType() + " in it");
                }
            }
            return Verdict.completed();
        }
        JsonNode text;
        if (kind.api == RequestKind.Api.OPENAI) {
            text = json.path("choices").path(0).path("message").get("content");
        } else {
            if (!json.path("done").asBoolean(false)) {
                return Verdict.malformed("a whole answer that is not done");
            }
            text = kind.content == RequestKind.Content.CHAT ? json.path("message").get("content") : json.get("response");
        }
        if (text == null || !text.isTextual()) {
            return Verdict.malformed("no reply text");
        }
        return exact(request, new StringBuilder(text.textValue()));
    }

    // ---- the reply text

    private static Verdict exact(SoakRequest request, CharSequence reply) {
        String expected = request.expectedText();
        return expected.contentEquals(reply) ? Verdict.completed()
                : Verdict.malformed("the reply is not this request's: '" + cut(reply) + "'");
    }

    /** A stream that failed after some text: that text must be the start of the reply (nothing twice, nothing lost). */
    private static Verdict prefix(SoakRequest request, CharSequence reply, String reason) {
        return request.expectedText().startsWith(reply.toString()) ? Verdict.failed(reason)
                : Verdict.malformed("text before the error line is not the start of this request's reply: '"
                        + cut(reply) + "'");
    }

    private static String cut(CharSequence text) {
        return text.length() > 160 ? text.subSequence(0, 160) + "…" : text.toString();
    }
}
