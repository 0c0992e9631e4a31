package io.llmrelay.testing;

import io.llmrelay.core.api.Clocks;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A nano clock (and a wall clock that moves with it) that only moves when a test says so; read from any
 * thread. Shared by every module's tests (the test jar of proxy-core).
 */
public final class FakeClock implements LongSupplier {

    /** Not zero, and near the wrap-around, so code that compares readings by subtraction is tested for it. */
    public static final long START = Long.MAX_VALUE - 30_000_000_000L;
    public static final Instant WALL_START = Instant.parse("2025-06-01T12:00:00Z");

    private final AtomicLong now = new AtomicLong(START);

    @Override
    public long getAsLong() {
        return now.get();
    }

    public void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    public void advanceMillis(long ms) {
        advance(Duration.ofMillis(ms));
    }

    public Clocks clocks() {
        return new Clocks(new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Instant instant() {
                return WALL_START.plusNanos(now.get() - START);
            }
        }, this);
    }
}
