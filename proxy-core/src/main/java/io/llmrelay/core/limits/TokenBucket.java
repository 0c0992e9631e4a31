package io.llmrelay.core.limits;

import java.util.concurrent.atomic.AtomicLongFieldUpdater;

/**
 * A key's tokens per minute: a bucket of {@code perMinute} tokens refilled continuously (the whole
 * bucket in a minute). Answers are charged when they end, with the tokens the backend reported, and
 * may take it below zero: a debt the refill pays off. A request may start while the bucket holds
 * more than zero tokens.
 *
 * <p>Kept like {@link RequestBucket}, as one number: the moment the bucket is full again. The tokens
 * missing are that moment's distance from now times the refill rate, so "more than zero tokens" is
 * "full again in less than a minute". Lock-free; {@link #waitNanos} only reads.
 */
final class TokenBucket {

    static final long MINUTE = 60 * Seconds.NANOS;
    /**
     * The deepest debt kept: a day of refill. A backend reporting absurd usage cannot lock a key out
     * for longer (or overflow the clock arithmetic).
     */
    static final long MAX_DEBT = 24 * 60 * MINUTE;

    private static final AtomicLongFieldUpdater<TokenBucket> FULL_AT =
            AtomicLongFieldUpdater.newUpdater(TokenBucket.class, "fullAt");

    private final int perMinute;
    private final double nanosPerToken;
    private volatile long fullAt;

    TokenBucket(int perMinute, long now) {
        if (perMinute <= 0) {
            throw new IllegalArgumentException("tokens per minute must be positive: " + perMinute);
        }
        this.perMinute = perMinute;
        this.nanosPerToken = (double) MINUTE / perMinute;
        this.fullAt = now;
    }

    /** 0 when a request may start now (tokens left), else nanoseconds until one may. */
    long waitNanos(long now) {
        long debt = fullAt - now;
        return debt < MINUTE ? 0 : debt - MINUTE + 1;
    }

    /** Takes an answer's {@code tokens} out of the bucket (below zero if need be). */
    void charge(long tokens, long now) {
        if (tokens <= 0) {
            return;
        }
        long add = (long) Math.min((double) MAX_DEBT, tokens * nanosPerToken);
        for (;;) {
            long f = fullAt;
            long base = f - now > 0 ? f : now;
            long next = base + add;
            if (next - now > MAX_DEBT) {
                next = now + MAX_DEBT;
            }
            if (FULL_AT.compareAndSet(this, f, next)) {
                return;
            }
        }
    }

    /** Tokens in the bucket now; negative while in debt. */
    long tokens(long now) {
        long debt = fullAt - now;
        return debt <= 0 ? perMinute : (long) Math.floor(perMinute - debt / nanosPerToken);
    }

    /** Whole seconds until the bucket is full again. */
    long resetSeconds(long now) {
        return Seconds.ceil(fullAt - now);
    }

    boolean full(long now) {
        return fullAt - now <= 0;
    }

    int perMinute() {
        return perMinute;
    }
}
