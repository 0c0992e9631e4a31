package io.llmrelay.server.log;

import com.fasterxml.jackson.core.io.SerializedString;
import java.util.Arrays;

/**
 * A JSON line written straight into bytes, as Jackson's generator writes printable ASCII: members
 * without spaces, {@code "} and {@code \} escaped with a backslash, numbers in decimal. A string with
 * a control character or a character beyond ASCII marks the line {@link #failed()}, leaving Jackson's
 * escapes and UTF-8 to it. Reused by one thread, line after line.
 */
final class AsciiLine implements FieldSink {

    private byte[] bytes = new byte[512];
    /** A string value's characters, so that strings and character arrays share one writer. */
    private char[] text = new char[256];
    private int length;
    private boolean first;
    private boolean failed;

    void start() {
        length = 0;
        first = true;
        failed = false;
        raw('{');
    }

    /** True when a value was not printable ASCII: the line is unusable. */
    boolean failed() {
        return failed;
    }

    /** The line, closed and ended with {@code separator}. */
    byte[] finish(byte[] separator) {
        raw('}');
        ensure(separator.length);
        System.arraycopy(separator, 0, bytes, length, separator.length);
        length += separator.length;
        return Arrays.copyOf(bytes, length);
    }

    @Override
    public void field(SerializedString name, String value) {
        if (value == null) {
            name(name);
            ascii("null");
            return;
        }
        int n = value.length();
        if (text.length < n) {
            text = new char[Math.max(2 * text.length, n)];
        }
        value.getChars(0, n, text, 0);
        field(name, text, n);
    }

    @Override
    public void field(SerializedString name, char[] chars, int count) {
        name(name);
        ensure(2 * count + 2);
        bytes[length++] = '"';
        for (int i = 0; i < count; i++) {
            if (!put(chars[i])) {
                return;
            }
        }
        bytes[length++] = '"';
    }

    @Override
    public void field(SerializedString name, long value) {
        name(name);
        if (value == Long.MIN_VALUE) { // no positive twin to print
            ascii("-9223372036854775808");
            return;
        }
        ensure(20);
        if (value < 0) {
            bytes[length++] = '-';
            value = -value;
        }
        int from = length;
        do {
            bytes[length++] = (byte) ('0' + value % 10);
            value /= 10;
        } while (value != 0);
        for (int i = from, j = length - 1; i < j; i++, j--) {
            byte b = bytes[i];
            bytes[i] = bytes[j];
            bytes[j] = b;
        }
    }

    private void name(SerializedString name) {
        byte[] quoted = name.asQuotedUTF8();
        ensure(quoted.length + 4);
        if (!first) {
            bytes[length++] = ',';
        }
        first = false;
        bytes[length++] = '"';
        System.arraycopy(quoted, 0, bytes, length, quoted.length);
        length += quoted.length;
        bytes[length++] = '"';
        bytes[length++] = ':';
    }

    /** One character of a string, room for two bytes ensured; false (and failed) if it is not printable ASCII. */
    private boolean put(char c) {
        if (c < 0x20 || c > 0x7f) {
            failed = true;
            return false;
        }
        if (c == '"' || c == '\\') {
            bytes[length++] = '\\';
        }
        bytes[length++] = (byte) c;
        return true;
    }

    /** A byte of the line's own syntax, room ensured. */
    private void raw(char b) {
        ensure(1);
        bytes[length++] = (byte) b;
    }

    private void ascii(String s) {
        ensure(s.length());
        for (int i = 0; i < s.length(); i++) {
            bytes[length++] = (byte) s.charAt(i);
        }
    }

    private void ensure(int more) {
        if (length + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
        }
    }
}
