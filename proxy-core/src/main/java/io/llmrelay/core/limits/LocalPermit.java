package io.llmrelay.core.limits;

import io.llmrelay.core.security.ApiKeys.ApiKey;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * One {@link Limiter#check}'s takes: the states whose request and slot it took, in the order taken,
 * and the numbers for the headers of an allowed request. While the check runs it can give everything
 * back (a later limit refused); once the check allowed the request it is the request's
 * {@link Permit}.
 */
final class LocalPermit implements Permit {

    private static final AtomicIntegerFieldUpdater<LocalPermit> RELEASED =
            AtomicIntegerFieldUpdater.newUpdater(LocalPermit.class, "released");

    private final Limiter owner;
    private final ApiKey apiKey;
    private LimitState key;
    private LimitState ip;
    private LimitState global;
    private volatile int released;

    /** what describes the request in the headers: the request limit with the fewest left, else a cap's */
    Limit headerLimit;
    long headerValue;
    long headerRemaining;
    long headerReset;

    LocalPermit(Limiter owner, ApiKey apiKey) {
        this.owner = owner;
        this.apiKey = apiKey;
    }

    /** Keeps what a check took from {@code s}. */
    void hold(LimitState s) {
        switch (s.scope) {
            case PER_KEY -> key = s;
            case PER_IP -> ip = s;
            case GLOBAL -> global = s;
        }
    }

    /** Gives back everything held: the check refused. */
    void rollback() {
        if (key != null) {
            key.giveBack();
        }
        if (ip != null) {
            ip.giveBack();
        }
        if (global != null) {
            global.giveBack();
        }
        key = ip = global = null;
    }

    /** Offers a limit's numbers for the headers: request limits first, then caps, then tokens; fewer left wins. */
    void offer(Limit limit, long value, long remaining, long reset) {
        int rank = rank(limit);
        int held = headerLimit == null ? Integer.MAX_VALUE : rank(headerLimit);
        if (rank < held || rank == held && remaining <= headerRemaining) {
            headerLimit = limit;
            headerValue = value;
            headerRemaining = remaining;
            headerReset = reset;
        }
    }

    private static int rank(Limit limit) {
        return limit.requestRate() ? 0 : limit == Limit.PER_KEY_TOKENS ? 2 : 1;
    }

    /** True when it holds a slot to give back or a key to charge. */
    boolean holdsAnything() {
        return key != null && key.slots != null || ip != null && ip.slots != null || global != null && global.slots != null;
    }

    @Override
    public void release() {
        if (!RELEASED.compareAndSet(this, 0, 1)) {
            return;
        }
        if (key != null && key.slots != null) {
            key.slots.giveBack();
        }
        if (ip != null && ip.slots != null) {
            ip.slots.giveBack();
        }
        if (global != null && global.slots != null) {
            global.slots.giveBack();
        }
    }

    @Override
    public void charge(long promptTokens, long completionTokens) {
        LimitState k = key;
        if (k != null && k.tokens != null) {
            long tokens = Math.max(0, promptTokens) + Math.max(0, completionTokens);
            k.tokens.charge(tokens, owner.now());
            if (k.retired) {
                // charged after release() and the state was swept meanwhile: the key's live state pays
                owner.charge(apiKey, tokens);
            }
        }
    }

    @Override
    public String toString() {
        return "LocalPermit[" + (released != 0 ? "released" : "held") + "]";
    }
}
