package io.llmrelay.server.upstream;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;

/**
 * Keep-alive connections to one backend, owned by one event loop. Every method runs on that loop,
 * so the pool needs no locks, and a connection always lives on the loop of the client it serves.
 * Idle connections are reused newest first: hot connections stay hot, the others age out through
 * the pipeline's idle timeout.
 */
public final class BackendPool {

    /** Called on the pool's loop when a connection is ready or could not be opened. */
    public interface Acquired {
        void onConnection(Channel channel, boolean reused);

        void onFailure(Throwable cause);
    }

    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final InetSocketAddress target;
    private final int maxIdle;
    private final ArrayDeque<Channel> idle = new ArrayDeque<>();
    /** Its backend left the fleet (a reload): no connection is kept idle any more. */
    private boolean retired;
    // written on the loop, read by metrics from any thread
    private volatile int idleCount;
    private volatile int activeCount;

    BackendPool(EventLoop loop, Bootstrap bootstrap, InetSocketAddress target, int maxIdle) {
        this.loop = loop;
        this.bootstrap = bootstrap;
        this.target = target;
        this.maxIdle = maxIdle;
    }

    public EventLoop loop() {
        return loop;
    }

    /** A live idle connection, or (also when {@code fresh}) a new one. */
    void acquire(boolean fresh, Acquired callback) {
        assert loop.inEventLoop();
        if (!fresh) {
            Channel channel;
            while ((channel = idle.pollLast()) != null) {
                idleCount = idle.size();
                if (channel.isActive()) {
                    activeCount++;
                    callback.onConnection(channel, true);
                    return;
                }
                channel.close();
            }
        }
        ChannelFuture connect = bootstrap.connect(target);
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                callback.onFailure(f.cause());
                return;
            }
            Channel channel = connect.channel();
            SslHandler tls = channel.pipeline().get(SslHandler.class);
            if (tls == null) {
                handOver(channel, callback);
                return;
            }
            // A TLS connection is handed over once its handshake is done: the request never waits
            // inside SslHandler (where a stop mid-handshake would strand it), and a failed
            // handshake is a failed connect, before anything was sent.
            tls.handshakeFuture().addListener(h -> {
                if (h.isSuccess()) {
                    handOver(channel, callback);
                } else {
                    channel.close();
                    callback.onFailure(h.cause());
                }
            });
        });
    }

    private void handOver(Channel channel, Acquired callback) {
        activeCount++;
        callback.onConnection(channel, false);
    }

    /** Takes back a connection whose last response ended cleanly and that may be reused. */
    void release(Channel channel) {
        assert loop.inEventLoop();
        activeCount--;
        if (!retired && channel.isActive() && idle.size() < maxIdle) {
            idle.addLast(channel);
            idleCount = idle.size();
            // keep a read pending while idle, so a backend that closes the connection is noticed now
            channel.read();
        } else {
            channel.close();
        }
    }

    /** Closes a connection that was in use and must not be reused. */
    void discard(Channel channel) {
        assert loop.inEventLoop();
        activeCount--;
        channel.close();
    }

    /** An idle connection closed by the backend or by the idle timeout leaves the pool. */
    void idleClosed(Channel channel) {
        assert loop.inEventLoop();
        if (idle.remove(channel)) {
            idleCount = idle.size();
        }
    }

    /** Closes the idle connections; in-use ones close with their calls. */
    void closeIdle() {
        assert loop.inEventLoop();
        Channel channel;
        while ((channel = idle.pollFirst()) != null) {
            channel.close();
        }
        idleCount = 0;
    }

    /**
     * Its backend left the fleet: the idle connections close now, and each busy one closes when its
     * call ends instead of going back to the pool (a running answer is never cut).
     */
    void retire() {
        assert loop.inEventLoop();
        retired = true;
        closeIdle();
    }

    public int idleConnections() {
        return idleCount;
    }

    public int activeConnections() {
        return activeCount;
    }
}
