package io.llmrelay.server.http;

import io.llmrelay.core.config.RelayConfig;
import io.llmrelay.server.ReadClock;
import io.llmrelay.server.Relay;
import io.llmrelay.server.exchange.Dispatcher;
import io.llmrelay.server.exchange.ExchangeHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/**
 * The client pipeline: HTTP/1.1 codec → idle timeout → keep-alive → request body cap (413) → the
 * exchange handler, which pulls one request at a time (auto-read is off). Responses are written
 * chunk by chunk; nothing on the response path aggregates or compresses.
 */
public final class ServerInitializer extends ChannelInitializer<SocketChannel> {

    private final Relay relay;
    private final Dispatcher dispatcher;
    private final ChannelGroup clients;

    public ServerInitializer(Relay relay, Dispatcher dispatcher, ChannelGroup clients) {
        this.relay = relay;
        this.dispatcher = dispatcher;
        this.clients = clients;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        clients.add(ch);
        ch.config().setRecvByteBufAllocator(new ReadClock(relay.clocks()));
        ChannelPipeline p = ch.pipeline();
        addHttp(p);
        addTimeouts(p);
        addRequestHandling(p);
    }

    private static void addHttp(ChannelPipeline p) {
        p.addLast(PipelineNames.HTTP_CODEC, new HttpServerCodec(8192, 32 * 1024, 16 * 1024));
    }

    private void addTimeouts(ChannelPipeline p) {
        long idle = relay.config().timeouts().clientIdle().toMillis();
        // reads only: a watch on writes would add a listener to every write; the exchange handler
        // restarts the clock when an answer ends, so the idle time counts from then
        p.addLast(PipelineNames.CLIENT_IDLE, new IdleStateHandler(idle, 0, 0, TimeUnit.MILLISECONDS));
    }

    private void addRequestHandling(ChannelPipeline p) {
        RelayConfig config = relay.config();
        p.addLast(PipelineNames.KEEP_ALIVE, new HttpServerKeepAliveHandler());
        p.addLast(PipelineNames.BODY_LIMIT, new RequestBodyLimit(config.maxRequestBytes()));
        p.addLast(PipelineNames.EXCHANGE, new ExchangeHandler(relay, dispatcher));
    }
}
