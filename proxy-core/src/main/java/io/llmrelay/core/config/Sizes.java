package io.llmrelay.core.config;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sizes as users write them: {@code 64KiB}, {@code 10MiB}, {@code 1GiB} (powers of 1024), {@code 500KB},
 * {@code 10MB} (powers of 1000), {@code 512B} or plain bytes ({@code 65536}); units in any case.
 */
public final class Sizes {

    private static final Pattern FORM = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmgt]i?b|b)?");

    private Sizes() {}

    /** Parses {@code text} to bytes; {@code what} names the setting in the error. */
    public static long parse(String what, String text) {
        Matcher m = FORM.matcher(text == null ? "" : text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException(what + " must be a size such as 64KiB, 10MiB, 1GiB, 500KB or 65536 "
                    + "(bytes), not '" + text + "'");
        }
        BigDecimal bytes = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unit(m.group(2))));
        try {
            return bytes.longValueExact();
        } catch (ArithmeticException e) {
            // a fraction of a byte, or more bytes than a long holds: neither is a size anyone means
            throw new IllegalArgumentException(what + " must be a whole number of bytes, not '" + text + "'");
        }
    }

    private static long unit(String unit) {
        if (unit == null || unit.equals("b")) {
            return 1;
        }
        long base = unit.contains("i") ? 1024 : 1000;
        int power = "kmgt".indexOf(unit.charAt(0)) + 1;
        long out = 1;
        for (int i = 0; i < power; i++) {
            out *= base;
        }
        return out;
    }
}
