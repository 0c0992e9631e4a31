package io.llmrelay.server.demo;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Writes a body one byte at a time, one per interval (the first at once), on the connection's
 * event loop, then runs what ends the answer. Each byte is its own buffer, written and released by
 * the codec; nothing else is held. Stops when cancelled or when the connection is gone.
 */
final class Drip implements Paced {

    private final ChannelHandlerContext ctx;
    private final byte[] bytes;
    private final long intervalNanos;
    private final Runnable then;
    private int next;
    private ScheduledFuture<?> timer;
    private boolean stopped;

    Drip(ChannelHandlerContext ctx, byte[] bytes, long intervalNanos, Runnable then) {
        this.ctx = ctx;
        this.bytes = bytes;
        this.intervalNanos = intervalNanos;
        this.then = then;
    }

    void start() {
        tick();
    }

    private void tick() {
        timer = null;
        if (stopped || !ctx.channel().isActive()) {
            return;
        }
        if (next < bytes.length) {
            ctx.writeAndFlush(new DefaultHttpContent(ctx.alloc().buffer(1).writeByte(bytes[next++])));
        }
        if (next < bytes.length) {
            timer = ctx.executor().schedule(this::tick, intervalNanos, TimeUnit.NANOSECONDS);
        } else {
            stopped = true;
            then.run();
        }
    }

    @Override
    public void cancel() {
        stopped = true;
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
