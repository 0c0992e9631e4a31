package io.llmrelay.bench.load;

import io.llmrelay.bench.NettyTransport;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Recorder;

/**
 * One load run, open loop or closed loop.
 *
 * <p><b>Open loop</b> ({@link #start}): request {@code i} is due at {@code t0 + i / rate}, whatever
 * happened to the requests before it. A due request goes out on an idle keep-alive connection, or on
 * a new one when all are busy; a response is never waited for before the next send. Every latency is
 * measured from the request's <em>intended</em> send time (so a stall anywhere, the generator's
 * included, shows in the percentiles instead of being omitted).
 *
 * <p><b>Closed loop</b> ({@link #startClosed}): a fixed number of connections, each sending its next
 * request as soon as the previous answer has ended (as {@code wrk -c N} does): the rate is whatever
 * the target carries, which is what a saturation test wants; latency is then from the actual send.
 *
 * <p>Latencies go into HdrHistogram {@link Recorder}s, which the main thread drains for logs and totals.
 *
 * <p>All connection state is confined to one event loop: plain fields, no locks. Each response
 * message is released as soon as it has been looked at.
 */
final class OpenLoopRun {

    static final String OVERHEAD_HEADER = "X-Relay-Overhead-Us";

    final Recorder headers = recorder();
    final Recorder firstByte = recorder();
    final Recorder firstToken = recorder();
    final Recorder total = recorder();
    final Recorder gap = recorder();
    final Recorder sendLag = recorder();
    final Recorder overhead = recorder();

    private final Target target;
    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final long timeoutNanos;
    private final int maxConnections;

    // ---- confined to the loop
    private final ArrayDeque<Conn> idle = new ArrayDeque<>();
    private final ArrayDeque<long[]> backlog = new ArrayDeque<>(); // {intended, measured 0/1}: no connection free yet
    private long t0;
    private double rate;
    private double rampStartRate;
    private double rampNanos;
    private long count;
    private long warmupCount;
    private long nextIndex;
    private int open;
    private int maxOpen;
    private long outstanding;
    private boolean sendingDone;
    private final CompletableFuture<Void> finished = new CompletableFuture<>();
    // closed loop
    private boolean closedLoop;
    private long closedWindowStart;
    private long closedEnd;

    // ---- counters of measured requests (written on the loop, read after the run or via the loop)
    long completed;
    long errors;
    long timeouts;
    long connectErrors;
    long httpErrors;
    long closedEarly;
    long connectionsOpened;
    long events;          // stream lines received (measured and not): for rates over a window
    long measuredEvents;  // stream lines of measured requests
    long bodyBytes;
    // ---- counters of every request, warm-up included (for window differences and log-line checks)
    long sentAll;         // requests written to a connection (every one of them reached the target)
    long okAll;           // complete answers with a status below 400
    long failedAll;       // http errors, timeouts, connections closed mid-answer, failed connects

