package io.llmrelay.server.exchange;

import io.llmrelay.core.api.ClientApi;
import io.llmrelay.server.runtime.ReadClock;
import io.llmrelay.server.http.LingeringClose;
import io.llmrelay.server.http.Routes;
import io.llmrelay.core.api.ErrorBodies;
import io.llmrelay.core.metrics.Refusal;
import io.llmrelay.core.translate.ContentTypes;
import io.llmrelay.core.security.RecentKey;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of a client connection: turns each aggregated request into an {@link Exchange}
 * and hands it to the {@link Dispatcher}. One instance per connection; runs on the connection's
 * event loop, so its fields need no synchronisation.
 *
 * <p>Takes ownership of every {@code FullHttpRequest} it receives (the exchange releases it);
 * releases anything else. Reads are pulled (auto-read is off): while an exchange runs, one read
 * stays pending so a client that leaves is noticed at once; requests it brings (pipelining) wait
 * in a queue, and no further read is made until that queue is empty again. One socket read can
 * hold several pipelined requests, so the queue is the flow control: no extra handler is needed.
 *
 * <p>Stopping ({@link ShutdownEvent}): on {@code DRAIN} an idle connection closes at once; a busy one
 * answers the requests it has already read, the last answer saying {@code Connection: close}, then
 * closes. On {@code CUT} the running answer ends with an error, queued requests are released, and
 * the connection closes. A connection that opens while the proxy drains closes at once.
 */
