package io.llmrelay.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** Checks Ollama stream framing: one compact JSON object per line, each ended by LF, no blank lines. */
public final class Ndjson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Ndjson() {}

    public static List<JsonNode> parse(String body) {
        assertThat(body).as("an NDJSON body ends with a newline").endsWith("\n");
        assertThat(body).as("no blank lines").doesNotContain("\n\n").doesNotStartWith("\n");
        assertThat(body).as("no SSE framing").doesNotContain("data:");
        List<JsonNode> out = new ArrayList<>();
        for (String line : body.substring(0, body.length() - 1).split("\n", -1)) {
            assertThat(line).as("no carriage returns").doesNotContain("\r");
            JsonNode node = json(line);
            assertThat(node.isObject()).as("each line is an object: %s", line).isTrue();
            assertThat(node.toString()).as("compact").isEqualTo(line);
            out.add(node);
        }
        return out;
    }

    public static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + text, e);
        }
    }

    /** An OpenAI SSE body: each JSON as a {@code data:} event, then {@code [DONE]}. */
    public static String sse(String... events) {
        StringBuilder sb = new StringBuilder();
        for (String e : events) {
            sb.append("data: ").append(e).append("\n\n");
        }
        return sb.append("data: [DONE]\n\n").toString();
    }

    /** A chat.completion.chunk with a content delta. */
    public static String contentChunk(String content) {
        return "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
                + "\"delta\":{\"content\":" + MAPPER.getNodeFactory().textNode(content) + "},\"finish_reason\":null}]}";
    }

    public static String finishChunk(String reason) {
        return "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
                + "\"delta\":{},\"finish_reason\":\"" + reason + "\"}]}";
    }

    public static String usageChunk(int prompt, int completion) {
        return "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[],"
                + "\"usage\":{\"prompt_tokens\":" + prompt + ",\"completion_tokens\":" + completion
                + ",\"total_tokens\":" + (prompt + completion) + "}}";
    }
}
