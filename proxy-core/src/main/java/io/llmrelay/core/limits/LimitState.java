package io.llmrelay.core.limits;

import io.llmrelay.core.config.SecurityConfig.KeyLimits;

/**
 * The limits of one subject (the whole proxy, one client address, one key) with their state: a
 * {@link RequestBucket} when {@code rps} is set, a {@link ConcurrencyCap} when {@code concurrent} is
 * set (or an uncapped counter when only tokens are limited: a request out keeps the state alive), a
 * {@link TokenBucket} when {@code tokens_per_minute} is set. {@link #retired} marks a state that a
 * sweep is taking out of its map (see {@link LimitStates}).
 */
final class LimitState {

    final Scope scope;
    /** what it was built from: a key whose limits changed (a reload) gets a new state */
    final KeyLimits spec;
    final RequestBucket requests;
    final ConcurrencyCap slots;
    final TokenBucket tokens;
    volatile boolean retired;

    LimitState(Scope scope, KeyLimits spec, long now) {
        this.scope = scope;
        this.spec = spec;
        this.requests = spec.rps() > 0 ? new RequestBucket(spec.rps(), bucketSize(spec), now) : null;
        this.tokens = spec.tokensPerMinute() > 0 ? new TokenBucket(spec.tokensPerMinute(), now) : null;
        this.slots = spec.concurrent() > 0 ? new ConcurrencyCap(spec.concurrent())
                : tokens != null ? new ConcurrencyCap(ConcurrencyCap.UNCAPPED) : null;
    }

    /** {@code burst}, or one second's worth of requests ({@code SecurityConfig.RateLimit.bucketSize()}). */
    static int bucketSize(KeyLimits spec) {
        return spec.burst() > 0 ? spec.burst() : Math.max(1, spec.rps());
    }

    /** True when any limit is set. */
    static boolean active(KeyLimits spec) {
        return spec.rps() > 0 || spec.concurrent() > 0 || spec.tokensPerMinute() > 0;
    }

    /** Full buckets and nothing in flight: a new state would be the same, so this one can go. */
    boolean idle(long now) {
        return (requests == null || requests.full(now)) && (slots == null || slots.inFlight() == 0)
                && (tokens == null || tokens.full(now));
    }

    /** Gives back everything a check took here: its request and its slot. */
    void giveBack() {
        if (requests != null) {
            requests.giveBack();
        }
        if (slots != null) {
            slots.giveBack();
        }
    }
}
