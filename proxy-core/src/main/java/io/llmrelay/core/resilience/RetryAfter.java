package io.llmrelay.core.resilience;

import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Reads a {@code Retry-After} header (RFC 9110 §10.2.3): a number of seconds, or an HTTP date in any
 * of the three forms a recipient must accept (IMF-fixdate {@code Sun, 06 Nov 1994 08:49:37 GMT}, RFC
 * 850 {@code Sunday, 06-Nov-94 08:49:37 GMT}, asctime {@code Sun Nov  6 08:49:37 1994}), plus
 * OpenAI's {@code retry-after-ms}. The result is capped at {@link HoldOff#MAX}. Leniency where it
 * costs nothing: a fractional number of seconds is taken, a wrong weekday is ignored.
 *
 * <p>Read only for a 429 or 503, never on the per-request path; a date allocates while parsed.
 */
public final class RetryAfter {

    /** What the parsers return for a missing or unreadable value. */
    public static final long NONE = -1;

    private static final long MAX_NANOS = HoldOff.MAX.toNanos();
    private static final DateTimeFormatter IMF_FIXDATE = date("d MMM yyyy HH:mm:ss");
    private static final DateTimeFormatter RFC_850 = new DateTimeFormatterBuilder().parseCaseInsensitive()
            .appendPattern("d-MMM-").appendValueReduced(ChronoField.YEAR, 2, 2, 1970).appendPattern(" HH:mm:ss")
            .optionalStart().appendLiteral(" GMT").optionalEnd().toFormatter(Locale.US);
    private static final DateTimeFormatter ASCTIME = date("MMM d HH:mm:ss yyyy");

    private RetryAfter() {}

    /**
     * The wait a {@code Retry-After} value asks for, in nanoseconds, at most {@link HoldOff#MAX};
     * a date in the past is 0.
     *
     * @param nowEpochMillis the wall clock, for a date
     * @return {@link #NONE} when {@code value} is null, empty or neither form
     */
    public static long nanos(CharSequence value, long nowEpochMillis) {
        if (value == null) {
            return NONE;
        }
        String text = value.toString().strip();
        if (text.isEmpty()) {
            return NONE;
        }
        if (Character.isDigit(text.charAt(0))) {
            long seconds = seconds(text);
            if (seconds != NONE) {
                return seconds;
            }
        }
        long at = epochMillis(text);
        if (at == NONE) {
            return NONE;
        }
        return Math.min(MAX_NANOS, TimeUnit.MILLISECONDS.toNanos(Math.max(0, at - nowEpochMillis)));
    }

    /** OpenAI's {@code retry-after-ms}: a number of milliseconds; {@link #NONE} when unreadable. */
    public static long millisHeaderNanos(CharSequence value) {
        if (value == null) {
            return NONE;
        }
        try {
            double ms = Double.parseDouble(value.toString().strip());
            return ms >= 0 && Double.isFinite(ms) ? (long) Math.min(MAX_NANOS, ms * 1e6) : NONE;
        } catch (NumberFormatException e) {
            return NONE;
        }
    }

    /** {@code 120} or {@code 1.5} seconds, capped; {@link #NONE} when not a plain number. */
    private static long seconds(String text) {
        int dot = -1;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '.' && dot < 0) {
                dot = i;
            } else if (c < '0' || c > '9') {
                return NONE;
            }
        }
        if ((dot < 0 ? text.length() : dot) > 6) {
            return MAX_NANOS; // a million seconds or more: far past the cap, and no overflow
        }
        double seconds = Double.parseDouble(text);
        return (long) Math.min(MAX_NANOS, seconds * 1e9);
    }

    /** The date's instant in epoch milliseconds, or {@link #NONE}. */
    private static long epochMillis(String text) {
        int comma = text.indexOf(',');
        try {
            if (comma > 0) { // IMF-fixdate or RFC 850: the weekday before the comma is left out
                String rest = text.substring(comma + 1).strip();
                DateTimeFormatter form = rest.indexOf('-') > 0 && rest.indexOf('-') < 3 ? RFC_850 : IMF_FIXDATE;
                return LocalDateTime.parse(rest, form).toInstant(ZoneOffset.UTC).toEpochMilli();
            }
            int space = text.indexOf(' ');
            if (space > 0) { // asctime: "Sun Nov  6 08:49:37 1994", days padded with a space
                String rest = text.substring(space + 1).strip().replaceAll(" +", " ");
                return LocalDateTime.parse(rest, ASCTIME).toInstant(ZoneOffset.UTC).toEpochMilli();
            }
        } catch (DateTimeException e) {
            return NONE;
        }
        return NONE;
    }

    private static DateTimeFormatter date(String pattern) {
        return new DateTimeFormatterBuilder().parseCaseInsensitive().appendPattern(pattern)
                .optionalStart().appendLiteral(" GMT").optionalEnd().toFormatter(Locale.US);
    }
}
