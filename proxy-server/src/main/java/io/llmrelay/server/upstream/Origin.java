package io.llmrelay.server.upstream;

import io.llmrelay.core.api.Clocks;
import io.llmrelay.core.config.BackendConfig;
import io.llmrelay.core.config.RelayConfig;
import io.llmrelay.server.runtime.ReadClock;
import io.llmrelay.server.runtime.Transport;
import io.llmrelay.server.runtime.PipelineNames;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetSocketAddress;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * The transport to one backend address: its configuration and one connection pool per event loop
 * of the server (created up front, so lookups need no locking). What the fleet knows about the
 * backend (models, health, load) lives in {@code fleet.Backend}.
 */
public final class Origin {

    private static final int MAX_IDLE_PER_LOOP = 256;

    private final BackendConfig config;
    private final Map<EventExecutor, BackendPool> pools;

    public Origin(BackendConfig config, RelayConfig relay, EventLoopGroup group, Transport transport,
            Resolvers resolvers, Clocks clocks) {
        this.config = config;
        SslContext ssl = config.tls() ? clientTls(config) : null;
        InetSocketAddress target = Resolvers.target(config.host(), config.port());
        Map<EventExecutor, BackendPool> byLoop = new IdentityHashMap<>();
        for (EventExecutor executor : group) {
            EventLoop loop = (EventLoop) executor;
            Bootstrap bootstrap = new Bootstrap()
                    .group(loop)
                    .channel(transport.socketChannel)
                    .resolver(resolvers.forTarget(target))
                    .option(ChannelOption.AUTO_READ, false)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.SO_KEEPALIVE, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
                            (int) config.options().timeouts().resolve(relay.timeouts()).connect().toMillis());
            BackendPool pool = new BackendPool(loop, bootstrap, target, MAX_IDLE_PER_LOOP);
            long poolIdle = relay.timeouts().poolIdle().toMillis();
            bootstrap.handler(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel ch) {
                    ch.config().setRecvByteBufAllocator(new ReadClock(clocks));
                    if (ssl != null) {
                        ch.pipeline().addLast(PipelineNames.TLS, ssl.newHandler(ch.alloc(), config.host(), config.port()));
                    }
                    // reads only (no listener on every write); a call's end restarts the clock
                    IdleStateHandler idle = new IdleStateHandler(poolIdle, 0, 0, TimeUnit.MILLISECONDS);
                    ch.pipeline()
                            .addLast(PipelineNames.HTTP_CODEC, new HttpClientCodec(4096, 64 * 1024, 16 * 1024))
                            .addLast(PipelineNames.POOL_IDLE, idle)
                            .addLast(PipelineNames.UPSTREAM, new UpstreamHandler(pool, idle));
                }
            });
            byLoop.put(loop, pool);
        }
        this.pools = byLoop;
    }

    /** TLS that verifies the certificate chain and the host name (Netty 4.2's default for clients). */
    private static SslContext clientTls(BackendConfig config) {
        try {
            SslContextBuilder builder = SslContextBuilder.forClient();
            if (config.trustedCertificates() != null) {
                builder.trustManager(config.trustedCertificates().toFile());
            }
            return builder.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot set up TLS for backend " + config.name() + ": " + e.getMessage(), e);
        }
    }

    public BackendConfig config() {
        return config;
    }

    public String name() {
        return config.name();
    }

    /** The backend as error messages name it: {@code name (url)}. */
    public String describe() {
        return config.name() + " (" + config.displayUrl() + ")";
    }

    /** The pool of {@code loop}; the caller must be on that loop to use it. */
    public BackendPool pool(EventLoop loop) {
        BackendPool pool = pools.get(loop);
        if (pool == null) {
            throw new IllegalStateException("not an event loop of this server: " + loop);
        }
        return pool;
    }

    public Iterable<BackendPool> pools() {
        return pools.values();
    }

    /** Closes idle connections, each on its own loop. */
    public void closeIdle() {
        for (BackendPool pool : pools.values()) {
            pool.loop().execute(pool::closeIdle);
        }
    }

    /**
     * The backend left the fleet: each pool, on its own loop, closes its idle connections and from
     * then on closes every busy one when its call ends.
     */
    public void retire() {
        for (BackendPool pool : pools.values()) {
            pool.loop().execute(pool::retire);
        }
    }

    /** Connections open now, idle and busy, over every loop's pool (read from any thread). */
    public int openConnections() {
        int open = 0;
        for (BackendPool pool : pools.values()) {
            open += pool.idleConnections() + pool.activeConnections();
        }
        return open;
    }
}
