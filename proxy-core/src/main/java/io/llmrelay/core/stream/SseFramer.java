package io.llmrelay.core.stream;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.ByteProcessor;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Turns a Server-Sent Events byte stream, cut anywhere, into whole events (WHATWG rules: lines end
 * in CRLF, LF or CR; a blank line dispatches; {@code data} lines are joined with LF; comments and
 * {@code id}/{@code retry} fields are skipped). It knows nothing about JSON.
 *
 * <p>State is per stream; not thread-safe. The framer never retains the buffers it is fed.
 */
public final class SseFramer {

    /** Receives each complete event. {@code data[0..length)} is only valid during the call. */
    public interface Listener {
        void onEvent(String eventType, byte[] data, int length);
    }

    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    /** Below this many bytes one byte-by-byte pass for CR or LF beats two word-at-a-time searches. */
    private static final int WORD_SCAN_MIN = 32;
    private static final int UNKNOWN = -2;

    private final int maxEventBytes;
    /**
     * The line and the event being read: the thread's {@link Scratch} while a chunk is framed, and
     * null between chunks unless a line or an event is left unfinished, which then gets arrays of its
     * own until it is done. A slow stream spends nearly all its life between events, and two arrays
     * per open stream were 800 bytes of every stream's memory.
     */
    private byte[] line;
    private int lineLength;
    private byte[] data;
    private int dataLength;
    private boolean hasData;
    private String eventType;
    private boolean skipLf; // the previous chunk ended in CR, so a leading LF belongs to it
    private int bomBytesSeen; // a UTF-8 byte order mark at the very start is skipped, as the spec says

    public SseFramer(int maxEventBytes) {
        this.maxEventBytes = maxEventBytes;
    }

    /** Frames every readable byte of {@code chunk} (its reader index is left alone). */
    public void feed(ByteBuf chunk, Listener listener) {
        Scratch scratch = borrow();
        try {
            frame(chunk, listener);
        } finally {
            giveBack(scratch);
        }
    }

    /**
     * The arrays to frame with: its own while a line or an event is unfinished, else the thread's
     * (null returned: nothing borrowed). A listener framing another stream on this thread, while the
     * thread's arrays are lent, gets arrays of its own.
     */
    private Scratch borrow() {
        if (line != null) {
            return null;
        }
        Scratch scratch = Scratch.THREAD.get();
        if (scratch.lent) {
            line = new byte[Scratch.LINE];
            data = new byte[Scratch.DATA];
            return null;
        }
        scratch.lent = true;
        line = scratch.line;
        data = scratch.data;
        return scratch;
    }

    /**
     * After a chunk: nothing unfinished, the framer holds no array; else the unfinished bytes move to
     * arrays of its own, once, and later chunks are framed in those until the event is done (a stream
     * cut into tiny pieces is not copied back and forth on every one).
     */
    private void giveBack(Scratch scratch) {
        boolean pending = lineLength > 0 || dataLength > 0;
        if (scratch != null) {
            scratch.lent = false;
            scratch.keep(line, data);
            if (pending) {
                line = Arrays.copyOf(line, Math.max(Scratch.LINE, lineLength));
                data = Arrays.copyOf(data, Math.max(Scratch.DATA, dataLength));
                return;
            }
        }
        if (!pending) {
            line = null;
            data = null;
        }
    }

    /**
     * One pair of arrays per thread, lent to one framer at a time for the length of a {@link #feed}.
     * Arrays grown past {@link #KEPT} are not kept: one huge event must not stay in every thread.
     */
    private static final class Scratch {
        static final int LINE = 256;
        static final int DATA = 512;
        static final int KEPT = 64 * 1024;
        static final FastThreadLocal<Scratch> THREAD = new FastThreadLocal<>() {
            @Override
            protected Scratch initialValue() {
                return new Scratch();
            }
        };

        byte[] line = new byte[LINE];
        byte[] data = new byte[DATA];
        boolean lent;

        /** Keeps arrays a framer grew while it had them, up to {@link #KEPT}. */
        void keep(byte[] grownLine, byte[] grownData) {
            if (grownLine.length > line.length && grownLine.length <= KEPT) {
                line = grownLine;
            }
            if (grownData.length > data.length && grownData.length <= KEPT) {
                data = grownData;
            }
        }
    }

