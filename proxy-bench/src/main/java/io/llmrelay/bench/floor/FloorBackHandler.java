package io.llmrelay.bench.floor;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * The backend side of the floor proxy: every HTTP object of an answer is written to the client
 * (ownership passes to it) and flushed once per read, so a stream's events go out as they come;
 * released if the client is gone. Closing either side closes the other. Runs on the client
 * channel's event loop, where the backend channel was registered.
 */
final class FloorBackHandler extends ChannelInboundHandlerAdapter {

    private final Channel client;

    FloorBackHandler(Channel client) {
        this.client = client;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!client.isActive()) {
            ReferenceCountUtil.release(msg);
            return;
        }
        client.write(msg, client.voidPromise());
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        client.flush();
    }

    /** The client is read only while the backend takes writes. */
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        client.config().setAutoRead(ctx.channel().isWritable());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        client.close();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
