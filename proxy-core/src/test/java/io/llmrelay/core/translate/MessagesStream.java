package io.llmrelay.core.translate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a streamed Messages answer as strictly as the Anthropic SDKs' accumulators do, and more: every
 * event named by its {@code event:} line with the same {@code type} in its data, {@code message_start}
 * then {@code ping} first, blocks numbered 0, 1, 2 … with one open at a time, each delta of its
 * block's kind, a tool's input a JSON object once its pieces are joined, {@code message_delta} after
 * the last block and {@code message_stop} last. Builds the final message as the SDKs' helpers do.
 */
final class MessagesStream {

    /** One event: its name and its data. */
    record Event(String name, JsonNode data) {}

    final List<Event> events = new ArrayList<>();
    final ObjectNode message;

    private MessagesStream(List<Event> events, ObjectNode message) {
        this.events.addAll(events);
        this.message = message;
    }

    /** The event names in order, e.g. for comparing whole sequences. */
    List<String> names() {
        List<String> names = new ArrayList<>();
        for (Event e : events) {
            names.add(e.name().equals("content_block_delta") ? "delta:" + e.data().path("delta").path("type").asText()
                    : e.name().equals("content_block_start") ? "start:" + e.data().path("content_block").path("type").asText()
                    : e.name());
        }
        return names;
    }

    static MessagesStream read(String sse) {
        assertThat(sse).endsWith("\n\n");
        List<Event> events = new ArrayList<>();
        for (String block : sse.substring(0, sse.length() - 2).split("\n\n", -1)) {
            String[] lines = block.split("\n", -1);
            assertThat(lines).as("event %s", block).hasSize(2);
            assertThat(lines[0]).startsWith("event: ");
            assertThat(lines[1]).startsWith("data: ");
            String name = lines[0].substring("event: ".length());
            JsonNode data = TestJson.parse(lines[1].substring("data: ".length()));
            assertThat(data.path("type").asText()).as("type of %s", block).isEqualTo(name);
            events.add(new Event(name, data));
        }
        assertThat(events.size()).isGreaterThanOrEqualTo(4);
        assertThat(events.get(0).name()).isEqualTo("message_start");
        assertThat(events.get(1).name()).isEqualTo("ping");
        ObjectNode message = events.get(0).data().path("message").deepCopy();
        assertThat(message.path("content")).isEmpty();
        assertThat(message.path("id").asText()).startsWith("msg_");
        ArrayNode content = (ArrayNode) message.get("content");
        StringBuilder json = null;
        int open = -1;
        boolean delta = false;
        for (int i = 2; i < events.size(); i++) {
            Event e = events.get(i);
            JsonNode d = e.data();
            switch (e.name()) {
                case "content_block_start" -> {
                    assertThat(open).as("a block starts while %d is open", open).isEqualTo(-1);
                    assertThat(delta).as("a block after message_delta").isFalse();
                    assertThat(d.path("index").asInt()).isEqualTo(content.size());
                    open = content.size();
                    content.add(d.path("content_block").deepCopy());
                    json = null;
                }
                case "content_block_delta" -> {
                    assertThat(d.path("index").asInt()).as("delta of a block not open").isEqualTo(open);
                    ObjectNode block = (ObjectNode) content.get(open);
                    JsonNode part = d.path("delta");
                    switch (part.path("type").asText()) {
                        case "text_delta" -> {
                            assertThat(block.path("type").asText()).isEqualTo("text");
                            block.put("text", block.path("text").asText() + part.path("text").asText());
                        }
                        case "thinking_delta" -> {
                            assertThat(block.path("type").asText()).isEqualTo("thinking");
                            block.put("thinking", block.path("thinking").asText() + part.path("thinking").asText());
                        }
                        case "input_json_delta" -> {
                            assertThat(block.path("type").asText()).isEqualTo("tool_use");
                            json = (json == null ? new StringBuilder() : json).append(part.path("partial_json").asText());
                        }
                        default -> throw new AssertionError("unknown delta " + part);
                    }
                }
                case "content_block_stop" -> {
                    assertThat(d.path("index").asInt()).isEqualTo(open);
                    ObjectNode block = (ObjectNode) content.get(open);
                    if (block.path("type").asText().equals("tool_use") && json != null) {
                        JsonNode input = TestJson.parse(json.toString());
                        assertThat(input.isObject()).as("tool input %s", json).isTrue();
                        block.set("input", input);
                    }
                    open = -1;
                }
                case "message_delta" -> {
                    assertThat(open).as("message_delta while a block is open").isEqualTo(-1);
                    assertThat(delta).isFalse();
                    delta = true;
                    message.set("stop_reason", d.path("delta").path("stop_reason"));
                    message.set("stop_sequence", d.path("delta").path("stop_sequence"));
                    ObjectNode usage = (ObjectNode) message.get("usage");
                    usage.set("output_tokens", d.path("usage").path("output_tokens"));
                    if (d.path("usage").has("input_tokens")) {
                        usage.set("input_tokens", d.path("usage").path("input_tokens"));
                    }
                }
                case "message_stop" -> {
                    assertThat(delta).as("message_stop before message_delta").isTrue();
                    assertThat(i).as("message_stop is the last event").isEqualTo(events.size() - 1);
                }
                case "ping" -> { }
                default -> throw new AssertionError("unexpected event " + e);
            }
        }
        assertThat(events.get(events.size() - 1).name()).isEqualTo("message_stop");
        return new MessagesStream(events, message);
    }
}
