package io.llmrelay.bench.floor;

import io.llmrelay.bench.NettyTransport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * A minimal HTTP/1.1 reverse proxy on one event loop, built from the same Netty parts as llm-relay
 * and with its codec limits: the floor under llm-relay's CPU per request (see {@link FloorCommand}).
 */
final class FloorProxy implements AutoCloseable {

    private final EventLoopGroup group;
    private final Channel channel;

    private FloorProxy(EventLoopGroup group, Channel channel) {
        this.group = group;
        this.channel = channel;
    }

    static FloorProxy start(String host, int port, String backendHost, int backendPort) throws InterruptedException {
        EventLoopGroup group = NettyTransport.group(1, "floor");
        Bootstrap backend = new Bootstrap()
                .channel(NettyTransport.socketChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .remoteAddress(new InetSocketAddress(backendHost, backendPort));
        try {
            Channel ch = NettyTransport.server(group)
                    .childOption(ChannelOption.AUTO_READ, false) // read once the backend connection is up
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            // llm-relay's default limits: an 8 KB target (+ 64 for method and version), 32 KB of headers
                            ch.pipeline().addLast(new HttpServerCodec(8192 + 64, 32 * 1024, 16 * 1024),
                                    new FloorFrontHandler(backend));
                        }
                    })
                    .bind(new InetSocketAddress(host, port)).sync().channel();
            return new FloorProxy(group, ch);
        } catch (InterruptedException | RuntimeException e) {
            group.shutdownGracefully();
            throw e;
        }
    }

    int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    void awaitClose() throws InterruptedException {
        channel.closeFuture().await();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
