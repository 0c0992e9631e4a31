package io.llmrelay.server.upstream;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The last handler of a backend connection. Runs on the connection's event loop, which is also the
 * loop of the client it serves.
 *
 * <p>While a call is attached, every message goes to the call, which releases it. While the
 * connection sits idle in its pool, a message is unexpected: it is released here and the connection
 * closed; a close or the pool's idle timeout takes the connection out of the pool. It also keeps
 * the attached calls' silence timer, one per connection rather than one per call.
 */
final class UpstreamHandler extends ChannelInboundHandlerAdapter {

    private final BackendPool pool;
    private final IdleStateHandler idleWatch;
    private final Runnable wake = this::wake;
    private UpstreamCall call;
    private ChannelHandlerContext ctx;
    /** The attached calls' silence timer (see {@link UpstreamCall#checkIdle}), due at {@link #wakeAt}. */
    private ScheduledFuture<?> timer;
    private long timerDue;

    UpstreamHandler(BackendPool pool, IdleStateHandler idleWatch) {
        this.pool = pool;
        this.idleWatch = idleWatch;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /**
     * Wakes the attached call at {@code due} ({@code now} and {@code due} on the call's nanosecond
     * clock) or sooner: a timer already due by then is kept, and moved only for an earlier time.
     */
    void wakeAt(long due, long now) {
        if (timer != null) {
            if (timerDue - due <= 0) {
                return;
            }
            timer.cancel(false);
        }
        timerDue = due;
        timer = ctx.executor().schedule(wake, Math.max(0, due - now), TimeUnit.NANOSECONDS);
    }

    private void wake() {
        timer = null;
        UpstreamCall current = call;
        if (current != null) {
            current.checkIdle();
        }
    }

    void attach(UpstreamCall call) {
        this.call = call;
    }

    /** The call is done with the connection: its time idle in the pool counts from now. */
    void detach() {
        this.call = null;
        if (idleWatch != null) {
            idleWatch.resetReadTimeout();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        UpstreamCall current = call;
        if (current != null) {
            current.onMessage(msg);
        } else {
            ReferenceCountUtil.release(msg);
            ctx.close();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        UpstreamCall current = call;
        if (current != null) {
            current.onReadComplete();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (timer != null) {
            timer.cancel(false); // a closed connection must not keep its handler scheduled for minutes
            timer = null;
        }
        UpstreamCall current = call;
        if (current != null) {
            current.onConnectionLost(null);
        } else {
            pool.idleClosed(ctx.channel());
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        UpstreamCall current = call;
        if (current != null) {
            current.onConnectionLost(cause);
        }
        ctx.close();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            if (call == null) {
                ctx.close(); // idle too long in the pool; calls are watched by the silence timer
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }
}