public final class ExchangeHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(ExchangeHandler.class);

    private final ExchangeContext context;
    private final Dispatcher dispatcher;
    private final ArrayDeque<FullHttpRequest> queued = new ArrayDeque<>(2);
    /** The key this connection presented last, so its next request's key need not be hashed again. */
    final RecentKey recentKey = new RecentKey();
    private ChannelHandlerContext ctx;
    private IdleStateHandler idleWatch;
    private Exchange current;
    private boolean dispatching;
    /** The proxy is draining: answer what was read, then close. */
    private boolean closing;
    /** The drain is over: nothing more is answered. */
    private boolean cut;
    /** The connection closes once its writes are out: nothing more is read or answered. */
    private boolean closeScheduled;

    public ExchangeHandler(ExchangeContext context, Dispatcher dispatcher) {
        this.context = context;
        this.dispatcher = dispatcher;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.idleWatch = ctx.pipeline().get(IdleStateHandler.class);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.fireChannelActive();
        if (context.draining().isOn()) {
            // accepted just before the listening socket closed, after the drain's notice went out:
            // nothing was read from it yet, so it is an idle connection and closes like one
            closing = true;
            ctx.close();
            return;
        }
        ctx.read();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        FullHttpRequest request = (FullHttpRequest) msg;
        if (closeScheduled || LingeringClose.lingering(ctx.channel())) {
            request.release(); // sent after this connection's last answer: the client retries elsewhere
            return;
        }
        if (request.decoderResult().isFailure()) {
            rejectMalformed(request);
            return;
        }
        int maxHeaders = context.config().security().limits().request().maxHeaders();
        if (request.headers().size() > maxHeaders) {
            reject(request, 431, Refusal.TOO_MANY_HEADERS, "request has " + request.headers().size()
                    + " header lines; the limit is " + maxHeaders);
            return;
        }
        queued.add(request);
        if (current == null) {
            dispatchQueued();
        }
    }

    /** Called by an exchange when its answer is complete. */
    void exchangeDone(Exchange exchange) {
        if (current == exchange) {
            current = null;
        }
        if (idleWatch != null) {
            idleWatch.resetReadTimeout(); // a keep-alive connection is idle from the end of its last answer
        }
        if (exchange.closesConnection() || closing && (cut || queued.isEmpty())) {
            closeAfterWrites();
            return;
        }
        if (!dispatching) {
            dispatchQueued();
        }
    }

    private void dispatchQueued() {
        dispatching = true;
        try {
            FullHttpRequest next;
            while (current == null && (next = queued.poll()) != null) {
                long start = ReadClock.of(ctx.channel()).claim(context.clocks());
                Exchange exchange = newExchange(next, start);
                current = exchange;
                exchange.enterAt(start);
                try {
                    dispatcher.dispatch(exchange);
                } finally {
                    exchange.exit();
                }
            }
        } finally {
            dispatching = false;
        }
        if (queued.isEmpty() && ctx.channel().isActive() && !closeScheduled) {
            ctx.read();
        }
    }

    /**
     * Whether an answer whose head goes out now is this connection's last: the proxy drains and no
     * request read from the client waits behind it. Its head then says {@code Connection: close}.
     */
    boolean answerEndsConnection() {
        return closing && queued.isEmpty();
    }

    private Exchange newExchange(FullHttpRequest request, long startNanos) {
        String given = request.headers().get(Exchange.X_REQUEST_ID);
        String id = given != null && !given.isBlank() && given.length() <= 200 ? given : newRequestId();
        String path = Routes.pathOf(request.uri());
        ClientApi api = Routes.apiOf(path);
        return new Exchange(ctx, request, this, context, id, path, api, startNanos);
    }

    /** A request the codec could not parse: answer in the caller's shape, then close (the stream is lost). */
    private void rejectMalformed(FullHttpRequest request) {
        Throwable cause = request.decoderResult().cause();
        if (cause instanceof TooLongHttpHeaderException) {
            reject(request, 431, Refusal.HEADERS_TOO_LARGE, "request header lines are too large: the limit is "
                    + context.config().security().limits().request().maxHeaderBytes() + " bytes");
        } else if (cause instanceof TooLongHttpLineException) {
            reject(request, 414, Refusal.URI_TOO_LONG, "request target is too long: the limit is "
                    + context.config().security().limits().request().maxUriBytes() + " bytes");
        } else {
            reject(request, 400, Refusal.MALFORMED_HTTP,
                    "malformed HTTP request: " + (cause == null ? "unknown error" : cause.getMessage()));
        }
    }

    /**
     * Refuses a request before it becomes an exchange: the answer in the caller's shape, counted, then
     * the connection closed (what follows on it cannot be trusted to be a request), lingering so the
     * answer is not lost to a reset while the client still sends.
     */
    private void reject(FullHttpRequest request, int status, Refusal why, String message) {
        String uri = request.uri();
        request.release();
        closeScheduled = true; // requests already decoded behind it are dropped, not answered
        context.metrics().refused(why);
        ByteBuf body = ErrorBodies.body(ctx.alloc(), Routes.apiOf(uri == null ? "" : uri), status, message);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status), body);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, ContentTypes.JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes())
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        LingeringClose.refuse(ctx, response);
    }

    private void closeAfterWrites() {
        closeScheduled = true;
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    /** A random UUID; ThreadLocalRandom, since SecureRandom is slow and shared by every loop. */
    private static String newRequestId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long msb = (random.nextLong() & ~0xF000L) | 0x4000L; // version 4
        long lsb = (random.nextLong() & ~(0xC000L << 48)) | (0x8000L << 48); // IETF variant
        return new UUID(msb, lsb).toString();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (current != null) {
            current.clientWritabilityChanged();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        Exchange abandoned = current;
        current = null;
        dispatching = true; // nothing more to dispatch on a closed connection
        if (abandoned != null) {
            abandoned.clientClosed();
        }
        FullHttpRequest request;
        while ((request = queued.poll()) != null) {
            request.release();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            if (current == null) {
                ctx.close(); // an idle keep-alive connection; while an answer runs, its own timers apply
            }
            return;
        }
        if (evt == ShutdownEvent.DRAIN) {
            closing = true;
            if (current == null) {
                closeAfterWrites(); // idle: nothing was read that waits for an answer
            }
            return;
        }
        if (evt == ShutdownEvent.CUT) {
            closing = true;
            cut = true;
            FullHttpRequest request;
            while ((request = queued.poll()) != null) {
                request.release();
            }
            if (current != null) {
                current.cutOff(); // its completion closes the connection
            } else {
                closeAfterWrites();
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("client connection error: {}", cause.toString());
        ctx.close();
    }
}
