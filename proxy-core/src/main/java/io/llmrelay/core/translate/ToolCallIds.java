package io.llmrelay.core.translate;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;

/**
 * Ids for tool calls whose ids the client dropped (the Python SDK never keeps them), and the pairing
 * of {@code tool} results with the calls they answer. Ids are derived from the call's position in the
 * conversation, so the same history always yields the same ids (and backend prompt caches still hit).
 */
final class ToolCallIds {

    private record Pending(String id, String name) {}

    private final Deque<Pending> pending = new ArrayDeque<>();

    /** The id to send for call {@code callIndex} of message {@code messageIndex}; remembers it as pending. */
    String forCall(String given, int messageIndex, int callIndex, String name) {
        String id = given != null && !given.isEmpty() ? given : stable(messageIndex, callIndex, name);
        pending.addLast(new Pending(id, name));
        return id;
    }

    /** A new assistant turn: results of earlier calls can no longer be paired. */
    void newTurn() {
        pending.clear();
    }

    /** The call a tool result answers: its own id if it has one, else the first pending call by name, else in order. */
    String forResult(String givenId, String toolName, int messageIndex) {
        if (givenId != null && !givenId.isEmpty()) {
            pending.removeIf(p -> p.id.equals(givenId));
            return givenId;
        }
        if (toolName != null) {
            for (Iterator<Pending> it = pending.iterator(); it.hasNext(); ) {
                Pending p = it.next();
                if (toolName.equals(p.name)) {
                    it.remove();
                    return p.id;
                }
            }
        }
        Pending first = pending.pollFirst();
        return first != null ? first.id : stable(messageIndex, 0, toolName == null ? "" : toolName);
    }

    static String stable(int messageIndex, int callIndex, String name) {
        long h = 0xcbf29ce484222325L; // FNV-1a 64
        for (byte b : (messageIndex + "/" + callIndex + "/" + name).getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xFF;
            h *= 0x100000001b3L;
        }
        String hex = Long.toHexString(h);
        return "call_" + "0".repeat(16 - hex.length()) + hex;
    }
}
