package io.llmrelay.server.limits;

import io.lettuce.core.metrics.CommandLatencyRecorder;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import io.lettuce.core.resource.Transports;
import io.llmrelay.server.runtime.Transport;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Lettuce's threads. I/O runs on the proxy's own event loops ({@link ProxyLoops}) when Lettuce picks
 * the same transport as the proxy (it asks for a {@link MultiThreadIoEventLoopGroup} and opens epoll
 * or NIO channels by the same test): no extra I/O thread, and answers arrive on a loop. Otherwise
 * (e.g. {@code -Dio.lettuce.core.epoll=false} with the proxy on epoll) one I/O thread of its own,
 * since its channels could not register on loops of another transport.
 *
 * <p>Lettuce's "computation" work (its event bus, reconnect scheduling) runs on one thread of its own,
 * not on the proxy's loops: it is Lettuce's housekeeping, and the loops only ever run what the
 * proxy controls. Its command time-outs use its own timer thread. No command latency recording.
 */
final class RedisResources {

    private final ClientResources resources;
    private final DefaultEventExecutorGroup computation;
    private final boolean onProxyLoops;

    private RedisResources(ClientResources resources, DefaultEventExecutorGroup computation, boolean onProxyLoops) {
        this.resources = resources;
        this.computation = computation;
        this.onProxyLoops = onProxyLoops;
    }

    static RedisResources create(EventLoopGroup loops, Transport transport) {
        DefaultEventExecutorGroup computation = new DefaultEventExecutorGroup(1,
                new DefaultThreadFactory("relay-redis", true));
        DefaultClientResources.Builder b = DefaultClientResources.builder()
                .eventExecutorGroup(computation)
                .commandLatencyRecorder(CommandLatencyRecorder.disabled())
                // a lost connection is tried again soon, and at least every 2 s: limits are shared again
                // shortly after Redis is back
                .reconnectDelay(Delay.exponential(Duration.ofMillis(50), Duration.ofSeconds(2), 2, TimeUnit.MILLISECONDS));
        boolean share = loops instanceof MultiThreadIoEventLoopGroup
                && Transports.socketChannelClass() == transport.socketChannel;
        if (share) {
            b.eventLoopGroupProvider(new ProxyLoops(loops));
        } else {
            b.ioThreadPoolSize(1);
        }
        return new RedisResources(b.build(), computation, share);
    }

    ClientResources resources() {
        return resources;
    }

    /** True when Lettuce's I/O runs on the proxy's event loops. */
    boolean onProxyLoops() {
        return onProxyLoops;
    }

    /** Stops Lettuce's own threads (never the proxy's loops). */
    void shutdown() {
        resources.shutdown(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
        computation.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
    }
}
