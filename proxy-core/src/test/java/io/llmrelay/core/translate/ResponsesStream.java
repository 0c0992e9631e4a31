package io.llmrelay.core.translate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmrelay.core.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A Responses event stream read as strictly as the openai SDKs' stream accumulators read it
 * (openai-node's {@code ResponseStream} and response accumulator, openai-python's
 * {@code ResponseStreamState}): every event named by its {@code event:} line and its {@code type},
 * sequence numbers increasing, {@code response.created} first, items appended at their output index
 * with unique ids and call ids, nothing for an item or part before it was added, one item open at a
 * time, and a last lifecycle event whose output matches what was streamed.
 */
final class ResponsesStream {

    /** One event: the name on its {@code event:} line and its data. */
    record Event(String name, JsonNode data) {
        String type() {
            return data.path("type").asText();
        }
    }

    final List<Event> events;
    /** The response as the events built it: {@code response.created}'s, with each item and delta applied. */
    final ObjectNode snapshot;
    /** The last lifecycle event's response ({@code completed}, {@code incomplete} or {@code failed}). */
    final JsonNode last;

    private ResponsesStream(List<Event> events, ObjectNode snapshot, JsonNode last) {
        this.events = events;
        this.snapshot = snapshot;
        this.last = last;
    }

    /** The event types, in order. */
    List<String> types() {
        List<String> out = new ArrayList<>();
        for (Event e : events) {
            out.add(e.type());
        }
        return out;
    }

    /** The concatenated {@code delta} of every event of {@code type}. */
    String deltas(String type) {
        StringBuilder sb = new StringBuilder();
        for (Event e : events) {
            if (e.type().equals(type)) {
                sb.append(e.data().path("delta").asText());
            }
        }
        return sb.toString();
    }

