package io.llmrelay.core.translate;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import io.llmrelay.core.api.Clocks;
import io.llmrelay.core.api.ErrorBodies;
import io.llmrelay.core.json.Json;
import io.llmrelay.core.json.ReusedGenerator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes an OpenAI Responses answer: the typed SSE events the SDKs' stream accumulators read when the
 * client streams, one {@code response} object when it does not. Output items are opened one at a
 * time, in order: a {@code reasoning} item for the backend's thinking (its text as the item's
 * summary, as Ollama serves it), a {@code message} with one {@code output_text} part for text, a
 * {@code function_call} per tool call. Every event has {@code type}, an {@code event:} line of the
 * same name and the next {@code sequence_number}; nothing is sent for an item before its
 * {@code output_item.added}, nor for a part before its {@code content_part.added}.
 *
 * <p>Items open and close in the order {@link OutputSequence} gives them, as Anthropic's blocks do:
 * tool-call argument fragments stream as they arrive; a call is opened when its name is known; a call
 * that starts while another is open waits (buffered) until the open one's arguments are one whole
 * JSON value, so a backend interleaving two calls never gets a fragment written into the wrong item.
 *
 * <p>The final {@code response.completed} (or {@code response.incomplete} when the answer was cut at
 * {@code max_output_tokens}) repeats the whole response, as OpenAI's does: the items' texts are kept
 * for it. One instance per answer, confined to the answer's thread.
 */
final class ResponsesAnswerWriter implements AnswerWriter, OutputSequence.Sink {

    private enum Kind { REASONING, MESSAGE, FUNCTION_CALL }

    /** The stream's event types, each with its {@code event:} line and {@code data:} prefix. */
    private enum Event {
        CREATED("response.created"),
        IN_PROGRESS("response.in_progress"),
        ITEM_ADDED("response.output_item.added"),
        ITEM_DONE("response.output_item.done"),
        PART_ADDED("response.content_part.added"),
        PART_DONE("response.content_part.done"),
        TEXT_DELTA("response.output_text.delta"),
        TEXT_DONE("response.output_text.done"),
        SUMMARY_PART_ADDED("response.reasoning_summary_part.added"),
        SUMMARY_PART_DONE("response.reasoning_summary_part.done"),
        SUMMARY_DELTA("response.reasoning_summary_text.delta"),
        SUMMARY_DONE("response.reasoning_summary_text.done"),
        ARGUMENTS_DELTA("response.function_call_arguments.delta"),
        ARGUMENTS_DONE("response.function_call_arguments.done"),
        COMPLETED("response.completed"),
        INCOMPLETE("response.incomplete"),
        FAILED("response.failed"),
        ERROR("error");

        final SerializedString type;
        final byte[] prefix;

        Event(String type) {
            this.type = new SerializedString(type);
            this.prefix = ("event: " + type + "\ndata: ").getBytes(StandardCharsets.US_ASCII);
        }
    }

    /** One output item: open while its deltas stream, then done and kept for the final response. */
    private static final class Item {
        final Kind kind;
        final String id;
        final int outputIndex;
        /** the message's text, the reasoning's text, or the call's arguments */
        final StringBuilder text = new StringBuilder();
        final String callId;
        final String name;
        String status = "in_progress";

        Item(Kind kind, String id, int outputIndex, String callId, String name) {
            this.kind = kind;
            this.id = id;
            this.outputIndex = outputIndex;
            this.callId = callId;
            this.name = name;
        }
    }

    private static final SerializedString TYPE = new SerializedString("type");
    private static final SerializedString SEQUENCE_NUMBER = new SerializedString("sequence_number");
    private static final SerializedString ITEM_ID = new SerializedString("item_id");
    private static final SerializedString OUTPUT_INDEX = new SerializedString("output_index");
    private static final SerializedString DELTA = new SerializedString("delta");
    private static final byte[] EVENT_END = {'\n', '\n'};

