package io.llmrelay.server.limits;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.MaintNotificationsConfig;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.SocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * The one connection to Redis (Lettuce multiplexes every command over it) and what keeps it usable:
 *
 * <ul>
 *   <li>Commands are never queued while disconnected: they fail at once
 *       ({@code DisconnectedBehavior.REJECT_COMMANDS}), the queue is bounded, and a command still
 *       unanswered after {@link #COMMAND_TIMEOUT} is failed by Lettuce (checks do not wait that long:
 *       {@link SharedRateLimits#DEADLINE}).</li>
 *   <li>The first connection is retried every {@link #RETRY_CONNECT} until it succeeds; a lost one is
 *       reconnected by Lettuce (50 ms, doubling, at most every 2 s).</li>
 *   <li>{@link RedisHealth} goes down when the connection is lost, and up only when a probe (a check
 *       of no limits) answers within the deadline: after each (re)connection, and every
 *       {@link #PROBE_EVERY} while down.</li>
 * </ul>
 *
 * <p>Scripts run by {@code EVALSHA}; {@code NOSCRIPT} (a restarted Redis) runs them by {@code EVAL},
 * which loads them again. Callbacks run on the connection's event loop.
 */
final class RedisLink implements AutoCloseable {

    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(1);
    static final Duration RETRY_CONNECT = Duration.ofSeconds(1);
    static final Duration PROBE_EVERY = Duration.ofSeconds(1);
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    /** commands in flight on the connection at most; past it a command fails at once */
    static final int QUEUE_LIMIT = 65_536;

    private static final RedisException NOT_CONNECTED = new RedisException("not connected to Redis");
    private static final String[] NO_KEYS = {};
    private static final String[] PROBE_ARGS = {"probe", "1"};

    private final RedisClient client;
    private final RedisURI uri;
    private final RedisHealth health;
    private final EventExecutor home;
    private final ScheduledFuture<?> probes;
    private volatile StatefulRedisConnection<String, String> connection;
    private volatile boolean closed;

    /** @param home the loop that runs the link's timers (a probe, a connection retry) */
    RedisLink(URI redis, RedisResources resources, RedisHealth health, EventExecutor home) {
        this.uri = RedisURI.create(redis);
        this.health = health;
        this.home = home;
        this.client = RedisClient.create(resources.resources(), uri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .requestQueueSize(QUEUE_LIMIT)
                .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
                .socketOptions(SocketOptions.builder().connectTimeout(CONNECT_TIMEOUT).build())
                .maintNotificationsConfig(MaintNotificationsConfig.disabled())
                .build());
        client.addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisConnected(RedisChannelHandler<?, ?> c, SocketAddress address) {
                probe();
            }

            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> c) {
                if (!closed) {
                    health.error();
                    health.markDown("connection lost");
                }
            }
        });
        connect();
        probes = home.scheduleWithFixedDelay(this::probeIfDown, PROBE_EVERY.toMillis(), PROBE_EVERY.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private void connect() {
        if (closed) {
            return;
        }
        client.connectAsync(StringCodec.UTF8, uri).whenComplete((c, e) -> {
            if (e != null) {
                health.error();
                health.markDown("cannot connect: " + message(e));
                if (!closed) {
                    home.schedule(this::connect, RETRY_CONNECT.toMillis(), TimeUnit.MILLISECONDS);
                }
            } else if (closed) {
                c.closeAsync();
            } else {
                connection = c;
                probe();
            }
        });
    }

    private void probeIfDown() {
        if (!health.up()) {
            probe();
        }
    }

    /**
     * A check of no limits ({@code check.lua} with no keys): answered within the deadline, the health
     * goes up. It runs what checks run (so after a Redis restart the script is loaded again, and at
     * start the JVM has loaded that path's classes) before any request depends on it.
     */
    private void probe() {
        if (connection == null || closed) {
            return;
        }
        long start = System.nanoTime();
        run(LimitScript.CHECK, NO_KEYS, PROBE_ARGS, (reply, e) -> {
            if (e != null) {
                health.error();
            } else if (System.nanoTime() - start <= SharedRateLimits.DEADLINE.toNanos()) {
                health.markUp();
            }
        });
    }

    /**
     * Runs {@code script}; {@code then} gets its reply or the failure (at once when not connected), on
     * the connection's event loop or the caller's thread.
     */
    void run(LimitScript script, String[] keys, String[] args, BiConsumer<List<Object>, Throwable> then) {
        StatefulRedisConnection<String, String> c = connection;
        if (c == null || closed) {
            then.accept(null, NOT_CONNECTED);
            return;
        }
        RedisAsyncCommands<String, String> commands = c.async();
        commands.<List<Object>>evalsha(script.sha1, ScriptOutputType.MULTI, keys, args).whenComplete((reply, e) -> {
            if (unwrap(e) instanceof RedisNoScriptException) {
                commands.<List<Object>>eval(script.source, ScriptOutputType.MULTI, keys, args).whenComplete(then);
            } else {
                then.accept(reply, e);
            }
        });
    }

    static Throwable unwrap(Throwable e) {
        return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }

    static String message(Throwable e) {
        Throwable cause = unwrap(e);
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String m = cause.getMessage();
        return m == null ? cause.getClass().getSimpleName() : m;
    }

    @Override
    public void close() {
        closed = true;
        probes.cancel(false);
        StatefulRedisConnection<String, String> c = connection;
        if (c != null) {
            c.close();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
