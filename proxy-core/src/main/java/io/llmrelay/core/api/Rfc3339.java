package io.llmrelay.core.api;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * RFC 3339 timestamps the way Go marshals {@code time.Time}: up to nine fractional digits with
 * trailing zeros trimmed. Caches the date-time part of the current second, since a stream writes
 * many stamps within one second.
 */
public final class Rfc3339 {

    /** The longest UTC stamp: {@code 2025-07-07T20:22:19.123456789Z}. */
    public static final int MAX_LENGTH = 30;

    private long cachedSecond = Long.MIN_VALUE;
    private final char[] prefixChars = new char[19];

    /** {@code 2025-07-07T20:22:19.184789Z}. Not thread-safe: use one instance per stream or thread. */
    public String utc(Instant instant) {
        char[] chars = new char[MAX_LENGTH];
        return new String(chars, 0, utc(instant, chars));
    }

    /**
     * The same stamp written into {@code into} (at least {@link #MAX_LENGTH} long) without making a
     * string; returns its length. For streams, which stamp every chunk.
     */
    public int utc(Instant instant, char[] into) {
        long second = instant.getEpochSecond();
        if (second != cachedSecond) {
            String prefix = LocalDateTime.ofEpochSecond(second, 0, ZoneOffset.UTC).toString();
            (prefix.length() == 16 ? prefix + ":00" : prefix).getChars(0, 19, prefixChars, 0); // no ":00" at :00
            cachedSecond = second;
        }
        System.arraycopy(prefixChars, 0, into, 0, 19);
        int at = 19;
        int nanos = instant.getNano();
        if (nanos != 0) {
            int digits = 9;
            while (nanos % 10 == 0) {
                nanos /= 10;
                digits--;
            }
            into[at++] = '.';
            for (int i = digits - 1; i >= 0; i--) {
                into[at + i] = (char) ('0' + nanos % 10);
                nanos /= 10;
            }
            at += digits;
        }
        into[at++] = 'Z';
        return at;
    }

    /** The same with a zone offset, e.g. {@code 2025-05-10T08:06:48.639712648-07:00}, as Ollama's lists use. */
    public static String withOffset(Instant instant, ZoneOffset offset) {
        String base = LocalDateTime.ofEpochSecond(instant.getEpochSecond(), 0, offset).toString();
        StringBuilder sb = new StringBuilder(36).append(base);
        if (base.length() == 16) {
            sb.append(":00");
        }
        appendFraction(sb, instant.getNano());
        return sb.append(offset.getTotalSeconds() == 0 ? "Z" : offset.getId()).toString();
    }

    private static void appendFraction(StringBuilder sb, int nanos) {
        if (nanos == 0) {
            return;
        }
        int digits = 9;
        while (nanos % 10 == 0) {
            nanos /= 10;
            digits--;
        }
        String n = Integer.toString(nanos);
        sb.append('.');
        for (int i = n.length(); i < digits; i++) {
            sb.append('0');
        }
        sb.append(n);
    }
}