    private final boolean stream;
    private final String idBase;
    private final String responseId;
    private final SerializedString model;
    /** the request's settings the response repeats: JSON members, written as they are into each response object */
    private final String echo;
    private final Clocks clocks;
    private final long createdAt;
    private final OutputSequence parts = new OutputSequence(new ToolCallAccumulator(), this);
    private final Set<String> callIds = new HashSet<>(4);
    private final List<Item> done = new ArrayList<>(4);
    private Item open;
    /** the status an item gets when it closes: {@code incomplete} for the last one of a cut answer */
    private String closingStatus = "completed";
    private int nextOutputIndex;
    private int sequence;
    private boolean started;
    /** the events of the call in progress, written to the client as one buffer */
    private ByteBuf events;
    private ByteBufAllocator alloc;

    /** @param idBase the unique part of the response's id and its items' ids ({@link #newIdBase()}) */
    ResponsesAnswerWriter(ResponsesRequest request, String idBase, Clocks clocks) {
        this.stream = request.stream();
        this.idBase = idBase;
        this.responseId = "resp_" + idBase;
        this.model = new SerializedString(request.model());
        String members = Json.write(request.echo());
        this.echo = members.substring(1, members.length() - 1);
        this.clocks = clocks;
        this.createdAt = clocks.wall().instant().getEpochSecond();
    }

