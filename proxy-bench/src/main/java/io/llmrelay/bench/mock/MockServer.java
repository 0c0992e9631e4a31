package io.llmrelay.bench.mock;

import io.llmrelay.bench.NettyTransport;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A fast OpenAI-compatible mock: {@code POST /v1/chat/completions} (SSE with {@code stream:true},
 * one JSON object otherwise, both with {@code usage}), {@code GET /v1/models},
 * {@code POST /v1/embeddings}, and {@code GET /} for readiness. Profiles (time to first token,
 * events, pause, event size) come from the command line or from the model name
 * ({@link MockProfile#forModel}).
 */
public final class MockServer implements AutoCloseable {

    private final EventLoopGroup group;
    private final Channel channel;
    private final MockProfile defaults;
    private final int eventBytes;
    private final int embeddingDims;
    private final ConcurrentHashMap<String, MockProfile> profiles = new ConcurrentHashMap<>();
    private final String modelList;

    private MockServer(EventLoopGroup group, Channel channel, MockProfile defaults, int eventBytes, int embeddingDims,
            java.util.List<String> listed) {
        this.group = group;
        this.channel = channel;
        this.defaults = defaults;
        this.eventBytes = eventBytes;
        this.embeddingDims = embeddingDims;
        StringBuilder models = new StringBuilder("{\"object\":\"list\",\"data\":[").append(model("mock"))
                .append(',').append(model("mock-embed"));
        for (String id : listed) {
            models.append(',').append(model(id));
        }
        this.modelList = models.append("]}").toString();
    }

    public static MockServer start(String host, int port, int threads, long ttftNanos, int events, long delayNanos,
            int eventBytes, int embeddingDims, java.util.List<String> listed) throws InterruptedException {
        EventLoopGroup group = NettyTransport.group(threads, "mock");
        MockProfile defaults = new MockProfile("mock", ttftNanos, events, delayNanos, eventBytes);
        MockServer[] self = new MockServer[1];
        try {
            Channel ch = NettyTransport.server(group)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(16 * 1024 * 1024),
                                    new MockHandler(self[0]));
                        }
                    })
                    .bind(new InetSocketAddress(host, port)).sync().channel();
            self[0] = new MockServer(group, ch, defaults, eventBytes, embeddingDims, listed);
            return self[0];
        } catch (InterruptedException | RuntimeException e) {
            group.shutdownGracefully();
            throw e;
        }
    }

    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    MockProfile profile(String model) {
        if (model.equals("mock")) {
            return defaults;
        }
        MockProfile p = profiles.get(model);
        if (p == null) {
            p = profiles.computeIfAbsent(model, m -> MockProfile.forModel(m, defaults, eventBytes));
        }
        return p;
    }

    String modelList() {
        return modelList;
    }

    String embeddings(int inputs, String model) {
        StringBuilder b = new StringBuilder(64 + inputs * (embeddingDims * 8 + 40));
        b.append("{\"object\":\"list\",\"data\":[");
        for (int i = 0; i < inputs; i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append("{\"object\":\"embedding\",\"index\":").append(i).append(",\"embedding\":[");
            for (int d = 0; d < embeddingDims; d++) {
                if (d > 0) {
                    b.append(',');
                }
                b.append(d % 2 == 0 ? "0.125" : "-0.25");
            }
            b.append("]}");
        }
        b.append("],\"model\":\"").append(model).append("\",\"usage\":{\"prompt_tokens\":").append(inputs * 4)
                .append(",\"total_tokens\":").append(inputs * 4).append("}}");
        return b.toString();
    }

    private static String model(String id) {
        return "{\"id\":\"" + id + "\",\"object\":\"model\",\"created\":1732000000,\"owned_by\":\"mock\",\"max_model_len\":32768}";
    }

    public void awaitClose() throws InterruptedException {
        channel.closeFuture().await();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        defaults.release();
        profiles.values().forEach(MockProfile::release);
    }
}