    private void frame(ByteBuf chunk, Listener listener) {
        int i = chunk.readerIndex();
        int end = chunk.writerIndex();
        while (bomBytesSeen < BOM.length && i < end) {
            if (chunk.getByte(i) != BOM[bomBytesSeen]) {
                if (bomBytesSeen > 0) {
                    throw new FramingException("SSE stream starts with a broken byte order mark");
                }
                bomBytesSeen = BOM.length; // no BOM: stop looking
                break;
            }
            bomBytesSeen++;
            i++;
        }
        if (skipLf && i < end) {
            skipLf = false;
            if (chunk.getByte(i) == '\n') {
                i++;
            }
        }
        int nextCr = UNKNOWN;
        while (i < end) {
            int eol;
            if (end - i < WORD_SCAN_MIN) {
                eol = chunk.forEachByte(i, end - i, ByteProcessor.FIND_CRLF);
            } else {
                // ByteBuf.indexOf compares eight bytes at a time. CR is rare (almost every server
                // ends lines with LF alone), so where the next one is, or that there is none, is kept.
                if (nextCr == UNKNOWN || (nextCr >= 0 && nextCr < i)) {
                    nextCr = chunk.indexOf(i, end, (byte) '\r');
                }
                int lf = chunk.indexOf(i, end, (byte) '\n');
                eol = nextCr < 0 ? lf : lf < 0 ? nextCr : Math.min(lf, nextCr);
            }
            if (eol < 0) {
                append(chunk, i, end - i);
                return;
            }
            if (lineLength > 0 || !appendedDataLine(chunk, i, eol - i)) {
                append(chunk, i, eol - i);
                processLine(listener);
            }
            i = eol + 1;
            if (chunk.getByte(eol) == '\r') {
                if (i < end) {
                    if (chunk.getByte(i) == '\n') {
                        i++;
                    }
                } else {
                    skipLf = true;
                }
            }
        }
    }

    /**
     * The stream ended. An event whose closing blank line never came is still dispatched: servers
     * that close right after their last {@code data:} line are common and their data is not wrong.
     */
    public void finish(Listener listener) {
        Scratch scratch = borrow();
        try {
            if (lineLength > 0) {
                processLine(listener);
            }
            dispatch(listener);
        } finally {
            giveBack(scratch);
        }
    }

    /**
     * The common line, {@code data: ...} whole in one chunk: its value is copied straight into the
     * event's data, not into the line buffer first. False (nothing done) for any other line.
     */
    private boolean appendedDataLine(ByteBuf chunk, int from, int length) {
        if (length < 5 || chunk.getByte(from) != 'd' || chunk.getByte(from + 1) != 'a' || chunk.getByte(from + 2) != 't'
                || chunk.getByte(from + 3) != 'a' || chunk.getByte(from + 4) != ':') {
            return false;
        }
        if (length > maxEventBytes) {
            throw new FramingException("SSE line longer than " + maxEventBytes + " bytes");
        }
        int valueStart = length > 5 && chunk.getByte(from + 5) == ' ' ? 6 : 5;
        int valueLength = length - valueStart;
        int at = reserveData(valueLength); // first: it may replace the data array
        chunk.getBytes(from + valueStart, data, at, valueLength);
        return true;
    }

    private void append(ByteBuf chunk, int from, int length) {
        if (length == 0) {
            return;
        }
        int needed = lineLength + length;
        if (needed > maxEventBytes) {
            throw new FramingException("SSE line longer than " + maxEventBytes + " bytes");
        }
        if (needed > line.length) {
            line = Arrays.copyOf(line, Math.max(needed, line.length * 2));
        }
        chunk.getBytes(from, line, lineLength, length);
        lineLength = needed;
    }

    private void processLine(Listener listener) {
        int length = lineLength;
        lineLength = 0;
        if (length == 0) {
            dispatch(listener);
            return;
        }
        if (line[0] == ':') {
            return; // comment, e.g. OpenRouter's ": OPENROUTER PROCESSING" keep-alives
        }
        int colon = indexOf(line, length, (byte) ':');
        int nameEnd = colon < 0 ? length : colon;
        int valueStart = colon < 0 ? length : colon + 1;
        if (valueStart < length && line[valueStart] == ' ') {
            valueStart++;
        }
        if (nameIs("data", nameEnd)) {
            appendData(valueStart, length - valueStart);
        } else if (nameIs("event", nameEnd)) {
            eventType = new String(line, valueStart, length - valueStart, StandardCharsets.UTF_8);
        }
        // "id", "retry" and unknown fields carry nothing a translation needs
    }

    private void appendData(int from, int length) {
        int at = reserveData(length); // first: it may replace the data array
        System.arraycopy(line, from, data, at, length);
    }

    /** Makes room for {@code length} more bytes of data (after an LF if data came before); returns where. */
    private int reserveData(int length) {
        int needed = dataLength + (hasData ? 1 : 0) + length;
        if (needed > maxEventBytes) {
            throw new FramingException("SSE event larger than " + maxEventBytes + " bytes");
        }
        if (needed > data.length) {
            data = Arrays.copyOf(data, Math.max(needed, data.length * 2));
        }
        if (hasData) {
            data[dataLength++] = '\n';
        }
        int at = dataLength;
        dataLength = needed;
        hasData = true;
        return at;
    }

    private void dispatch(Listener listener) {
        if (hasData) {
            String type = eventType;
            int length = dataLength;
            hasData = false;
            dataLength = 0;
            eventType = null;
            listener.onEvent(type, data, length);
        } else {
            eventType = null;
        }
    }

    private boolean nameIs(String name, int nameLength) {
        if (nameLength != name.length()) {
            return false;
        }
        for (int i = 0; i < nameLength; i++) {
            if (line[i] != name.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(byte[] bytes, int length, byte value) {
        for (int i = 0; i < length; i++) {
            if (bytes[i] == value) {
                return i;
            }
        }
        return -1;
    }
}
