package io.llmrelay.core.limits;

/** Nanoseconds as the whole seconds rate-limit headers carry. */
final class Seconds {

    static final long NANOS = 1_000_000_000L;

    private Seconds() {}

    /** {@code nanos} rounded up to whole seconds; 0 for 0 or less. */
    static long ceil(long nanos) {
        return nanos <= 0 ? 0 : (nanos - 1) / NANOS + 1;
    }

    /** What {@code Retry-After} says: {@link #ceil}, at least 1 (0 would invite an immediate retry). */
    static long retryAfter(long nanos) {
        return Math.max(1, ceil(nanos));
    }
}
