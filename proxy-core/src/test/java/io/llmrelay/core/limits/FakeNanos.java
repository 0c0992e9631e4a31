package io.llmrelay.core.limits;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/** A nano clock that moves only when a test says so; starts near the wrap-around, as nanoTime may. */
final class FakeNanos implements LongSupplier {

    static final long START = Long.MAX_VALUE - 30_000_000_000L;

    private final AtomicLong now = new AtomicLong(START);

    @Override
    public long getAsLong() {
        return now.get();
    }

    void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    void advanceMillis(long ms) {
        advance(Duration.ofMillis(ms));
    }
}
