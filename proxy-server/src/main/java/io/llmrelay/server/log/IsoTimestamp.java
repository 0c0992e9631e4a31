package io.llmrelay.server.log;

import io.llmrelay.core.api.Rfc3339;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * An instant as {@link DateTimeFormatter#ISO_OFFSET_DATE_TIME} writes it in one zone (what the
 * logstash encoder puts in {@code @timestamp}: {@code 2026-12-01T08:04:58.152451911Z}, the fraction
 * without trailing zeros and left out when zero), into a reused array. The formatter is asked once a
 * second, for the date, time and offset; the fraction is {@link Rfc3339#fraction}. One instance per thread.
 */
final class IsoTimestamp {

    private final ZoneId zone;
    private final char[] chars = new char[64];
    private long second = Long.MIN_VALUE;
    /** Where the offset starts in {@link #chars} for {@link #second}, and the offset itself. */
    private int offsetStart;
    private char[] offset;

    IsoTimestamp(ZoneId zone) {
        this.zone = zone;
    }

    /** The characters written by the last {@link #format}. */
    char[] chars() {
        return chars;
    }

    /** Writes {@code t} into {@link #chars()}; returns the length. */
    int format(Instant t) {
        long s = t.getEpochSecond();
        if (s != second) {
            String whole = DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(Instant.ofEpochSecond(s).atZone(zone));
            // the time part ends with the seconds ("T08:04:58"), then the offset ("Z", "+01:00")
            offsetStart = whole.indexOf('T') + 9;
            whole.getChars(0, offsetStart, chars, 0);
            offset = whole.substring(offsetStart).toCharArray();
            second = s;
        }
        int n = Rfc3339.fraction(t.getNano(), chars, offsetStart);
        System.arraycopy(offset, 0, chars, n, offset.length);
        return n + offset.length;
    }
}
