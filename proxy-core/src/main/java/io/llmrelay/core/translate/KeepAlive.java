package io.llmrelay.core.translate;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrelay.core.api.RelayException;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Ollama's {@code keep_alive}: a number of seconds or a Go duration string ({@code "5m"},
 * {@code "1h30m"}, {@code "0"}); negative means keep loaded forever.
 */
public final class KeepAlive {

    /** Ollama's default when a request says nothing. */
    public static final Duration DEFAULT = Duration.ofMinutes(5);

    private static final Pattern GO_PART = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|μs|ms|s|m|h)");

    private KeepAlive() {}

    /** The duration asked for, or null when the field is absent or null; negative means forever. */
    public static Duration parse(JsonNode value) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (value.isNumber()) {
            return Duration.ofNanos((long) (value.asDouble() * 1e9));
        }
        if (value.isTextual()) {
            return parseGoDuration(value.asText());
        }
        throw RelayException.badRequest("invalid keep_alive: expected a number of seconds or a duration string such as \"5m\"");
    }

    static Duration parseGoDuration(String text) {
        String s = text.trim();
        boolean negative = s.startsWith("-");
        if (negative || s.startsWith("+")) {
            s = s.substring(1);
        }
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        if (!s.isEmpty() && s.chars().allMatch(Character::isDigit)) {
            Duration seconds = Duration.ofSeconds(Long.parseLong(s)); // lenient: bare seconds
            return negative ? seconds.negated() : seconds;
        }
        Matcher m = GO_PART.matcher(s);
        double nanos = 0;
        int at = 0;
        while (at < s.length() && m.find(at) && m.start() == at) {
            nanos += Double.parseDouble(m.group(1)) * unitNanos(m.group(2));
            at = m.end();
        }
        if (at == 0 || at != s.length()) {
            throw RelayException.badRequest("invalid keep_alive duration \"" + text + "\"");
        }
        Duration d = Duration.ofNanos((long) nanos);
        return negative ? d.negated() : d;
    }

    private static double unitNanos(String unit) {
        switch (unit) {
            case "ns": return 1;
            case "us": case "µs": case "μs": return 1e3;
            case "ms": return 1e6;
            case "s": return 1e9;
            case "m": return 60e9;
            default: return 3600e9; // "h"
        }
    }
}
