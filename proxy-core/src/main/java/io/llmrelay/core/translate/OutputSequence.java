package io.llmrelay.core.translate;

import io.llmrelay.core.api.RelayException;
import java.util.ArrayDeque;

/**
 * The order in which a streamed answer's output goes out to a client API that numbers its parts —
 * Anthropic's content blocks, the Responses API's output items — exactly one part open at a time:
 * thinking and text open a part of their kind (closing the one before), a tool call opens a part of
 * its own whose arguments stream as they arrive. The writers of both APIs share it and only render
 * what it tells their {@link Sink}.
 *
 * <p>A backend may interleave the fragments of two calls (OpenAI's format allows it). A part cannot
 * be reopened once closed (the SDKs parse a call's arguments when its part ends), so while the open
 * call's arguments are not yet a whole JSON value, everything else waits in a backlog, in arrival
 * order, and goes out when that call's JSON closes or the answer ends. A call also waits until its
 * name is known. Sequential backends (every one seen so far) therefore stream every call live.
 */
final class OutputSequence {

    /** What a part holds. */
    enum Part { THINKING, TEXT, TOOL_CALL }

    /** Where the parts go, in order; each method is called on the writer's thread, in stream order. */
    interface Sink {
        /** A part starts; {@code call} is its tool call for {@link Part#TOOL_CALL} (name known), else null. */
        void open(Part part, ToolCallAccumulator.Call call);

        /** More of the open part: text, thinking, or a piece of the call's argument JSON. */
        void append(Part part, CharSequence text, int from, int to);

        /** The open part ends. */
        void close(Part part);
    }

    /** What waits in the backlog: text or thinking (merged while of one kind), or a call. */
    private static final class Waiting {
        final Part part;
        final StringBuilder text;
        final ToolCallAccumulator.Call call;

        Waiting(Part part, String text, ToolCallAccumulator.Call call) {
            this.part = part;
            this.text = text == null ? null : new StringBuilder(text);
            this.call = call;
        }
    }

    private final ToolCallAccumulator calls;
    private final Sink sink;
    private final ArrayDeque<Waiting> backlog = new ArrayDeque<>(2);
    private int started;                        // parts started
    private Part open;                          // the open part's kind, or null
    private ToolCallAccumulator.Call openCall;  // the open tool-call part's call

    /** @param calls where the answer's tool calls are collected (the writer may read them whole at the end) */
    OutputSequence(ToolCallAccumulator calls, Sink sink) {
        this.calls = calls;
        this.sink = sink;
    }

    /** Text or thinking; written now, or queued behind a call whose arguments are still coming. */
    void text(Part part, String text) {
        if (!backlog.isEmpty() || holding()) {
            Waiting last = backlog.peekLast();
            if (last != null && last.part == part) {
                last.text.append(text);
            } else {
                backlog.addLast(new Waiting(part, text, null));
            }
            return;
        }
        emitText(part, text);
    }

    /** One fragment of a tool call: streamed if its call is the open part, else kept until its turn. */
    void fragment(ChatDelta.ToolFragment fragment) {
        ToolCallAccumulator.Call known = calls.get(fragment.index());
        String arguments = fragment.arguments();
        if (known != null && known.ended) {
            if (arguments != null && !arguments.isBlank()) { // its part ended when its JSON did: more is not JSON
                throw new RelayException(502, "backend sent tool call \"" + known.name()
                        + "\" with arguments that are not a JSON object: "
                        + ErrorMessages.abbreviate(known.arguments() + arguments));
            }
            return;
        }
        ToolCallAccumulator.Call call = calls.add(fragment);
        if (known == null) {
            backlog.addLast(new Waiting(null, null, call));
        }
        if (call == openCall) {
            sendArguments(call);
        }
        drain(false);
    }

    /** The answer ended: whatever waits goes out, then the last part closes. */
    void finish() {
        drain(true);
        closeOpen();
    }

    /** True when a part was ever started (an answer with none is empty). */
    boolean any() {
        return started > 0;
    }

    /** While the open call's arguments may still grow, nothing else may start. */
    private boolean holding() {
        return openCall != null && !openCall.argumentsClosed();
    }

    private void drain(boolean atEnd) {
        while (!backlog.isEmpty()) {
            if (!atEnd && holding()) {
                return;
            }
            Waiting next = backlog.peekFirst();
            if (next.call == null) {
                backlog.pollFirst();
                emitText(next.part, next.text.toString());
                continue;
            }
            if (next.call.name() == null) {
                if (atEnd) {
                    throw new RelayException(502, "backend sent a tool call without a function name");
                }
                return; // its part cannot start without a name; what follows keeps its place
            }
            backlog.pollFirst();
            startCall(next.call);
        }
    }

    private void emitText(Part part, String text) {
        if (open != part) {
            closeOpen();
            sink.open(part, null);
            started++;
            open = part;
        }
        sink.append(part, text, 0, text.length());
    }

    private void startCall(ToolCallAccumulator.Call call) {
        closeOpen();
        sink.open(Part.TOOL_CALL, call);
        started++;
        open = Part.TOOL_CALL;
        openCall = call;
        sendArguments(call);
    }

    private void sendArguments(ToolCallAccumulator.Call call) {
        int length = call.arguments().length();
        if (call.sent < length) {
            sink.append(Part.TOOL_CALL, call.arguments(), call.sent, length);
            call.sent = length;
        }
    }

    private void closeOpen() {
        if (open == null) {
            return;
        }
        sink.close(open);
        if (openCall != null) {
            openCall.ended = true;
            openCall = null;
        }
        open = null;
    }
}
