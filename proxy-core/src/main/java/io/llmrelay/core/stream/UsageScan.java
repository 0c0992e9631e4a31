package io.llmrelay.core.stream;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocal;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Finds the token counts an OpenAI answer reports ({@code "prompt_tokens": N}, {@code
 * "completion_tokens": N} in its {@code usage}; Anthropic's Messages and OpenAI's Responses answers
 * say {@code "input_tokens"}, {@code "output_tokens"}; the last ones seen winning) in bytes that are
 * passed through untouched, cut anywhere. Nothing is parsed: used only where the counts are needed (a
 * key with {@code tokens_per_minute}). One per answer; not thread-safe.
 *
 * <p>Every key it looks for ends in {@code _tokens"}, and an underscore is rare in an answer, so the
 * scan jumps from underscore to underscore eight bytes at a time and checks the bytes around each
 * (a scan that stepped through every quote of the JSON cost ~1.6 ns a byte). A cut is bridged by
 * scanning the last bytes of one piece again in front of the next ({@link #CARRY}, or from the start
 * of a count the cut left undecided): a count found twice is the same count, set twice.
 */
public final class UsageScan {

    /** Bytes of one piece scanned again with the next: a key, a colon and a count fit with blanks to spare. */
    static final int CARRY = 64;
    /** A count still undecided at a cut further than this from its key's quote (pathological blanks) is lost. */
    static final int MAX_CARRY = 256;

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long TOKENS_SUFFIX = (long) LONGS.get(ascii("_tokens\""), 0);
    private static final byte[] PROMPT = ascii("\"prompt");
    private static final byte[] COMPLETION = ascii("\"completion");
    private static final byte[] INPUT = ascii("\"input");
    private static final byte[] OUTPUT = ascii("\"output");
    private static final int LONGEST_PREFIX = COMPLETION.length;

    private static final long UNDERSCORES = 0x5F5F5F5F5F5F5F5FL;
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    /** The carried bytes and the piece, side by side: a plain array loop is several times quicker than a buffer's accessors. */
    private static final FastThreadLocal<byte[]> SCRATCH = new FastThreadLocal<>() {
        @Override
        protected byte[] initialValue() {
            return new byte[8192];
        }
    };

    private long prompt = -1;
    private long completion = -1;
    private byte[] carry;
    private int carried;
    /** Set by {@link #count}: where, in the scanned window, a count the window's end cut off began; else -1. */
    private int undecidedFrom;

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** Reads {@code bytes} (its readable bytes; indexes untouched). */
    public void feed(ByteBuf bytes) {
        int from = bytes.readerIndex();
        int end = bytes.writerIndex();
        byte[] window = SCRATCH.get();
        while (from < end) {
            if (carried > 0) {
                System.arraycopy(carry, 0, window, 0, carried);
            }
            int n = Math.min(window.length - carried, end - from);
            bytes.getBytes(from, window, carried, n);
            from += n;
            int length = carried + n;
            scan(window, length);
            keepTail(window, length);
        }
    }

    /** Every underscore of {@code b[0, length)} that ends one of the keys. */
    private void scan(byte[] b, int length) {
        undecidedFrom = -1;
        int i = 0;
        while ((i = nextUnderscore(b, i, length)) >= 0) {
            count(b, i, length);
            i++;
        }
    }

    /** Keeps what the next piece must be scanned behind: the last {@link #CARRY} bytes, or from an undecided count. */
    private void keepTail(byte[] b, int length) {
        int from = Math.max(0, length - CARRY);
        if (undecidedFrom >= 0 && undecidedFrom < from) {
            from = Math.max(undecidedFrom, length - MAX_CARRY);
        }
        carried = length - from;
        if (carry == null || carry.length < carried) {
            carry = new byte[Math.max(CARRY, carried)];
        }
        System.arraycopy(b, from, carry, 0, carried);
    }

    /** Reads the count after the key whose {@code _tokens"} starts at {@code u}, if it is one of ours. */
    private void count(byte[] b, int u, int length) {
        if (u + Long.BYTES > length) {
            undecided(u - LONGEST_PREFIX);
            return;
        }
        if ((long) LONGS.get(b, u) != TOKENS_SUFFIX) {
            return;
        }
        boolean isPrompt;
        if (endsAt(b, u, PROMPT) || endsAt(b, u, INPUT)) {
            isPrompt = true;
        } else if (endsAt(b, u, COMPLETION) || endsAt(b, u, OUTPUT)) {
            isPrompt = false;
        } else {
            return; // total_tokens, cache_read_input_tokens, ...
        }
        int i = skipBlanks(b, u + Long.BYTES, length);
        if (i < length && b[i] != ':') {
            return; // a key's name in some other place, not a key
        }
        i = skipBlanks(b, i + 1, length);
        if (i >= length) {
            undecided(u - LONGEST_PREFIX);
            return;
        }
        if (b[i] < '0' || b[i] > '9') {
            return; // null or another type: not a count
        }
        long number = 0;
        for (; i < length && b[i] >= '0' && b[i] <= '9'; i++) {
            if (number < Long.MAX_VALUE / 10) {
                number = number * 10 + (b[i] - '0');
            }
        }
        if (i == length) {
            undecided(u - LONGEST_PREFIX); // more digits may follow in the next piece
        } else if (isPrompt) {
            prompt = number;
        } else {
            completion = number;
        }
    }

    private void undecided(int from) {
        int start = Math.max(0, from);
        if (undecidedFrom < 0) {
            undecidedFrom = start;
        }
    }

    /** True when {@code prefix} (a quote and a word) ends right before {@code u}, so the key starts with that quote. */
    private static boolean endsAt(byte[] b, int u, byte[] prefix) {
        int start = u - prefix.length;
        if (start < 0) {
            return false; // the key began in an earlier piece, and was read there
        }
        for (int k = 0; k < prefix.length; k++) {
            if (b[start + k] != prefix[k]) {
                return false;
            }
        }
        return true;
    }

    private static int skipBlanks(byte[] b, int i, int length) {
        while (i < length && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n')) {
            i++;
        }
        return i;
    }

    /** The index of the next {@code _} in {@code b[from, to)}, or -1: eight bytes at a time (a word's zero-byte test). */
    private static int nextUnderscore(byte[] b, int from, int to) {
        int i = from;
        for (; i + Long.BYTES <= to; i += Long.BYTES) {
            long x = (long) LONGS.get(b, i) ^ UNDERSCORES; // an underscore becomes a zero byte
            long found = (x - ONES) & ~x & HIGHS;
            if (found != 0) {
                return i + (Long.numberOfTrailingZeros(found) >>> 3);
            }
        }
        for (; i < to; i++) {
            if (b[i] == '_') {
                return i;
            }
        }
        return -1;
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
