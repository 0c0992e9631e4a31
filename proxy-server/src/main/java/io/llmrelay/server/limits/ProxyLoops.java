package io.llmrelay.server.limits;

import io.lettuce.core.resource.EventLoopGroupProvider;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Hands Lettuce the proxy's own event loops for its I/O, so the Redis connection costs no thread and
 * its answers arrive on a loop like any backend's. The proxy owns the loops: Lettuce's release and
 * shutdown leave them running.
 */
final class ProxyLoops implements EventLoopGroupProvider {

    private final EventLoopGroup loops;

    ProxyLoops(EventLoopGroup loops) {
        this.loops = loops;
    }

    @Override
    public <T extends EventLoopGroup> T allocate(Class<T> type) {
        if (!type.isInstance(loops)) {
            throw new IllegalArgumentException("Lettuce asks for a " + type.getName() + "; the proxy's loops are a "
                    + loops.getClass().getName());
        }
        return type.cast(loops);
    }

    @Override
    public int threadPoolSize() {
        int n = 0;
        for (var ignored : loops) {
            n++;
        }
        return n;
    }

    @Override
    public Future<Boolean> release(EventExecutorGroup eventLoopGroup, long quietPeriod, long timeout, TimeUnit unit) {
        return ImmediateEventExecutor.INSTANCE.newSucceededFuture(true);
    }

    @Override
    public Future<Boolean> shutdown(long quietPeriod, long timeout, TimeUnit timeUnit) {
        return ImmediateEventExecutor.INSTANCE.newSucceededFuture(true);
    }
}
