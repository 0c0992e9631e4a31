package io.llmrelay.server.limits;

import io.llmrelay.core.limits.Decision;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.function.BiConsumer;

/**
 * One check sent to Redis, racing its deadline: whichever comes first settles it, once. Redis'
 * answer (on the connection's loop) becomes the decision; the deadline (on the caller's loop) answers
 * without Redis ({@link SharedRateLimits#unshared}). Either way the result completes on the caller's
 * loop. A late answer that allowed the request gives its leases straight back.
 */
final class SharedCheck implements Runnable, BiConsumer<List<Object>, Throwable> {

    private static final AtomicIntegerFieldUpdater<SharedCheck> SETTLED =
            AtomicIntegerFieldUpdater.newUpdater(SharedCheck.class, "settled");

    private final SharedRateLimits owner;
    private final EventExecutor loop;
    private final CheckCall call;
    final CompletableFuture<Decision> result = new CompletableFuture<>();
    private volatile ScheduledFuture<?> deadline;
    private volatile int settled;

    SharedCheck(SharedRateLimits owner, EventExecutor loop, CheckCall call) {
        this.owner = owner;
        this.loop = loop;
        this.call = call;
    }

    void start() {
        deadline = loop.schedule(this, SharedRateLimits.DEADLINE.toNanos(), TimeUnit.NANOSECONDS);
        owner.link().run(LimitScript.CHECK, call.keys, call.args, this);
    }

    /** The deadline passed without an answer. */
    @Override
    public void run() {
        if (SETTLED.compareAndSet(this, 0, 1)) {
            owner.health().missed();
            result.complete(owner.unshared(call.clientIp, call.key));
        }
    }

    /** Redis answered, or the command failed. */
    @Override
    public void accept(List<Object> reply, Throwable error) {
        if (!SETTLED.compareAndSet(this, 0, 1)) {
            if (error == null && reply != null && !reply.isEmpty() && Long.valueOf(1).equals(reply.get(0))
                    && call.leaseKeys.length > 0) {
                owner.giveBackLeases(call);
            }
            return;
        }
        ScheduledFuture<?> d = deadline;
        if (d != null) {
            d.cancel(false);
        }
        Decision decision = error == null ? owner.decided(reply, call) : owner.failed(error, call);
        if (loop.inEventLoop()) {
            result.complete(decision);
        } else {
            try {
                loop.execute(() -> result.complete(decision));
            } catch (RejectedExecutionException shuttingDown) {
                result.complete(decision);
            }
        }
    }
}
