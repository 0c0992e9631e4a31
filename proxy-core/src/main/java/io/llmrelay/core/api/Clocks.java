package io.llmrelay.core.api;

import java.time.Clock;
import java.util.function.LongSupplier;

/**
 * The two clocks a translation reads: wall time for {@code created_at} and a monotonic clock for
 * durations. Injected so tests can pin both.
 */
public record Clocks(Clock wall, LongSupplier nanos) {

    public static final Clocks SYSTEM = new Clocks(Clock.systemUTC(), System::nanoTime);

    public long nanoTime() {
        return nanos.getAsLong();
    }
}
