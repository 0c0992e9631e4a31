package io.llmrelay.server.upstream;

import io.llmrelay.core.api.Clocks;
import io.llmrelay.core.api.ExchangeTimes;
import io.llmrelay.core.metrics.ErrorKind;
import io.llmrelay.server.runtime.ReadClock;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;

/**
 * One request to one backend, on a pooled connection of the caller's event loop: acquire, write,
 * read the response piece by piece, hand the connection back (or close it). All methods run on
 * that loop.
 *
 * <p>Reads are pulled: after each read burst the listener says whether its client can take more;
 * if not, the call stops reading the backend until {@link #resume()}. A connection from the pool
 * that turns out to be dead before any response byte is retried once on a new connection; nothing
 * is retried after the response has started.
 */
public final class UpstreamCall {

    /** Receives the response. Runs on the call's loop. */
    public interface Listener {
        /** Status and headers (1xx responses are skipped). */
        void onHead(HttpResponse head);

        /** A piece of the body; borrowed, valid only during the call (retain to keep it). */
        void onContent(ByteBuf content);

        /** The body ended; the connection is already back in its pool. */
        void onEnd();

        /** The request failed; the connection is already closed. */
        void onFailure(UpstreamFailure failure);

        /** The end of a read burst: flush, and say whether the backend may be read further. */
        boolean onBatchEnd();
    }

    private enum State { NEW, CONNECTING, WAITING, RECEIVING, DONE }

    private final Origin origin;
    private final BackendPool pool;
    /** Null once the response has started: a stream can last minutes, its request's headers need not. */
    private UpstreamRequest request;
    private final Listener listener;
    private final ExchangeTimes times;
    private final Clocks clocks;
    private final long idleTimeoutNanos;
    /** The most the backend may stay silent before its answer starts (it may differ from the idle limit). */
    private final long firstByteTimeoutNanos;

    private State state = State.NEW;
    private Channel channel;
    private UpstreamHandler handler;
    private ReadClock readClock = ReadClock.NONE;
    private boolean reused;
    private boolean retried;
    private boolean keepAlive;
    private boolean skippingInformational;
    private boolean paused;
    private long lastActivity;

    public UpstreamCall(Origin origin, EventLoop loop, UpstreamRequest request, Listener listener,
            ExchangeTimes times, Clocks clocks, Duration idleTimeout) {
        this(origin, loop, request, listener, times, clocks, idleTimeout, idleTimeout);
    }

    /** A call whose answer must start within {@code firstByteTimeout}, then never fall silent for {@code idleTimeout}. */
    public UpstreamCall(Origin origin, EventLoop loop, UpstreamRequest request, Listener listener,
            ExchangeTimes times, Clocks clocks, Duration firstByteTimeout, Duration idleTimeout) {
        this.firstByteTimeoutNanos = firstByteTimeout.toNanos();
        this.origin = origin;
        this.pool = origin.pool(loop);
        this.request = request;
        this.listener = listener;
        this.times = times;
        this.clocks = clocks;
        this.idleTimeoutNanos = idleTimeout.toNanos();
    }

    public void start() {
        assert state == State.NEW;
        connect(false);
    }

    /** The read clock of the backend connection in use ({@link ReadClock#NONE} before one is attached). */
    public ReadClock readClock() {
        return readClock;
    }

    /** The client can take data again: read the backend again if it was paused. */
    public void resume() {
        if (paused && state == State.RECEIVING) {
            paused = false;
            lastActivity = clocks.nanoTime(); // waiting for the client is not backend idleness
            channel.read();
        }
    }

    /** The client went away or the answer failed: close the backend request now. */
    public void cancel() {
        if (state == State.DONE) {
            return;
        }
        state = State.DONE;
        releaseRequest();
        if (channel != null) {
            detach();
            pool.discard(channel); // closing is what tells the backend to stop generating
        }
    }

    private void connect(boolean fresh) {
        state = State.CONNECTING;
        pool.acquire(fresh, new BackendPool.Acquired() {
            @Override
            public void onConnection(Channel ch, boolean wasReused) {
                if (state != State.CONNECTING) {
                    pool.release(ch); // cancelled while connecting: the connection is clean, keep it
                    return;
                }
                send(ch, wasReused);
            }

            @Override
            public void onFailure(Throwable cause) {
                if (state == State.CONNECTING) {
                    String what = isTls(cause) ? "TLS handshake with backend " + origin.describe() + " failed"
                            : "cannot connect to backend " + origin.describe();
                    fail(502, what + ": " + describe(cause),
                            ErrorKind.BACKEND_UNREACHABLE, false);
                }
            }
        });
    }

    private void send(Channel ch, boolean wasReused) {
        channel = ch;
        readClock = ReadClock.of(ch);
        reused = wasReused;
        state = State.WAITING;
        handler = ch.pipeline().last() instanceof UpstreamHandler last ? last : ch.pipeline().get(UpstreamHandler.class);
        handler.attach(this);
        lastActivity = clocks.nanoTime();
        times.upstreamSent = lastActivity;
        ch.writeAndFlush(request.newAttempt()).addListener(f -> {
            if (!f.isSuccess() && channel == ch && state == State.WAITING) {
                onConnectionLost(f.cause());
            }
        });
        if (channel != ch || state != State.WAITING) {
            // the write failed at once (a pooled connection the backend had closed): the call has already
            // moved on to a new connection, or failed; this one is not ours any more
            return;
        }
        ch.read();
        watchSilence();
    }

