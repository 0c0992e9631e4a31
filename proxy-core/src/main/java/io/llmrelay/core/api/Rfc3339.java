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

    private long cachedSecond = Long.MIN_VALUE;
    private String cachedPrefix;

    /** {@code 2025-07-07T20:22:19.184789Z}. Not thread-safe: use one instance per stream or thread. */
    public String utc(Instant instant) {
        long second = instant.getEpochSecond();
        if (second != cachedSecond) {
            cachedPrefix = LocalDateTime.ofEpochSecond(second, 0, ZoneOffset.UTC).toString();
            if (cachedPrefix.length() == 16) {
                cachedPrefix += ":00"; // LocalDateTime omits zero seconds
            }
            cachedSecond = second;
        }
        StringBuilder sb = new StringBuilder(30).append(cachedPrefix);
        appendFraction(sb, instant.getNano());
        return sb.append('Z').toString();
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
