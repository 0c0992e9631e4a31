package io.llmrelay.core.translate;

import io.llmrelay.core.api.RelayException;
import io.llmrelay.core.translate.MessagesEvents.Kind;
import io.netty.buffer.ByteBuf;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * The content blocks of one streamed Messages answer, numbered 0, 1, 2 … in the order they start,
 * exactly one open at a time: text and thinking open a block of their kind (closing the one before),
 * a tool call opens a {@code tool_use} block whose arguments stream as {@code input_json_delta}
 * pieces as they arrive.
 *
 * <p>A backend may interleave the fragments of two calls (OpenAI's format allows it). A block cannot
 * be reopened once closed (the SDKs parse a tool's input at its stop), so while the open call's
 * arguments are not yet a whole JSON value, everything else waits in a backlog, in arrival order, and
 * goes out when that call's JSON closes or the answer ends. A call also waits until its name is known.
 * Sequential backends (every one seen so far) therefore stream every call live.
 */
final class ContentBlocks {

    private static final class Call {
        final int backendIndex;
        String id;
        String name;
        final StringBuilder arguments = new StringBuilder();
        final JsonValueEnd end = new JsonValueEnd();
        int sent;
        boolean begun;
        boolean closed;

        Call(int backendIndex) {
            this.backendIndex = backendIndex;
        }
    }

    /** What waits in the backlog: text or thinking (merged while of one kind), or a call. */
    private static final class Waiting {
        final Kind kind;
        final StringBuilder text;
        final Call call;

        Waiting(Kind kind, String text, Call call) {
            this.kind = kind;
            this.text = text == null ? null : new StringBuilder(text);
            this.call = call;
        }
    }

    private final Map<Integer, Call> calls = new HashMap<>(4);
    private final ArrayDeque<Waiting> backlog = new ArrayDeque<>(2);
    private int started;      // blocks started: the next block's index
    private Kind open;        // the open block's kind, or null
    private Call openCall;    // the open tool_use block's call

    /** Text or thinking; written now, or queued behind a call whose arguments are still coming. */
    void text(Kind kind, String text, ByteBuf out) {
        if (!backlog.isEmpty() || holding()) {
            Waiting last = backlog.peekLast();
            if (last != null && last.kind == kind) {
                last.text.append(text);
            } else {
                backlog.addLast(new Waiting(kind, text, null));
            }
            return;
        }
        emitText(kind, text, out);
    }

    /** One fragment of a tool call: streamed if its call is the open block, else kept until its turn. */
    void fragment(ChatDelta.ToolFragment fragment, ByteBuf out) {
        Call call = calls.get(fragment.index());
        if (call == null) {
            call = new Call(fragment.index());
            calls.put(fragment.index(), call);
            backlog.addLast(new Waiting(null, null, call));
        }
        if (fragment.id() != null && !call.begun) {
            call.id = call.id == null ? fragment.id() : call.id + fragment.id(); // an id in pieces, before its block starts
        }
        if (call.name == null && fragment.name() != null) {
            call.name = fragment.name();
        }
        String arguments = fragment.arguments();
        if (arguments != null && !arguments.isEmpty()) {
            if (call.closed) {
                if (!arguments.isBlank()) { // its block ended when its JSON did: more is not a JSON object
                    throw new RelayException(502, "backend sent tool call \"" + call.name
                            + "\" with arguments that are not a JSON object: " + abbreviate(call.arguments + arguments));
                }
                return;
            }
            call.arguments.append(arguments);
            call.end.feed(arguments);
            if (call == openCall) {
                sendArguments(call, out);
            }
        }
        drain(out, false);
    }

    /** The answer ended: whatever waits goes out, then the last block closes. */
    void finish(ByteBuf out) {
        drain(out, true);
        closeOpen(out);
    }

    /** True when a block was ever started (an answer with none is empty). */
    boolean any() {
        return started > 0;
    }

    /** While the open tool_use block's arguments may still grow, nothing else may start. */
    private boolean holding() {
        return openCall != null && !openCall.end.closed();
    }

    private void drain(ByteBuf out, boolean atEnd) {
        while (!backlog.isEmpty()) {
            if (!atEnd && holding()) {
                return;
            }
            Waiting next = backlog.peekFirst();
            if (next.call == null) {
                backlog.pollFirst();
                emitText(next.kind, next.text.toString(), out);
                continue;
            }
            if (next.call.name == null) {
                if (atEnd) {
                    throw new RelayException(502, "backend sent a tool call without a function name");
                }
                return; // its block cannot start without a name; what follows keeps its place
            }
            backlog.pollFirst();
            startCall(next.call, out);
        }
    }

    private void emitText(Kind kind, String text, ByteBuf out) {
        if (open != kind) {
            closeOpen(out);
            MessagesEvents.blockStart(out, started++, kind, null, null);
            open = kind;
        }
        MessagesEvents.blockDelta(out, started - 1, kind, text, 0, text.length());
    }

    private void startCall(Call call, ByteBuf out) {
        closeOpen(out);
        String id = call.id != null && !call.id.isEmpty() ? call.id : ToolCallIds.stable(-1, call.backendIndex, call.name);
        MessagesEvents.blockStart(out, started++, Kind.TOOL_USE, id, call.name);
        call.begun = true;
        open = Kind.TOOL_USE;
        openCall = call;
        sendArguments(call, out);
    }

    private void sendArguments(Call call, ByteBuf out) {
        int length = call.arguments.length();
        if (call.sent < length) {
            MessagesEvents.blockDelta(out, started - 1, Kind.TOOL_USE, call.arguments, call.sent, length);
            call.sent = length;
        }
    }

    private void closeOpen(ByteBuf out) {
        if (open == null) {
            return;
        }
        MessagesEvents.blockStop(out, started - 1);
        if (openCall != null) {
            openCall.closed = true;
            openCall = null;
        }
        open = null;
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }
}