    /** Every message of the attached connection; always released here. */
    void onMessage(Object msg) {
        try {
            if (state != State.WAITING && state != State.RECEIVING) {
                return; // a late message after cancel or failure
            }
            lastActivity = clocks.nanoTime();
            if (msg instanceof HttpObject && ((HttpObject) msg).decoderResult().isFailure()) {
                fail(502, "backend " + origin.describe() + " sent a malformed HTTP response: "
                        + describe(((HttpObject) msg).decoderResult().cause()), ErrorKind.BACKEND_PROTOCOL,
                        state == State.RECEIVING);
                return;
            }
            if (msg instanceof HttpResponse) {
                onHead((HttpResponse) msg);
            }
            if (msg instanceof HttpContent) {
                onContent((HttpContent) msg);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onHead(HttpResponse head) {
        if (head.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
            skippingInformational = true; // e.g. 103 Early Hints; the real response follows
            return;
        }
        state = State.RECEIVING;
        if (firstByteTimeoutNanos > idleTimeoutNanos) {
            watchSilence(); // the pending check was set for the longer first-byte limit
        }
        keepAlive = HttpUtil.isKeepAlive(head);
        times.upstreamHeaders = lastActivity;
        releaseRequest(); // the response has started: there will be no second attempt
        listener.onHead(head);
    }

    private void onContent(HttpContent content) {
        if (skippingInformational) {
            if (content instanceof LastHttpContent) {
                skippingInformational = false;
            }
            return;
        }
        if (state != State.RECEIVING) {
            return;
        }
        if (content.content().isReadable()) {
            listener.onContent(content.content());
        }
        if (content instanceof LastHttpContent && state == State.RECEIVING) {
            state = State.DONE;
            detach();
            if (keepAlive) {
                pool.release(channel);
            } else {
                pool.discard(channel);
            }
            listener.onEnd();
        }
    }

    void onReadComplete() {
        if (state == State.RECEIVING) {
            if (!listener.onBatchEnd()) {
                paused = true;
                return;
            }
        }
        if (state == State.WAITING || state == State.RECEIVING) {
            channel.read();
        }
    }

    void onConnectionLost(Throwable cause) {
        if (state == State.WAITING && reused && !retried) {
            // a pooled connection the backend had already closed: one more try on a new one
            retried = true;
            detach();
            pool.discard(channel);
            channel = null;
            connect(true);
            return;
        }
        if (state == State.WAITING) {
            fail(502, "backend " + origin.describe() + " closed the connection before answering"
                    + (cause == null ? "" : ": " + describe(cause)), ErrorKind.BACKEND_PROTOCOL, false);
        } else if (state == State.RECEIVING) {
            fail(502, "backend " + origin.describe() + " closed the connection in the middle of its response"
                    + (cause == null ? "" : ": " + describe(cause)), ErrorKind.BACKEND_PROTOCOL, true);
        }
    }

    private void fail(int status, String message, ErrorKind kind, boolean afterHead) {
        state = State.DONE;
        releaseRequest();
        if (channel != null) {
            detach();
            pool.discard(channel);
        }
        listener.onFailure(new UpstreamFailure(status, message, kind, afterHead));
    }

    private void releaseRequest() {
        if (request != null) {
            request.release();
            request = null;
        }
    }

    private void detach() {
        if (handler != null) {
            handler.detach();
        }
    }

    /**
     * Has the connection wake this call when it may have been silent too long. The timer is the
     * connection's and outlives the call: a timer set for an earlier call that is due sooner is kept
     * (on firing it finds this call still talking and is set again for the rest), so a busy
     * connection does not schedule and cancel a timer on every request. A call that ends leaves it
     * be; it wakes nobody, or the next call early. Called where {@code lastActivity} was just read,
     * so it serves as now.
     */
    private void watchSilence() {
        handler.wakeAt(lastActivity + silenceLimit(), lastActivity);
    }

    /** How long the backend may be silent now: before its answer starts, and then between pieces. */
    private long silenceLimit() {
        return state == State.WAITING ? firstByteTimeoutNanos : idleTimeoutNanos;
    }

    /**
     * The connection's timer fired: fails the call when the backend has been silent too long; waiting
     * for a slow client does not count.
     */
    void checkIdle() {
        if (state != State.WAITING && state != State.RECEIVING) {
            return;
        }
        long now = clocks.nanoTime();
        long silent = now - lastActivity;
        long limit = silenceLimit();
        if (!paused && silent >= limit) {
            fail(504, "backend " + origin.describe() + (state == State.WAITING ? " did not start its answer within "
                    : " sent nothing for ") + seconds(limit), ErrorKind.BACKEND_TIMEOUT, state == State.RECEIVING);
            return;
        }
        handler.wakeAt(paused ? now + limit : lastActivity + limit, now);
    }

    /** {@code 300 s}, or {@code 1.5 s} for a limit that is not whole seconds. */
    private static String seconds(long nanos) {
        return nanos % 1_000_000_000L == 0 ? nanos / 1_000_000_000L + " s"
                : String.format(java.util.Locale.ROOT, "%.3g s", nanos / 1e9);
    }

    private static boolean isTls(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof javax.net.ssl.SSLException) {
                return true;
            }
        }
        return false;
    }

    private static String describe(Throwable cause) {
        if (cause == null) {
            return "unknown error";
        }
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return message == null || message.isBlank() ? root.getClass().getSimpleName() : message;
    }
}
