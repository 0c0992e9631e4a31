package io.llmrelay.server.upstream;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;

/**
 * The last handler of a backend connection. Runs on the connection's event loop, which is also the
 * loop of the client it serves.
 *
 * <p>While a call is attached, every message goes to the call, which releases it. While the
 * connection sits idle in its pool, a message is unexpected: it is released here and the connection
 * closed; a close or the pool's idle timeout takes the connection out of the pool.
 */
final class UpstreamHandler extends ChannelInboundHandlerAdapter {

    private final BackendPool pool;
    private final IdleStateHandler idleWatch;
    private UpstreamCall call;

    UpstreamHandler(BackendPool pool, IdleStateHandler idleWatch) {
        this.pool = pool;
        this.idleWatch = idleWatch;
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
                ctx.close(); // idle too long in the pool; calls keep their own timers
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }
}