    OpenLoopRun(Target target, EventLoop loop, long timeoutNanos, int maxConnections) {
        this.target = target;
        this.loop = loop;
        this.timeoutNanos = timeoutNanos;
        this.maxConnections = maxConnections;
        this.bootstrap = new Bootstrap()
                .group(loop)
                .channel(NettyTransport.socketChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpClientCodec(), new Conn());
                    }
                });
    }

    private static Recorder recorder() {
        return new Recorder(3); // auto-resizing, 3 significant digits, values in ns
    }

    /** Requests sent while the rate ramps linearly from a tenth of {@code rate} to {@code rate} over {@code seconds}. */
    static long rampCount(double rate, double seconds) {
        return (long) Math.floor(seconds * (rate + rate / 10) / 2);
    }

    /**
     * Starts sending from {@code startNanos}: first the warm-up, whose rate ramps linearly from a
     * tenth of {@code rate} to {@code rate} over {@code warmupSeconds} (so cold JITs on either side
     * do not snowball into thousands of new connections), then {@code measuredCount} requests at a
     * constant {@code rate}. The future completes when every request has completed, failed or timed
     * out.
     */
    CompletableFuture<Void> start(long startNanos, double rate, double warmupSeconds, long measuredCount,
            int preconnect) {
        loop.execute(() -> {
            t0 = startNanos;
            this.rate = rate;
            rampStartRate = rate / 10;
            rampNanos = warmupSeconds * 1e9;
            warmupCount = rampCount(rate, warmupSeconds);
            count = warmupCount + measuredCount;
            for (int i = 0; i < preconnect && open < maxConnections; i++) {
                preconnect();
            }
            tick();
        });
        return finished;
    }

    /** The intended send time of request {@code i}. */
    private long intended(long i) {
        if (i < warmupCount) { // solve i = r0 t + (r - r0) t^2 / (2 T) for t
            double a = (rate - rampStartRate) / (2 * rampNanos / 1e9);
            double t = a == 0 ? i / rampStartRate
                    : (-rampStartRate + Math.sqrt(rampStartRate * rampStartRate + 4 * a * i)) / (2 * a);
            return t0 + (long) (t * 1e9);
        }
        return t0 + (long) (rampNanos + (i - warmupCount) * 1e9 / rate);
    }

    /**
     * Starts a closed loop at {@code startNanos}: {@code connections} connections, each sending its
     * next request as soon as the previous answer has ended, until {@code endNanos}. Requests sent from
     * {@code windowStartNanos} on are the measured ones. The future completes when the last answer
     * after {@code endNanos} has ended (or failed, or timed out).
     */
    CompletableFuture<Void> startClosed(long startNanos, long windowStartNanos, long endNanos, int connections) {
        loop.execute(() -> {
            closedLoop = true;
            closedWindowStart = windowStartNanos;
            closedEnd = endNanos;
            loop.schedule(() -> {
                for (int i = 0; i < connections; i++) {
                    closedNext(null);
                }
            }, Math.max(0, startNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
            loop.schedule(() -> {
                sendingDone = true;
                checkFinished();
            }, Math.max(0, endNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        });
        return finished;
    }

    /** Closed loop: the next request, on {@code c} or (null) on a new connection; none once the time is up. */
    private void closedNext(Conn c) {
        long now = System.nanoTime();
        if (sendingDone || now >= closedEnd) {
            if (c != null) {
                idle.addLast(c);
            }
            return;
        }
        outstanding++;
        boolean measured = now >= closedWindowStart;
        if (c != null) {
            c.start(now, measured);
        } else if (open < maxConnections) {
            connect(now, measured);
        } else {
            outstanding--;
        }
    }

    /** Opens an idle connection ahead of the first requests. */
    private void preconnect() {
        open++;
        maxOpen = Math.max(maxOpen, open);
        connectionsOpened++;
        bootstrap.connect(target.address).addListener((ChannelFuture done) -> {
            if (done.isSuccess()) {
                free(done.channel().pipeline().get(Conn.class));
            } else {
                open--;
            }
        });
    }

    /** Reads a counter on the loop (the main thread's window snapshots). */
    <T> T onLoop(java.util.concurrent.Callable<T> read) {
        try {
            return loop.submit(read).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    long events() {
        return events;
    }

    long okAll() {
        return okAll;
    }

    int maxOpen() {
        return maxOpen;
    }

    /** Closes every connection; call after the run finished. */
    void close() {
        Future<?> f = loop.submit(() -> {
            for (Conn c : idle) {
                c.channel.close();
            }
            idle.clear();
        });
        f.syncUninterruptibly();
    }

    // ---- sending

    private void tick() {
        long now = System.nanoTime();
        while (nextIndex < count) {
            long intended = intended(nextIndex);
            if (intended > now) {
                loop.schedule(this::tick, intended - now, TimeUnit.NANOSECONDS);
                return;
            }
            outstanding++;
            send(intended, nextIndex >= warmupCount);
            nextIndex++;
        }
        sendingDone = true;
        checkFinished();
    }

    private void send(long intended, boolean measured) {
        Conn c = idle.pollLast(); // LIFO: the warmest connection
        if (c != null) {
            c.start(intended, measured);
        } else if (open < maxConnections) {
            connect(intended, measured);
        } else {
            backlog.add(new long[] {intended, measured ? 1 : 0});
        }
    }

    private void connect(long intended, boolean measured) {
        open++;
        maxOpen = Math.max(maxOpen, open);
        connectionsOpened++;
        ChannelFuture f = bootstrap.connect(target.address);
        f.addListener((ChannelFuture done) -> {
            if (done.isSuccess()) {
                done.channel().pipeline().get(Conn.class).start(intended, measured);
            } else {
                open--;
                failedAll++;
                if (measured) {
                    connectErrors++;
                    errors++;
                }
                requestDone();
                if (closedLoop) { // the loop keeps its connection count; a refused connect is retried shortly
                    loop.schedule(() -> closedNext(null), 10, TimeUnit.MILLISECONDS);
                }
            }
        });
    }

    /** A connection is free again: serve the backlog first (closed loop: its next request). */
    private void free(Conn c) {
        if (closedLoop) {
            closedNext(c);
            return;
        }
        long[] waiting = backlog.poll();
        if (waiting != null) {
            c.start(waiting[0], waiting[1] == 1);
        } else {
            idle.addLast(c);
        }
    }

    private void requestDone() {
        outstanding--;
        checkFinished();
    }

    private void checkFinished() {
        if (sendingDone && outstanding == 0) {
            finished.complete(null);
        }
    }

    /** One client connection: at most one request in flight (no pipelining). */
    private final class Conn extends ChannelInboundHandlerAdapter {
        Channel channel;
        private boolean active;      // a request is in flight
        private boolean measured;
        private long intended;
        private long headersAt;
        private long firstByteAt;
        private long firstTokenAt;
        private long lastChunkAt;
        private boolean keepAlive;
        private boolean failed;
        private boolean stream;
        private boolean atLineStart = true;
        private ScheduledFuture<?> timeout;

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            channel = ctx.channel(); // before connect completes: the connect listener starts the first request
        }

        void start(long intendedAt, boolean measuredRequest) {
            active = true;
            measured = measuredRequest;
            intended = intendedAt;
            headersAt = 0;
            firstByteAt = 0;
            firstTokenAt = 0;
            lastChunkAt = 0;
            failed = false;
            stream = false;
            atLineStart = true;
            long now = System.nanoTime();
            if (measured) {
                sendLag.recordValue(Math.max(0, now - intendedAt));
            }
            sentAll++;
            channel.writeAndFlush(target.request(), channel.voidPromise());
            long deadline = intendedAt + timeoutNanos - now;
            timeout = loop.schedule(this::timedOut, Math.max(1, deadline), TimeUnit.NANOSECONDS);
        }

        private void timedOut() {
            timeout = null;
            if (active) {
                failedAll++;
                if (measured) {
                    timeouts++;
                    errors++;
                }
                finish(false);
                channel.close();
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (!active) {
                    return; // a response to a timed-out request on its way out
                }
                long now = System.nanoTime();
                if (msg instanceof HttpResponse response) {
                    headersAt = now;
                    keepAlive = HttpUtil.isKeepAlive(response);
                    if (response.status().code() >= 400) {
                        failed = true;
                    }
                    CharSequence type = response.headers().get(HttpHeaderNames.CONTENT_TYPE);
                    stream = type != null && (contains(type, "event-stream") || contains(type, "ndjson"));
                    String over = response.headers().get(OVERHEAD_HEADER);
                    if (over != null && measured) {
                        try {
                            overhead.recordValue(Math.max(0, Long.parseLong(over.trim())) * 1000);
                        } catch (NumberFormatException ignored) {
                            // not ours to judge
                        }
                    }
                }
                if (msg instanceof HttpContent content) {
                    ByteBuf buf = content.content();
                    int readable = buf.readableBytes();
                    if (readable > 0) {
                        bodyBytes += readable;
                        if (firstByteAt == 0) {
                            firstByteAt = now;
                        } else if (stream && measured && firstTokenAt != 0) {
                            // token to token only: a backend's role-only first event comes a whole
                            // time-to-first-token before the first token, and the translation drops it
                            gap.recordValue(now - lastChunkAt);
                        }
                        lastChunkAt = now;
                        if (stream) {
                            countLines(buf);
                            if (firstTokenAt == 0 && hasToken(buf)) {
                                firstTokenAt = now;
                            }
                        }
                    }
                    if (msg instanceof LastHttpContent) {
                        if (failed) {
                            failedAll++;
                            if (measured) {
                                httpErrors++;
                                errors++;
                            }
                        } else {
                            okAll++;
                            if (measured) {
                                completed++;
                                headers.recordValue(headersAt - intended);
                                firstByte.recordValue((firstByteAt == 0 ? now : firstByteAt) - intended);
                                total.recordValue(now - intended);
                                if (firstTokenAt != 0) {
                                    firstToken.recordValue(firstTokenAt - intended);
                                }
                            }
                        }
                        finish(true);
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private void countLines(ByteBuf buf) {
            int lines = 0;
            boolean start = atLineStart;
            for (int i = buf.readerIndex(), end = buf.writerIndex(); i < end; i++) {
                byte b = buf.getByte(i);
                if (b == '\n') {
                    if (!start) {
                        lines++;
                    }
                    start = true;
                } else if (b != '\r') {
                    start = false;
                }
            }
            atLineStart = start;
            events += lines;
            if (measured) {
                measuredEvents += lines;
            }
        }

        private void finish(boolean reusable) {
            active = false;
            if (timeout != null) {
                timeout.cancel(false);
                timeout = null;
            }
            requestDone();
            if (reusable && keepAlive && channel.isActive()) {
                free(this);
            } else if (channel.isActive()) {
                channel.close();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            open--;
            if (active) {
                failedAll++;
                if (measured) {
                    closedEarly++;
                    errors++;
                }
                finish(false);
            } else {
                idle.remove(this);
            }
            if (closedLoop) { // keep the loop's connection count: a new connection takes this one's place
                closedNext(null);
                ctx.fireChannelInactive();
                return;
            }
            long[] waiting = backlog.poll();
            if (waiting != null) {
                connect(waiting[0], waiting[1] == 1);
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    private static final byte[] CONTENT = "\"content\":\"".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /**
     * True when the buffer carries a token: a non-empty {@code "content":"..."} string, as OpenAI
     * SSE deltas and Ollama NDJSON messages both spell it (the role-only first event and the final
     * chunk have an empty one). A pattern cut by a buffer boundary is found in the next token's buffer.
     */
    static boolean hasToken(ByteBuf buf) {
        int end = buf.writerIndex() - CONTENT.length;
        outer:
        for (int i = buf.readerIndex(); i < end; i++) {
            for (int j = 0; j < CONTENT.length; j++) {
                if (buf.getByte(i + j) != CONTENT[j]) {
                    continue outer;
                }
            }
            if (buf.getByte(i + CONTENT.length) != '"') {
                return true;
            }
        }
        return false;
    }

    private static boolean contains(CharSequence s, String part) {
        return s.toString().contains(part);
    }
}
