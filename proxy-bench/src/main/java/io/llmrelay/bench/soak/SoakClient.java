package io.llmrelay.bench.soak;

import io.llmrelay.bench.NettyTransport;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The soak's clients: a closed loop of {@code concurrency} slots on one event loop, each sending
 * its next request as soon as the previous one ended, over a keep-alive connection (a new one when
 * the last was closed, by either side). Each answer is read whole, however it ends: to its last
 * byte, to the connection's close, to the client's own walking away ({@link SoakRequest#disconnect()}),
 * or to the deadline, past which it counts as hung.
 *
 * <p>Everything runs on the one loop: plain fields, no locks. The reader releases every message it
 * is given once its bytes are copied.
 */
final class SoakClient {

    /** Beyond this an answer is not kept (a 17 MiB oversize event passed through fits). */
    private static final int MAX_BODY = 64 << 20;

    /**
     * How one request ended.
     *
     * @param answer what came back (null when nothing could be read: no connection, or the client's own ending)
     * @param ending {@link Outcome#DISCONNECTED}, {@link Outcome#HUNG}, or {@link Outcome#MALFORMED} for a
     *     transport failure of the client's own; null: judge {@code answer}
     * @param note what the ending was about, or for an answer which connection carried it, for a report
     */
    record Finished(SoakRequest request, Answer answer, Outcome ending, String note, long sentNanos, long endedNanos) {}

    private final EventLoop loop;
    private final InetSocketAddress proxy;
    private final long deadlineNanos;
    private final Bootstrap bootstrap;

    // ---- confined to the loop
    private Supplier<SoakRequest> source;
    private Consumer<Finished> sink;
    private int running;
    private CompletableFuture<Void> done;

    // ---- written on the loop only; read by the progress printer
    private volatile long ended;

    SoakClient(EventLoop loop, InetSocketAddress proxy, long deadlineNanos) {
        this.loop = loop;
        this.proxy = proxy;
        this.deadlineNanos = deadlineNanos;
        this.bootstrap = new Bootstrap()
                .group(loop)
                .channel(NettyTransport.socketChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5_000)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpClientCodec());
                    }
                });
    }

    /**
     * Sends what {@code source} gives (null: no more) over {@code concurrency} slots and hands each
     * ending to {@code sink}, on the loop. Completes when every slot has run dry.
     */
    CompletableFuture<Void> run(int concurrency, Supplier<SoakRequest> source, Consumer<Finished> sink) {
        CompletableFuture<Void> finished = new CompletableFuture<>();
        loop.execute(() -> {
            this.source = source;
            this.sink = sink;
            this.done = finished;
            running = concurrency;
            for (int i = 0; i < concurrency; i++) {
                new Slot().next();
            }
        });
        return finished;
    }

    long ended() {
        return ended;
    }

    private void slotDone() {
        if (--running == 0) {
            done.complete(null);
        }
    }

    /** One client: one request at a time, on its own connection. */
    private final class Slot {
        private Channel channel;
        private boolean keepAlive;
        // the request under way
        private SoakRequest request;
        private boolean active;
        private long sentAt;
        private int status;
        private String contentType;
        private long contentLength;
        private String backend;
        private int attempts;
        private String requestId;
        private ByteArrayOutputStream body;
        private boolean tooLarge;
        private int pieces;
        private ScheduledFuture<?> deadline;
        private ScheduledFuture<?> dropTimer;
        private boolean reused;

        void next() {
            SoakRequest r = source.get();
            if (r == null) {
                if (channel != null) {
                    channel.close();
                    channel = null;
                }
                slotDone();
                return;
            }
            begin(r);
        }

        private void begin(SoakRequest r) {
            request = r;
            active = true;
            sentAt = System.nanoTime();
            status = 0;
            contentType = null;
            contentLength = -1;
            backend = null;
            attempts = 0;
            requestId = null;
            body = new ByteArrayOutputStream(1024);
            tooLarge = false;
            pieces = 0;
            deadline = loop.schedule(this::hung, deadlineNanos, TimeUnit.NANOSECONDS);
            if (r.disconnect() != null && r.disconnect().timed()) {
                dropTimer = loop.schedule(this::drop, r.disconnect().afterMillis(), TimeUnit.MILLISECONDS);
            }
            reused = channel != null && channel.isActive() && keepAlive;
            if (reused) {
                write();
                return;
            }
            if (channel != null) {
                channel.close();
                channel = null;
            }
            SoakRequest connecting = r;
            bootstrap.connect(proxy).addListener((ChannelFuture f) -> {
                if (!active || request != connecting) {
                    f.channel().close(); // it ended (hung, dropped) while connecting
                    return;
                }
                if (!f.isSuccess()) {
                    end(null, Outcome.MALFORMED, "could not connect to the proxy: " + f.cause());
                    return;
                }
                channel = f.channel();
                channel.pipeline().addLast(new Reader(this, channel));
                write();
            });
        }

        private void write() {
            byte[] bytes = request.body();
            FullHttpRequest http = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, request.kind().path,
                    Unpooled.wrappedBuffer(bytes));
            http.headers().set(HttpHeaderNames.HOST, proxy.getHostString() + ":" + proxy.getPort())
                    .set(HttpHeaderNames.USER_AGENT, "llm-relay-soak")
                    .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
            // a write that fails closes the channel: the reader then ends the request as closed
            channel.writeAndFlush(http).addListener(f -> {
                if (!f.isSuccess()) {
                    ((ChannelFuture) f).channel().close();
                }
            });
        }

        void head(HttpResponse head) {
            status = head.status().code();
            contentType = head.headers().get(HttpHeaderNames.CONTENT_TYPE);
            contentLength = HttpUtil.getContentLength(head, -1L);
            backend = head.headers().get("X-Relay-Backend");
            attempts = head.headers().getInt("X-Relay-Attempts", 0);
            requestId = head.headers().get("X-Request-Id");
            keepAlive = HttpUtil.isKeepAlive(head);
            if (head.decoderResult().isFailure()) {
                end(null, Outcome.MALFORMED, "an answer head that does not decode: " + head.decoderResult().cause());
                return;
            }
            dropAfter(0);
        }

        void content(HttpContent content) {
            ByteBuf buf = content.content();
            if (!tooLarge && body.size() + buf.readableBytes() <= MAX_BODY) {
                body.writeBytes(ByteBufUtil.getBytes(buf));
            } else {
                tooLarge = true;
            }
            if (content instanceof LastHttpContent) {
                answered(content.decoderResult().isSuccess());
                return;
            }
            dropAfter(++pieces);
        }

        /** The connection closed under a request still under way. */
        void closed() {
            answered(false);
        }

        private void answered(boolean complete) {
            if (tooLarge) {
                end(null, Outcome.MALFORMED, "an answer over " + (MAX_BODY >> 20) + " MiB");
                return;
            }
            end(new Answer(status, contentType, contentLength, complete, body.toByteArray(), backend, attempts,
                    requestId), null,
                    reused ? "on a kept-alive connection" : "on a new connection");
        }

        private void dropAfter(int piecesSoFar) {
            SoakRequest.Disconnect plan = request.disconnect();
            if (plan != null && !plan.timed() && plan.afterPieces() == piecesSoFar) {
                drop();
            }
        }

        /** The client walks away. */
        private void drop() {
            if (active) {
                end(null, Outcome.DISCONNECTED, null);
            }
        }

        private void hung() {
            if (active) {
                end(null, Outcome.HUNG, "no complete answer after " + TimeUnit.NANOSECONDS.toSeconds(deadlineNanos)
                        + " s (" + (status == 0 ? "no head" : "status " + status + ", " + body.size() + " bytes")
                        + (backend == null ? "" : ", from " + backend) + ")");
            }
        }

        private void end(Answer answer, Outcome ending, String note) {
            active = false;
            deadline.cancel(false);
            if (dropTimer != null) {
                dropTimer.cancel(false);
                dropTimer = null;
            }
            boolean reusable = answer != null && answer.complete() && keepAlive && channel != null && channel.isActive();
            if (!reusable && channel != null) {
                channel.close();
                channel = null;
            }
            ended++;
            sink.accept(new Finished(request, answer, ending, note, sentAt, System.nanoTime()));
            body = null;
            loop.execute(this::next); // not from inside the reader's call stack
        }

        boolean reads(Channel ch) {
            return active && ch == channel;
        }
    }

    /** Hands one connection's answer to its slot; releases every message it reads. Runs on the loop. */
    private static final class Reader extends ChannelInboundHandlerAdapter {
        private final Slot slot;
        private final Channel channel;

        Reader(Slot slot, Channel channel) {
            this.slot = slot;
            this.channel = channel;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof HttpResponse head && slot.reads(channel)) {
                    slot.head(head);
                }
                if (msg instanceof HttpContent content && slot.reads(channel)) {
                    slot.content(content);
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (slot.reads(channel)) {
                slot.closed();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // a reset: the close ends the request
        }
    }
}
