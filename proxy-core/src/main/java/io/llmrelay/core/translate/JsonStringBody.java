package io.llmrelay.core.translate;

import java.nio.charset.StandardCharsets;

/**
 * Reads the text between the quotes of a JSON string literal in UTF-8 bytes, without a parser: the
 * stream decoder's shortcut for a token event that differs from the last one only in its text.
 * Strict: anything a JSON parser might read differently (a bare quote or control character, an
 * unknown escape, UTF-8 that is not well formed) gives null, and the caller parses the event.
 */
final class JsonStringBody {

    private JsonStringBody() {}

    /** The text of {@code data[from..to)} as a string literal's body, or null when it is not a plain valid one. */
    static String decode(byte[] data, int from, int to) {
        int i = from;
        while (i < to && plain(data[i])) {
            i++;
        }
        if (i == to) { // ASCII with nothing escaped: most tokens
            return new String(data, from, to - from, StandardCharsets.ISO_8859_1);
        }
        StringBuilder text = new StringBuilder(to - from);
        text.append(new String(data, from, i - from, StandardCharsets.ISO_8859_1));
        while (i < to) {
            int b = data[i];
            if (plain((byte) b)) {
                text.append((char) b);
                i++;
            } else if (b == '\\') {
                i = escape(data, i + 1, to, text);
            } else if (b < 0) {
                i = utf8(data, i, to, text);
            } else {
                return null; // a bare quote or control character: not a string body
            }
            if (i < 0) {
                return null;
            }
        }
        return text.toString();
    }

    private static boolean plain(byte b) {
        return b >= 0x20 && b != '"' && b != '\\'; // ASCII but a control, quote or backslash (UTF-8 bytes are negative)
    }

    /** Appends the escape whose letter is at {@code i}; returns the index after it, or -1. */
    private static int escape(byte[] data, int i, int to, StringBuilder text) {
        if (i >= to) {
            return -1;
        }
        char c;
        switch (data[i]) {
            case '"': c = '"'; break;
            case '\\': c = '\\'; break;
            case '/': c = '/'; break;
            case 'b': c = '\b'; break;
            case 'f': c = '\f'; break;
            case 'n': c = '\n'; break;
            case 'r': c = '\r'; break;
            case 't': c = '\t'; break;
            case 'u':
                if (i + 4 >= to) {
                    return -1;
                }
                int code = 0;
                for (int k = 1; k <= 4; k++) {
                    int digit = Character.digit(data[i + k], 16);
                    if (digit < 0) {
                        return -1;
                    }
                    code = code << 4 | digit;
                }
                text.append((char) code); // surrogates one by one, as a JSON parser reads them
                return i + 5;
            default:
                return -1;
        }
        text.append(c);
        return i + 1;
    }

    /**
     * Appends the well-formed UTF-8 sequence at {@code i} (shortest form, no surrogates, at most
     * U+10FFFF); returns the index after it, or -1.
     */
    private static int utf8(byte[] data, int i, int to, StringBuilder text) {
        int lead = data[i] & 0xFF;
        int extra;
        int min;
        int code;
        if (lead >= 0xC2 && lead <= 0xDF) {
            extra = 1;
            min = 0x80;
            code = lead & 0x1F;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            extra = 2;
            min = 0x800;
            code = lead & 0x0F;
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            extra = 3;
            min = 0x10000;
            code = lead & 0x07;
        } else {
            return -1;
        }
        if (i + extra >= to) {
            return -1; // the closing quote cannot be a continuation byte
        }
        for (int k = 1; k <= extra; k++) {
            int next = data[i + k] & 0xFF;
            if ((next & 0xC0) != 0x80) {
                return -1;
            }
            code = code << 6 | (next & 0x3F);
        }
        if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
            return -1;
        }
        text.appendCodePoint(code);
        return i + extra + 1;
    }
}