    /** 32 random hex digits: ids need only be unique, as the SDKs key items by them. */
    static String newIdBase() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return hex16(random.nextLong()) + hex16(random.nextLong());
    }

    private static String hex16(long v) {
        String hex = Long.toHexString(v);
        return "0".repeat(16 - hex.length()) + hex;
    }

    @Override
    public String contentType() {
        return stream ? ContentTypes.SSE : ContentTypes.JSON;
    }

    @Override
    public boolean streaming() {
        return stream;
    }

    @Override
    public void delta(ChatDelta delta, BodyTranslator.Output out) {
        alloc = out.alloc();
        try {
            start();
            if (delta.thinking != null && !delta.thinking.isEmpty()) {
                parts.text(OutputSequence.Part.THINKING, delta.thinking);
            }
            if (delta.content != null && !delta.content.isEmpty()) {
                parts.text(OutputSequence.Part.TEXT, delta.content);
            }
            for (ChatDelta.ToolFragment fragment : delta.toolFragments) {
                parts.fragment(fragment);
            }
            flush(out);
        } catch (IOException | RuntimeException e) {
            throw discarded(e);
        }
    }

    /** Closes what is open, emits the calls still held back, then the last event (or the whole response). */
    @Override
    public void end(AnswerSummary summary, BodyTranslator.Output out) {
        alloc = out.alloc();
        String reason = incompleteReason(summary.finishReason());
        String closing = reason == null ? "completed" : "incomplete";
        try {
            start();
            closingStatus = closing;
            parts.finish();
            if (stream) {
                JsonGenerator g = event(reason == null ? Event.COMPLETED : Event.INCOMPLETE);
                g.writeFieldName("response");
                writeResponse(g, closing, reason, summary, null, 0);
                endEvent(g);
            } else {
                ByteBuf whole = buffer();
                JsonGenerator g = ReusedGenerator.start(whole);
                writeResponse(g, closing, reason, summary, null, 0);
                ReusedGenerator.finish();
            }
            flush(out);
        } catch (IOException | RuntimeException e) {
            throw discarded(e);
        }
    }

    /**
     * A stream that failed after it started ends with {@code response.failed} (the response so far,
     * its {@code error} saying why), then an {@code error} event: the SDKs' stream helpers raise the
     * error event's message as an API error, and readers of raw events see the failed response.
     */
    @Override
    public ByteBuf streamFailure(ByteBufAllocator allocator, int status, String message) {
        alloc = allocator;
        events = null;
        String code = status == 429 ? "rate_limit_exceeded" : "server_error";
        try {
            start();
            JsonGenerator g = event(Event.FAILED);
            g.writeFieldName("response");
            writeResponse(g, "failed", null, null, message, status);
            endEvent(g);
            g = event(Event.ERROR);
            g.writeStringField("code", code);
            g.writeStringField("message", message);
            g.writeNullField("param");
            g.writeObjectFieldStart("error"); // nested too, as OpenAI sends it: both SDKs raise it as an APIError
            g.writeStringField("type", ErrorBodies.openAiType(status));
            g.writeStringField("code", code);
            g.writeStringField("message", message);
            g.writeNullField("param");
            g.writeEndObject();
            endEvent(g);
            ByteBuf last = events;
            events = null;
            return last;
        } catch (IOException | RuntimeException e) {
            throw discarded(e);
        }
    }

    // ---------------------------------------------------------------------------------------- items

    /** {@code response.created} and {@code response.in_progress}, before the first item. */
    private void start() throws IOException {
        if (started) {
            return;
        }
        started = true;
        if (!stream) {
            return;
        }
        for (Event e : new Event[] {Event.CREATED, Event.IN_PROGRESS}) {
            JsonGenerator g = event(e);
            g.writeFieldName("response");
            writeResponse(g, "in_progress", null, null, null, 0);
            endEvent(g);
        }
    }

    /** More text or thinking for the open item of that kind. */
    private void text(Kind kind, String text) throws IOException {
        open.text.append(text);
        if (stream) {
            JsonGenerator g = event(kind == Kind.MESSAGE ? Event.TEXT_DELTA : Event.SUMMARY_DELTA);
            itemRef(g, open);
            if (kind == Kind.MESSAGE) {
                g.writeNumberField("content_index", 0);
            } else {
                g.writeNumberField("summary_index", 0);
            }
            g.writeFieldName(DELTA);
            g.writeString(text);
            if (kind == Kind.MESSAGE) {
                g.writeArrayFieldStart("logprobs");
                g.writeEndArray();
            }
            endEvent(g);
        }
    }

    // the parts, in the order OutputSequence gives them: an item each

    @Override
    public void open(OutputSequence.Part part, ToolCallAccumulator.Call call) {
        try {
            if (call == null) {
                openItem(part == OutputSequence.Part.THINKING ? Kind.REASONING : Kind.MESSAGE, null, null);
                return;
            }
            String callId = call.id();
            if (callId == null || !callIds.add(callId)) { // the SDKs key calls by call_id: it must be there, and unique
                callId = ToolCallIds.stable(-1, call.index, call.name());
                callIds.add(callId);
            }
            openItem(Kind.FUNCTION_CALL, callId, call.name());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void append(OutputSequence.Part part, CharSequence text, int from, int to) {
        try {
            String piece = text.subSequence(from, to).toString();
            if (part == OutputSequence.Part.TOOL_CALL) {
                arguments(piece);
            } else {
                text(open.kind, piece);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close(OutputSequence.Part part) {
        try {
            close(closingStatus);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void arguments(String fragment) throws IOException {
        open.text.append(fragment);
        if (stream) {
            JsonGenerator g = event(Event.ARGUMENTS_DELTA);
            itemRef(g, open);
            g.writeFieldName(DELTA);
            g.writeString(fragment);
            endEvent(g);
        }
    }

    private void openItem(Kind kind, String callId, String name) throws IOException {
        String prefix = kind == Kind.MESSAGE ? "msg_" : kind == Kind.REASONING ? "rs_" : "fc_";
        int index = nextOutputIndex++;
        open = new Item(kind, prefix + idBase + "_" + index, index, callId, name);
        if (!stream) {
            return;
        }
        JsonGenerator g = event(Event.ITEM_ADDED);
        g.writeFieldName(OUTPUT_INDEX);
        g.writeNumber(index);
        g.writeFieldName("item");
        writeItem(g, open);
        endEvent(g);
        if (kind == Kind.MESSAGE) {
            g = event(Event.PART_ADDED);
            itemRef(g, open);
            g.writeNumberField("content_index", 0);
            g.writeFieldName("part");
            writeTextPart(g, "");
            endEvent(g);
        } else if (kind == Kind.REASONING) {
            g = event(Event.SUMMARY_PART_ADDED);
            itemRef(g, open);
            g.writeNumberField("summary_index", 0);
            g.writeFieldName("part");
            writeSummaryPart(g, "");
            endEvent(g);
        }
    }

    /** Ends the open item, if any: its {@code .done} events, with the whole text, and {@code output_item.done}. */
    private void close(String status) throws IOException {
        Item item = open;
        if (item == null) {
            return;
        }
        if (item.kind == Kind.FUNCTION_CALL) {
            if (item.text.length() == 0) {
                arguments("{}"); // a call without arguments: still a JSON object for the client to parse
            }
        }
        item.status = status;
        open = null;
        done.add(item);
        if (!stream) {
            return;
        }
        String text = item.text.toString();
        JsonGenerator g;
        switch (item.kind) {
            case MESSAGE -> {
                g = event(Event.TEXT_DONE);
                itemRef(g, item);
                g.writeNumberField("content_index", 0);
                g.writeStringField("text", text);
                g.writeArrayFieldStart("logprobs");
                g.writeEndArray();
                endEvent(g);
                g = event(Event.PART_DONE);
                itemRef(g, item);
                g.writeNumberField("content_index", 0);
                g.writeFieldName("part");
                writeTextPart(g, text);
                endEvent(g);
            }
            case REASONING -> {
                g = event(Event.SUMMARY_DONE);
                itemRef(g, item);
                g.writeNumberField("summary_index", 0);
                g.writeStringField("text", text);
                endEvent(g);
                g = event(Event.SUMMARY_PART_DONE);
                itemRef(g, item);
                g.writeNumberField("summary_index", 0);
                g.writeFieldName("part");
                writeSummaryPart(g, text);
                endEvent(g);
            }
            case FUNCTION_CALL -> {
                g = event(Event.ARGUMENTS_DONE);
                itemRef(g, item);
                g.writeStringField("arguments", text);
                endEvent(g);
            }
        }
        g = event(Event.ITEM_DONE);
        g.writeFieldName(OUTPUT_INDEX);
        g.writeNumber(item.outputIndex);
        g.writeFieldName("item");
        writeItem(g, item);
        endEvent(g);
    }

    private static String incompleteReason(String finishReason) {
        if ("length".equals(finishReason)) {
            return "max_output_tokens";
        }
        return "content_filter".equals(finishReason) ? "content_filter" : null;
    }

    // ---------------------------------------------------------------------------------------- JSON

    /**
     * The {@code response} object: {@code in_progress} with no output yet; {@code completed} or
     * {@code incomplete} with every item and the usage; {@code failed} with the items done and the error.
     */
    private void writeResponse(JsonGenerator g, String status, String incompleteReason, AnswerSummary summary,
            String error, int errorStatus) throws IOException {
        boolean finished = summary != null;
        g.writeStartObject();
        g.writeStringField("id", responseId);
        g.writeStringField("object", "response");
        g.writeNumberField("created_at", createdAt);
        g.writeStringField("status", status);
        if (finished) {
            g.writeNumberField("completed_at", clocks.wall().instant().getEpochSecond());
        } else {
            g.writeNullField("completed_at");
        }
        if (error == null) {
            g.writeNullField("error");
        } else {
            g.writeObjectFieldStart("error");
            g.writeStringField("code", errorStatus == 429 ? "rate_limit_exceeded" : "server_error");
            g.writeStringField("message", error);
            g.writeEndObject();
        }
        if (incompleteReason == null) {
            g.writeNullField("incomplete_details");
        } else {
            g.writeObjectFieldStart("incomplete_details");
            g.writeStringField("reason", incompleteReason);
            g.writeEndObject();
        }
        g.writeFieldName("model");
        g.writeString(model);
        g.writeArrayFieldStart("output");
        if (finished || error != null) {
            for (Item item : done) {
                writeItem(g, item);
            }
        }
        g.writeEndArray();
        if (finished) {
            long input = Math.max(summary.promptTokens(), 0);
            long output = summary.completionTokensOrEvents(); // no usage: one event ≈ one token
            g.writeObjectFieldStart("usage");
            g.writeNumberField("input_tokens", input);
            g.writeObjectFieldStart("input_tokens_details");
            g.writeNumberField("cache_write_tokens", 0);
            g.writeNumberField("cached_tokens", 0);
            g.writeEndObject();
            g.writeNumberField("output_tokens", output);
            g.writeObjectFieldStart("output_tokens_details");
            g.writeNumberField("reasoning_tokens", 0);
            g.writeEndObject();
            g.writeNumberField("total_tokens", input + output);
            g.writeEndObject();
        } else {
            g.writeNullField("usage");
        }
        // the request's settings, rendered once per answer; the generator is inside this object, after a member
        g.writeRaw(',');
        g.writeRaw(echo);
        g.writeEndObject();
    }

    private static void writeItem(JsonGenerator g, Item item) throws IOException {
        boolean finished = !item.status.equals("in_progress");
        g.writeStartObject();
        g.writeStringField("id", item.id);
        switch (item.kind) {
            case MESSAGE -> {
                g.writeStringField("type", "message");
                g.writeStringField("status", item.status);
                g.writeStringField("role", "assistant");
                g.writeArrayFieldStart("content");
                if (finished) {
                    writeTextPart(g, item.text.toString());
                }
                g.writeEndArray();
            }
            case REASONING -> {
                g.writeStringField("type", "reasoning");
                g.writeArrayFieldStart("summary");
                if (finished) {
                    writeSummaryPart(g, item.text.toString());
                }
                g.writeEndArray();
            }
            case FUNCTION_CALL -> {
                g.writeStringField("type", "function_call");
                g.writeStringField("status", item.status);
                g.writeStringField("call_id", item.callId);
                g.writeStringField("name", item.name);
                g.writeStringField("arguments", finished ? item.text.toString() : "");
            }
        }
        g.writeEndObject();
    }

    private static void writeTextPart(JsonGenerator g, String text) throws IOException {
        g.writeStartObject();
        g.writeStringField("type", "output_text");
        g.writeStringField("text", text);
        g.writeArrayFieldStart("annotations");
        g.writeEndArray();
        g.writeArrayFieldStart("logprobs");
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void writeSummaryPart(JsonGenerator g, String text) throws IOException {
        g.writeStartObject();
        g.writeStringField("type", "summary_text");
        g.writeStringField("text", text);
        g.writeEndObject();
    }

    private static void itemRef(JsonGenerator g, Item item) throws IOException {
        g.writeFieldName(ITEM_ID);
        g.writeString(item.id);
        g.writeFieldName(OUTPUT_INDEX);
        g.writeNumber(item.outputIndex);
    }

    // ---------------------------------------------------------------------------------------- events

    /** Starts an event in {@link #events}: its {@code event:} line, then its data's type and sequence number. */
    private JsonGenerator event(Event e) throws IOException {
        ByteBuf out = buffer();
        out.writeBytes(e.prefix);
        JsonGenerator g = ReusedGenerator.start(out);
        g.writeStartObject();
        g.writeFieldName(TYPE);
        g.writeString(e.type);
        g.writeFieldName(SEQUENCE_NUMBER);
        g.writeNumber(sequence++);
        return g;
    }

    private void endEvent(JsonGenerator g) throws IOException {
        g.writeEndObject();
        ReusedGenerator.finish();
        events.writeBytes(EVENT_END);
    }

    private ByteBuf buffer() {
        if (events == null) {
            events = alloc.buffer(512);
        }
        return events;
    }

    /** Hands what was written to the client, in one buffer. */
    private void flush(BodyTranslator.Output out) {
        ByteBuf written = events;
        events = null;
        if (written != null) {
            out.write(written);
        }
    }

    /**
     * A write failed half-way: the generator is dropped and nothing of the call is sent. Returns what
     * to throw: the failure itself, an I/O one unchecked.
     */
    private RuntimeException discarded(Exception failure) {
        if (events != null) {
            events.release();
            events = null;
        }
        return ReusedGenerator.abandoned(failure);
    }
}
