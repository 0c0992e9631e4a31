package io.llmrelay.bench.floor;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.util.ReferenceCountUtil;

/**
 * The client side of the floor proxy. Owns one backend connection, opened on the client channel's
 * event loop when the client connects and closed with it (a pool of one per client connection: under
 * keep-alive load, what a pool per event loop would hand out). Every HTTP object read from the client
 * is written to the backend (ownership passes to it) and flushed once per read; anything read after
 * the backend is gone is released. Runs on the client channel's event loop.
 */
final class FloorFrontHandler extends ChannelInboundHandlerAdapter {

    private final Bootstrap backends;
    private Channel backend;

    FloorFrontHandler(Bootstrap backends) {
        this.backends = backends;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        Channel client = ctx.channel();
        backends.clone(client.eventLoop())
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        // llm-relay's client codec limits
                        ch.pipeline().addLast(new HttpClientCodec(4096, 64 * 1024, 16 * 1024), new FloorBackHandler(client));
                    }
                })
                .connect()
                .addListener((ChannelFutureListener) f -> {
                    if (!f.isSuccess()) {
                        client.close();
                        return;
                    }
                    backend = f.channel();
                    client.config().setAutoRead(true);
                });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (backend == null || !backend.isActive()) {
            ReferenceCountUtil.release(msg);
            return;
        }
        backend.write(msg, backend.voidPromise());
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (backend != null) {
            backend.flush();
        }
    }

    /** The backend is read only while the client takes writes: a slow client pauses the backend. */
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (backend != null) {
            backend.config().setAutoRead(ctx.channel().isWritable());
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (backend != null) {
            backend.close();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
