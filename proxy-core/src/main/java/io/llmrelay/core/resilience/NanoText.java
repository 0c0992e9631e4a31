package io.llmrelay.core.resilience;

import java.util.Locale;

/** A span of nanoseconds as the reasons on {@code /internal/status} write it: {@code 350 ms}, {@code 2.5 s}. */
final class NanoText {

    private NanoText() {}

    static String of(long nanos) {
        if (nanos < 1_000_000_000L) {
            return (nanos + 999_999) / 1_000_000 + " ms";
        }
        if (nanos < 60_000_000_000L) {
            return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
        }
        return String.format(Locale.ROOT, "%.1f min", nanos / 6e10);
    }
}
