package io.llmrelay.server.testing;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A backend that streams {@code total} SSE content events as fast as TCP lets it: it writes while
 * its socket is writable and waits otherwise, so how many events it has written shows how much the
 * path in front of it accepted. Records when a stream's connection is closed by the other side.
 */
public final class FloodBackend implements AutoCloseable {

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel server;
    private final int total;
    private final String event;
    public final AtomicInteger written = new AtomicInteger();
    public final CountDownLatch streamClosedEarly = new CountDownLatch(1);
    public final CountDownLatch streamFinished = new CountDownLatch(1);

    public FloodBackend(int total, int contentBytes) throws InterruptedException {
        this.total = total;
        this.event = "data: " + Ndjson.contentChunk("x".repeat(contentBytes)) + "\n\n";
        this.server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.SO_SNDBUF, 64 * 1024)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(16 * 1024, 32 * 1024))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20), new Handler());
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + ((InetSocketAddress) server.localAddress()).getPort() + "/v1";
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        private boolean streaming;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            if (request.uri().endsWith("/models")) {
                ctx.writeAndFlush(Responses.json(ctx, ScriptedBackend.DEFAULT_MODELS));
                return;
            }
            HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream");
            HttpUtil.setTransferEncodingChunked(head, true);
            ctx.write(head);
            streaming = true;
            pump(ctx);
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (streaming && ctx.channel().isWritable()) {
                pump(ctx);
            }
        }

        private void pump(ChannelHandlerContext ctx) {
            while (ctx.channel().isWritable() && written.get() < total) {
                ctx.write(new DefaultHttpContent(ByteBufUtil.writeAscii(ctx.alloc(), event)));
                written.incrementAndGet();
            }
            if (written.get() >= total && streaming) {
                streaming = false;
                ctx.write(new DefaultHttpContent(ByteBufUtil.writeAscii(ctx.alloc(),
                        "data: " + Ndjson.finishChunk("stop") + "\n\ndata: [DONE]\n\n")));
                ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
                streamFinished.countDown();
                return;
            }
            ctx.flush();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (streaming) {
                streamClosedEarly.countDown();
            }
            ctx.fireChannelInactive();
        }
    }
}
