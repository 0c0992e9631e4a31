package io.llmrelay.core.stream;

import io.netty.buffer.ByteBuf;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Finds the token counts an OpenAI answer reports ({@code "prompt_tokens": N}, {@code
 * "completion_tokens": N} in its {@code usage}; Anthropic's Messages and OpenAI's Responses answers
 * say {@code "input_tokens"}, {@code "output_tokens"}; the last ones seen winning) in bytes that are
 * passed through untouched, cut anywhere: a byte-at-a-time matcher whose state survives a cut, so nothing is
 * buffered or parsed. Used only where the counts are needed (a key with {@code tokens_per_minute}).
 * One per answer; not thread-safe.
 */
public final class UsageScan {

    private static final byte[] PROMPT = "\"prompt_tokens\"".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] COMPLETION = "\"completion_tokens\"".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] INPUT = "\"input_tokens\"".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] OUTPUT = "\"output_tokens\"".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private static final int KEY = 0;
    private static final int COLON = 1;
    private static final int VALUE = 2;
    private static final int DIGITS = 3;

    private long prompt = -1;
    private long completion = -1;
    private int promptMatched;
    private int completionMatched;
    private int inputMatched;
    private int outputMatched;
    private int phase = KEY;
    /** which count the value after the key goes to */
    private boolean forPrompt;
    private long number;

    /** A copy of the bytes being scanned: a plain array loop is several times quicker than a buffer's accessors. */
    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[8192]);

    /** Reads {@code bytes} (its readable bytes; indexes untouched). */
    public void feed(ByteBuf bytes) {
        int from = bytes.readerIndex();
        int end = bytes.writerIndex();
        if (bytes.hasArray()) {
            scan(bytes.array(), bytes.arrayOffset() + from, bytes.arrayOffset() + end);
            return;
        }
        byte[] scratch = SCRATCH.get();
        while (from < end) {
            int n = Math.min(scratch.length, end - from);
            bytes.getBytes(from, scratch, 0, n);
            scan(scratch, 0, n);
            from += n;
        }
    }

    /** Between keys only a quote can start a match: the scan jumps from quote to quote. */
    private void scan(byte[] b, int from, int to) {
        int i = from;
        while (i < to) {
            if (idle()) {
                i = nextQuote(b, i, to);
                if (i < 0) {
                    return;
                }
            }
            step(b[i++]);
        }
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long QUOTES = 0x2222222222222222L;
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    /** The index of the next {@code "} in {@code b[from, to)}, or -1: eight bytes at a time (a word's zero-byte test). */
    private static int nextQuote(byte[] b, int from, int to) {
        int i = from;
        for (; i + Long.BYTES <= to; i += Long.BYTES) {
            long x = (long) LONGS.get(b, i) ^ QUOTES; // a quote becomes a zero byte
            long found = (x - ONES) & ~x & HIGHS;
            if (found != 0) {
                return i + (Long.numberOfTrailingZeros(found) >>> 3);
            }
        }
        for (; i < to; i++) {
            if (b[i] == '"') {
                return i;
            }
        }
        return -1;
    }

    /** Between keys: no key partly matched, no value being read. */
    private boolean idle() {
        return phase == KEY && promptMatched == 0 && completionMatched == 0 && inputMatched == 0 && outputMatched == 0;
    }

    private void step(byte b) {
        switch (phase) {
            case COLON -> {
                if (b == ':') {
                    phase = VALUE;
                } else if (!blank(b)) {
                    phase = KEY;
                    key(b);
                }
            }
            case VALUE -> {
                if (b >= '0' && b <= '9') {
                    number = b - '0';
                    phase = DIGITS;
                } else if (!blank(b)) {
                    phase = KEY; // null or another type: not a count
                    key(b);
                }
            }
            case DIGITS -> {
                if (b >= '0' && b <= '9' && number < Long.MAX_VALUE / 10) {
                    number = number * 10 + (b - '0');
                } else {
                    if (forPrompt) {
                        prompt = number;
                    } else {
                        completion = number;
                    }
                    phase = KEY;
                    key(b);
                }
            }
            default -> key(b);
        }
    }

    private void key(byte b) {
        promptMatched = advance(PROMPT, promptMatched, b);
        completionMatched = advance(COMPLETION, completionMatched, b);
        inputMatched = advance(INPUT, inputMatched, b);
        outputMatched = advance(OUTPUT, outputMatched, b);
        if (promptMatched == PROMPT.length || completionMatched == COMPLETION.length || inputMatched == INPUT.length
                || outputMatched == OUTPUT.length) {
            forPrompt = promptMatched == PROMPT.length || inputMatched == INPUT.length;
            promptMatched = 0;
            completionMatched = 0;
            inputMatched = 0;
            outputMatched = 0;
            phase = COLON;
        }
    }

    /** The match length after {@code b}; the keys repeat no prefix of themselves, so a miss restarts at the quote. */
    private static int advance(byte[] key, int matched, byte b) {
        if (key[matched] == b) {
            return matched + 1;
        }
        return b == key[0] ? 1 : 0;
    }

    private static boolean blank(byte b) {
        return b == ' ' || b == '\t' || b == '\r' || b == '\n';
    }

    /** The prompt tokens reported; -1 when none was seen. */
    public long promptTokens() {
        return prompt;
    }

    /** The completion tokens reported; -1 when none was seen. */
    public long completionTokens() {
        return completion;
    }
}
