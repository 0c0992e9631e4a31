package io.llmrelay.bench.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A realistic OpenAI chat-completions SSE stream (as vLLM and OpenAI send it: a role event, one
 * event per token, a finish event, a usage event, {@code [DONE]}) and the ways a socket can cut it.
 * Shared by the stream benchmarks; everything is built once per trial.
 */
public final class SseStreams {

    /** Token events in one stream; the benchmarks report per token event. */
    public static final int TOKEN_EVENTS = 64;

    /** How the stream arrives from the socket. */
    public enum Split {
        /** One buffer per SSE event (a backend that flushes per token, read promptly). */
        WHOLE,
        /** 7-byte pieces: every event spans several buffers (the worst case for the framer). */
        PIECES_7,
        /** 1.5 events per buffer: events span buffer boundaries, several per read (a burst). */
        SPANNING
    }

    private static final String[] WORDS = {"The", " quick", " brown", " fox", " jumps", " over", " the", " lazy",
        " dog", ",", " and", " then", " it", " naps", " in", " the", " warm", " sun", ".", "\n"};

    private SseStreams() {}

    /** The whole stream as bytes, each event separately. */
    public static List<byte[]> events(boolean usage) {
        List<byte[]> events = new ArrayList<>();
        String head = "{\"id\":\"chatcmpl-8f1c2a\",\"object\":\"chat.completion.chunk\",\"created\":1732000000,"
                + "\"model\":\"meta-llama/Llama-3.1-8B-Instruct\",\"system_fingerprint\":\"fp_44709d6fcb\",\"choices\":[{\"index\":0,";
        events.add(event(head + "\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs\":null,\"finish_reason\":null}]}"));
        for (int i = 0; i < TOKEN_EVENTS; i++) {
            String word = WORDS[i % WORDS.length].replace("\n", "\\n");
            events.add(event(head + "\"delta\":{\"content\":\"" + word + "\"},\"logprobs\":null,\"finish_reason\":null}]}"));
        }
        events.add(event(head + "\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}]}"));
        if (usage) {
            events.add(event("{\"id\":\"chatcmpl-8f1c2a\",\"object\":\"chat.completion.chunk\",\"created\":1732000000,"
                    + "\"model\":\"meta-llama/Llama-3.1-8B-Instruct\",\"choices\":[],"
                    + "\"usage\":{\"prompt_tokens\":25,\"completion_tokens\":" + TOKEN_EVENTS + ",\"total_tokens\":"
                    + (25 + TOKEN_EVENTS) + "}}"));
        }
        events.add(event("[DONE]"));
        return events;
    }

    private static byte[] event(String data) {
        return ("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The stream cut as {@code split} says, as read-only direct buffers (socket reads are direct).
     * Consumers must not move their indices; the buffers are released by {@link #release}.
     */
    public static ByteBuf[] split(List<byte[]> events, Split split) {
        List<ByteBuf> out = new ArrayList<>();
        if (split == Split.WHOLE) {
            for (byte[] e : events) {
                out.add(direct(e, 0, e.length));
            }
        } else {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            for (byte[] e : events) {
                all.writeBytes(e);
            }
            byte[] bytes = all.toByteArray();
            int piece = split == Split.PIECES_7 ? 7 : bytes.length * 3 / (2 * events.size());
            for (int i = 0; i < bytes.length; i += piece) {
                out.add(direct(bytes, i, Math.min(piece, bytes.length - i)));
            }
        }
        return out.toArray(new ByteBuf[0]);
    }

    public static void release(ByteBuf[] buffers) {
        if (buffers != null) {
            for (ByteBuf b : buffers) {
                b.release();
            }
        }
    }

    private static ByteBuf direct(byte[] bytes, int from, int length) {
        ByteBuf b = Unpooled.directBuffer(length);
        b.writeBytes(bytes, from, length);
        return b;
    }
}
