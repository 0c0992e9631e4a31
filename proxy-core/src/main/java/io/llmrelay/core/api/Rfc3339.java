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
        int at = fraction(instant.getNano(), into, 19);
        into[at++] = 'Z';
        return at;
    }

    /**
     * The fraction of a second as RFC 3339 and ISO 8601 write it, {@code .184789} for 184,789,000 ns:
     * up to nine digits, trailing zeros trimmed, nothing at all for zero. Written into {@code into}
     * (ten characters free) at {@code at}; returns where it ends.
     */
    public static int fraction(int nanos, char[] into, int at) {
        if (nanos == 0) {
            return at;
        }
        int digits = 9;
        while (nanos % 10 == 0) {
            nanos /= 10;
            digits--;
        }
        into[at++] = '.';
        for (int i = at + digits - 1; i >= at; i--) {
            into[i] = (char) ('0' + nanos % 10);
            nanos /= 10;
        }
        return at + digits;
    }

    /** The same with a zone offset, e.g. {@code 2025-05-10T08:06:48.639712648-07:00}, as Ollama's lists use. */
    public static String withOffset(Instant instant, ZoneOffset offset) {
        String base = LocalDateTime.ofEpochSecond(instant.getEpochSecond(), 0, offset).toString();
        StringBuilder sb = new StringBuilder(36).append(base);
        if (base.length() == 16) {
            sb.append(":00");
        }
        char[] fraction = new char[10];
        sb.append(fraction, 0, fraction(instant.getNano(), fraction, 0));
        return sb.append(offset.getTotalSeconds() == 0 ? "Z" : offset.getId()).toString();
    }
}
