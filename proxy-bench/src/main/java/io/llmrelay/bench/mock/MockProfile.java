package io.llmrelay.bench.mock;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;

/**
 * How the mock answers one model: time to first token, number of token events, the pause between
 * them and the size of each SSE event. A model name can carry its own profile, so one mock and one
 * proxy serve every scenario: {@code mock-t200-e50-d20-b160} is 200 ms to the first token, 50
 * events 20 ms apart, about 160 bytes each (any part may be left out; the rest come from the
 * command line). Every answer body is encoded once, here, and written as read-only duplicates.
 */
final class MockProfile {

    final String model;
    final long ttftNanos;
    final int events;
    final long delayNanos;

    /** SSE events: role, token (the same one each time), finish, usage, done. */
    final ByteBuf roleEvent;
    final ByteBuf tokenEvent;
    final ByteBuf tailWithUsage;
    final ByteBuf tailWithoutUsage;
    /** The whole non-streamed chat completion. */
    final ByteBuf completion;

    MockProfile(String model, long ttftNanos, int events, long delayNanos, int eventBytes) {
        this.model = model;
        this.ttftNanos = ttftNanos;
        this.events = events;
        this.delayNanos = delayNanos;
        String head = "{\"id\":\"chatcmpl-mock\",\"object\":\"chat.completion.chunk\",\"created\":1732000000,\"model\":\""
                + model + "\",\"choices\":[{\"index\":0,";
        String tokenTemplate = sse(head + "\"delta\":{\"content\":\"%s\"},\"logprobs\":null,\"finish_reason\":null}]}");
        int room = Math.max(4, eventBytes - (tokenTemplate.length() - 2));
        String token = token(room);
        roleEvent = bytes(sse(head + "\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs\":null,\"finish_reason\":null}]}"));
        tokenEvent = bytes(String.format(tokenTemplate, token));
        String finish = sse(head + "\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}]}");
        String usage = sse("{\"id\":\"chatcmpl-mock\",\"object\":\"chat.completion.chunk\",\"created\":1732000000,\"model\":\""
                + model + "\",\"choices\":[],\"usage\":" + usage(events) + "}");
        String done = "data: [DONE]\n\n";
        tailWithUsage = bytes(finish + usage + done);
        tailWithoutUsage = bytes(finish + done);
        StringBuilder content = new StringBuilder(token.length() * events);
        for (int i = 0; i < events; i++) {
            content.append(token);
        }
        completion = bytes("{\"id\":\"chatcmpl-mock\",\"object\":\"chat.completion\",\"created\":1732000000,\"model\":\""
                + model + "\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"" + content
                + "\"},\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":" + usage(events) + "}");
    }

    /** Frees the precomputed answers (unreleasable while the mock serves them); for a mock that is shutting down. */
    void release() {
        for (ByteBuf b : new ByteBuf[] {roleEvent, tokenEvent, tailWithUsage, tailWithoutUsage, completion}) {
            b.unwrap().release();
        }
    }

    /** Generation time of a whole answer (what a non-streamed answer waits before it is sent). */
    long totalNanos() {
        return ttftNanos + Math.max(0, events - 1) * delayNanos;
    }

    /** The profile a model name asks for, {@code defaults} filling what it leaves out. */
    static MockProfile forModel(String model, MockProfile defaults, int defaultEventBytes) {
        long ttft = defaults.ttftNanos;
        int events = defaults.events;
        long delay = defaults.delayNanos;
        int bytes = defaultEventBytes;
        String[] parts = model.split("-");
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i];
            if (p.length() < 2) {
                continue;
            }
            long v;
            try {
                v = Long.parseLong(p.substring(1));
            } catch (NumberFormatException e) {
                continue;
            }
            switch (p.charAt(0)) {
                case 't' -> ttft = v * 1_000_000L;
                case 'e' -> events = (int) v;
                case 'd' -> delay = v * 1_000_000L;
                case 'b' -> bytes = (int) v;
                default -> { }
            }
        }
        return new MockProfile(model, ttft, events, delay, bytes);
    }

    private static String usage(int events) {
        return "{\"prompt_tokens\":12,\"completion_tokens\":" + events + ",\"total_tokens\":" + (12 + events) + "}";
    }

    private static String sse(String json) {
        return "data: " + json + "\n\n";
    }

    private static String token(int length) {
        StringBuilder b = new StringBuilder(length);
        String word = " token";
        while (b.length() < length) {
            b.append(word, 0, Math.min(word.length(), length - b.length()));
        }
        return b.toString();
    }

    private static ByteBuf bytes(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return Unpooled.unreleasableBuffer(Unpooled.directBuffer(b.length).writeBytes(b));
    }
}