    /** Parses {@code sse} and checks every rule above; fails the test at the first broken one. */
    static ResponsesStream read(String sse) {
        assertThat(sse).endsWith("\n\n").doesNotContain("\r");
        List<Event> events = new ArrayList<>();
        for (String block : sse.split("\n\n")) {
            String[] lines = block.split("\n");
            assertThat(lines).as("an event is an event: line and a data: line: %s", block).hasSize(2);
            assertThat(lines[0]).startsWith("event: ");
            assertThat(lines[1]).startsWith("data: ");
            Event e = new Event(lines[0].substring(7), parse(lines[1].substring(6)));
            assertThat(e.type()).as("the data's type names the event").isEqualTo(e.name());
            events.add(e);
        }
        assertThat(events).isNotEmpty();
        long previous = -1;
        for (Event e : events) {
            assertThat(e.data().path("sequence_number").isIntegralNumber()).as("sequence_number of %s", e.type()).isTrue();
            long n = e.data().get("sequence_number").asLong();
            assertThat(n).as("sequence numbers increase").isGreaterThan(previous);
            previous = n;
        }
        assertThat(events.get(0).type()).isEqualTo("response.created");
        ObjectNode snapshot = (ObjectNode) events.get(0).data().get("response").deepCopy();
        assertThat(snapshot.path("object").asText()).isEqualTo("response");
        String id = snapshot.path("id").asText();
        assertThat(id).startsWith("resp_");
        ArrayNode output = (ArrayNode) snapshot.get("output");
        assertThat(output).isEmpty();
        Set<String> ids = new HashSet<>();
        Set<String> callIds = new HashSet<>();
        Integer open = null;
        JsonNode last = null;
        for (Event e : events.subList(1, events.size())) {
            JsonNode d = e.data();
            if (last != null) {
                assertThat(e.type()).as("nothing after the last lifecycle event but an error").isEqualTo("error");
            }
            switch (e.type()) {
                case "response.in_progress" -> assertThat(d.path("response").path("id").asText()).isEqualTo(id);
                case "response.output_item.added" -> {
                    assertThat(open).as("one item open at a time").isNull();
                    int index = d.get("output_index").asInt();
                    assertThat(index).as("items are appended").isEqualTo(output.size());
                    JsonNode item = d.get("item");
                    assertThat(ids.add(item.path("id").asText())).as("unique item id").isTrue();
                    assertThat(item.path("id").asText()).isNotEmpty();
                    if (item.path("type").asText().equals("function_call")) {
                        assertThat(callIds.add(item.path("call_id").asText())).as("unique call_id").isTrue();
                        assertThat(item.path("arguments").asText()).isEmpty();
                    }
                    output.add(item.deepCopy());
                    open = index;
                }
                case "response.content_part.added" -> {
                    ObjectNode item = itemOf(output, d, open, "message");
                    assertThat(d.get("content_index").asInt()).isEqualTo(item.get("content").size());
                    assertThat(d.path("part").path("text").asText()).isEmpty();
                    ((ArrayNode) item.get("content")).add(d.get("part").deepCopy());
                }
                case "response.output_text.delta" -> {
                    ObjectNode part = contentOf(itemOf(output, d, open, "message"), d);
                    assertThat(d.path("logprobs").isArray()).isTrue();
                    part.put("text", part.get("text").asText() + d.get("delta").asText());
                }
                case "response.output_text.done" -> assertThat(d.get("text").asText())
                        .isEqualTo(contentOf(itemOf(output, d, open, "message"), d).get("text").asText());
                case "response.content_part.done" -> assertThat(d.get("part"))
                        .isEqualTo(contentOf(itemOf(output, d, open, "message"), d));
                case "response.reasoning_summary_part.added" -> {
                    ObjectNode item = itemOf(output, d, open, "reasoning");
                    assertThat(d.get("summary_index").asInt()).isEqualTo(item.get("summary").size());
                    ((ArrayNode) item.get("summary")).add(d.get("part").deepCopy());
                }
                case "response.reasoning_summary_text.delta" -> {
                    ObjectNode part = summaryOf(itemOf(output, d, open, "reasoning"), d);
                    part.put("text", part.get("text").asText() + d.get("delta").asText());
                }
                case "response.reasoning_summary_text.done" -> assertThat(d.get("text").asText())
                        .isEqualTo(summaryOf(itemOf(output, d, open, "reasoning"), d).get("text").asText());
                case "response.reasoning_summary_part.done" -> assertThat(d.get("part"))
                        .isEqualTo(summaryOf(itemOf(output, d, open, "reasoning"), d));
                case "response.function_call_arguments.delta" -> {
                    ObjectNode item = itemOf(output, d, open, "function_call");
                    item.put("arguments", item.get("arguments").asText() + d.get("delta").asText());
                }
                case "response.function_call_arguments.done" -> assertThat(d.get("arguments").asText())
                        .isEqualTo(itemOf(output, d, open, "function_call").get("arguments").asText());
                case "response.output_item.done" -> {
                    int index = d.get("output_index").asInt();
                    assertThat(index).as("the open item is done").isEqualTo(open);
                    ObjectNode streamed = (ObjectNode) output.get(index);
                    JsonNode item = d.get("item");
                    assertThat(item.get("id")).isEqualTo(streamed.get("id"));
                    assertThat(item.get("type")).isEqualTo(streamed.get("type"));
                    assertThat(item.get("call_id")).isEqualTo(streamed.get("call_id"));
                    if (item.has("arguments")) {
                        assertThat(item.get("arguments")).isEqualTo(streamed.get("arguments"));
                    }
                    if (item.has("content")) {
                        assertThat(item.get("content")).isEqualTo(streamed.get("content"));
                    }
                    if (item.has("summary")) {
                        assertThat(item.get("summary")).isEqualTo(streamed.get("summary"));
                    }
                    output.set(index, item.deepCopy());
                    open = null;
                }
                case "response.completed", "response.incomplete" -> {
                    assertThat(open).as("every item is done before the response").isNull();
                    last = d.get("response");
                    assertThat(last.path("id").asText()).isEqualTo(id);
                    assertThat(last.get("output")).as("the final output is what was streamed").isEqualTo(output);
                    assertThat(last.path("status").asText()).isEqualTo(e.type().substring("response.".length()));
                }
                case "response.failed" -> {
                    last = d.get("response");
                    assertThat(last.path("id").asText()).isEqualTo(id);
                    assertThat(last.path("status").asText()).isEqualTo("failed");
                    assertThat(last.path("error").path("message").isTextual()).isTrue();
                }
                case "error" -> assertThat(d.path("message").isTextual()).isTrue();
                default -> throw new AssertionError("an event the SDKs do not know: " + e.type());
            }
        }
        assertThat(last).as("the stream ends with a lifecycle event").isNotNull();
        return new ResponsesStream(events, snapshot, last);
    }

    private static ObjectNode itemOf(ArrayNode output, JsonNode event, Integer open, String type) {
        int index = event.get("output_index").asInt();
        assertThat(index).as("%s is for the open item", event.path("type").asText()).isEqualTo(open);
        ObjectNode item = (ObjectNode) output.get(index);
        assertThat(event.path("item_id").asText()).isEqualTo(item.path("id").asText());
        assertThat(item.path("type").asText()).isEqualTo(type);
        return item;
    }

    private static ObjectNode contentOf(ObjectNode item, JsonNode event) {
        int index = event.get("content_index").asInt();
        assertThat(index).as("a part that was added").isLessThan(item.get("content").size());
        return (ObjectNode) item.get("content").get(index);
    }

    private static ObjectNode summaryOf(ObjectNode item, JsonNode event) {
        int index = event.get("summary_index").asInt();
        assertThat(index).as("a summary part that was added").isLessThan(item.get("summary").size());
        return (ObjectNode) item.get("summary").get(index);
    }

    static JsonNode parse(String text) {
        try {
            return Json.mapper().readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
