package io.llmrelay.server.http;

import io.llmrelay.core.api.Clocks;
import io.llmrelay.core.config.RelayConfig;
import io.llmrelay.core.config.SecurityConfig;
import io.llmrelay.core.metrics.RelayMetrics;
import io.llmrelay.server.runtime.PipelineNames;
import io.llmrelay.server.runtime.ReadClock;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The client pipeline: HTTP/1.1 codec (request line and header limits: 414, 431) → idle timeout → request
 * body cap (413) → the exchange handler, which pulls one request at a time (auto-read is off) and
 * keeps the connection alive or closes it after an answer (no keep-alive handler: its header checks
 * on every message were work the exchange already does). Responses are written chunk by chunk;
 * nothing on the response path aggregates or compresses.
 */
public final class ServerInitializer extends ChannelInitializer<SocketChannel> {

    private final RelayConfig config;
    private final Clocks clocks;
    private final Supplier<ChannelHandler> requestHandlers;
    private final ChannelGroup clients;
    private final RelayMetrics metrics;

    /** {@code requestHandlers} makes the last handler of each connection: the one that answers its requests. */
    public ServerInitializer(RelayConfig config, Clocks clocks, Supplier<ChannelHandler> requestHandlers,
            ChannelGroup clients, RelayMetrics metrics) {
        this.config = config;
        this.clocks = clocks;
        this.requestHandlers = requestHandlers;
        this.clients = clients;
        this.metrics = metrics;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        clients.add(ch);
        ch.config().setRecvByteBufAllocator(new ReadClock(clocks));
        ChannelPipeline p = ch.pipeline();
        addHttp(p);
        addTimeouts(p);
        addRequestHandling(p);
    }

    private void addHttp(ChannelPipeline p) {
        SecurityConfig.RequestLimits limits = config.security().limits().request();
        // the codec's line limit covers the whole request line: room for the method and version beside the target
        p.addLast(PipelineNames.HTTP_CODEC, new HttpServerCodec(limits.maxUriBytes() + 64, limits.maxHeaderBytes(),
                16 * 1024));
    }

    private void addTimeouts(ChannelPipeline p) {
        long idle = config.timeouts().clientIdle().toMillis();
        // reads only: a watch on writes would add a listener to every write; the exchange handler
        // restarts the clock when an answer ends, so the idle time counts from then
        p.addLast(PipelineNames.CLIENT_IDLE, new IdleStateHandler(idle, 0, 0, TimeUnit.MILLISECONDS));
    }

    private void addRequestHandling(ChannelPipeline p) {
        p.addLast(PipelineNames.BODY_LIMIT, new RequestBodyLimit(config.maxRequestBytes(), metrics::refused));
        p.addLast(PipelineNames.EXCHANGE, requestHandlers.get());
    }
}
