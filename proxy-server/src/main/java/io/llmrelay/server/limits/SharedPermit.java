package io.llmrelay.server.limits;

import io.llmrelay.core.limits.Permit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * What a request allowed by Redis holds: its leases (one per concurrency cap, renewed by
 * {@link Leases} while it runs) and its key's tokens bucket. Released once: the leases go
 * ({@code release.lua}; if Redis is down, they expire within a lease's lifetime). Charged: the tokens
 * go to Redis, or to the local limiter while Redis is down.
 */
final class SharedPermit implements Permit {

    private static final AtomicIntegerFieldUpdater<SharedPermit> RELEASED =
            AtomicIntegerFieldUpdater.newUpdater(SharedPermit.class, "released");

    private final SharedRateLimits owner;
    final CheckCall call;
    private volatile int released;

    SharedPermit(SharedRateLimits owner, CheckCall call) {
        this.owner = owner;
        this.call = call;
    }

    @Override
    public void release() {
        if (RELEASED.compareAndSet(this, 0, 1)) {
            owner.released(this);
        }
    }

    @Override
    public void charge(long promptTokens, long completionTokens) {
        long tokens = Math.max(0, promptTokens) + Math.max(0, completionTokens);
        if (call.tokensKey != null && tokens > 0) {
            owner.charge(call, tokens);
        }
    }

    @Override
    public String toString() {
        return "SharedPermit[" + call.member + (released != 0 ? ", released]" : "]");
    }
}
