package io.llmrelay.server;

import io.llmrelay.server.runtime.Transport;
import io.llmrelay.core.api.Clocks;
import io.llmrelay.core.balance.AttemptOutcome;
import io.llmrelay.core.config.BackendConfig;
import io.llmrelay.core.config.RelayConfig;
import io.llmrelay.core.resilience.CircuitBreaker;
import io.llmrelay.core.resilience.FleetResilience;
import io.llmrelay.server.endpoint.Endpoints;
import io.llmrelay.server.endpoint.Relay;
import io.llmrelay.server.exchange.Dispatcher;
import io.llmrelay.server.exchange.ExchangeContext;
import io.llmrelay.server.exchange.ExchangeHandler;
import io.llmrelay.server.fleet.Backend;
import io.llmrelay.server.fleet.Fleet;
import io.llmrelay.server.upstream.Origin;
import io.llmrelay.core.metrics.RelayMetrics;
import io.llmrelay.server.runtime.LoopAccount;
import io.llmrelay.server.exchange.ShutdownEvent;
import io.llmrelay.server.http.ServerInitializer;
import io.llmrelay.server.log.BatchingStdoutAppender;
import io.llmrelay.server.upstream.BackendPool;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running proxy: the event loops, the listening socket (and the admin routes' own, with
 * {@code admin.port}), the backends with their pools, and the background health checks that keep
 * model lists fresh. {@link #close()} drains: it stops accepting on both sockets, lets running answers
 * finish (up to a deadline), then closes everything.
 */
public final class RelayServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RelayServer.class);

    private final RelayConfig config;
    private final Transport transport;
    private final EventLoopGroup group;
    private final boolean ownsGroup;
    private final DnsAddressResolverGroup resolver;
    private final ChannelGroup clients = new DefaultChannelGroup("clients", GlobalEventExecutor.INSTANCE);
    private final Relay relay;
    private final Channel serverChannel;
    /** the admin port's socket ({@code admin.port}); null when the admin routes are on the main port */
    private final Channel adminChannel;

    /** @param resilienceClocks what breakers, hold-offs, ejections, slow start and the retry budget read */
    private RelayServer(RelayConfig config, Transport transport, EventLoopGroup group, boolean ownsGroup,
            Clocks resilienceClocks) throws InterruptedException {
        Clocks clocks = Clocks.SYSTEM;
        this.config = config;
        this.transport = transport;
        this.group = group;
        this.ownsGroup = ownsGroup;
        this.resolver = new DnsAddressResolverGroup(new DnsNameResolverBuilder()
                .datagramChannelType(transport.datagramChannel)
                .socketChannelType(transport.socketChannel));
        FleetResilience resilience = Fleet.resilience(config, resilienceClocks);
        List<Backend> backends = new ArrayList<>();
        for (BackendConfig b : config.backends()) {
            Origin origin = new Origin(b, config, group, transport, resolver, clocks);
            backends.add(new Backend(origin, config, group.next(), clocks, resilience.backend(b.name())));
        }
        ExchangeContext context = new ExchangeContext(config, clocks, new RelayMetrics());
        this.relay = new Relay(context, new Fleet(config, backends, resilience));
        relay.metrics().eventLoopCpu(LoopAccount::allLoopsCpuNanos);
        relay.metrics().logLinesDropped(BatchingStdoutAppender::dropped);
        relay.metrics().addBackendGauges(sink -> {
            for (Backend backend : relay.fleet().backends()) {
                long idle = 0;
                long active = 0;
                for (BackendPool pool : backend.origin().pools()) {
                    idle += pool.idleConnections();
                    active += pool.activeConnections();
                }
                sink.connections(backend.name(), idle, active, backend.stats().inFlight());
                for (AttemptOutcome outcome : AttemptOutcome.values()) {
                    sink.attempts(backend.name(), outcome.label(), backend.stats().count(outcome));
                }
                CircuitBreaker.Status breaker = backend.resilience().breaker();
                sink.resilience(backend.name(), backend.resilience().routable(), breaker.state().id(),
                        breaker.timesOpened());
            }
        });
        Dispatcher dispatcher = Endpoints.dispatcher(relay);
        this.serverChannel = listen(config.port(), context, dispatcher, clocks);
        int adminPort = config.security().admin().port();
        try {
            // the admin routes' own socket, on the main one's host; its connections drain with the others
            this.adminChannel = adminPort > 0 ? listen(adminPort, context, dispatcher.forAdminPort(), clocks) : null;
        } catch (RuntimeException | InterruptedException e) {
            serverChannel.close().syncUninterruptibly();
            throw e;
        }
        relay.fleet().startHealthChecks();
    }

    private Channel listen(int port, ExchangeContext context, Dispatcher dispatcher, Clocks clocks)
            throws InterruptedException {
        return new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannel)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                // small enough that "not writable" means a slow client, large enough for a burst of events
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32 * 1024, 64 * 1024))
                .childHandler(new ServerInitializer(config, clocks, () -> new ExchangeHandler(context, dispatcher), clients))
                .bind(config.host(), port)
                .sync()
                .channel();
    }

    /** Starts a proxy with its own event loops. */
    public static RelayServer start(RelayConfig config) throws InterruptedException {
        Transport transport = Transport.best();
        int threads = config.eventLoops() > 0 ? config.eventLoops() : Runtime.getRuntime().availableProcessors();
        EventLoopGroup group = transport.newGroup(threads, "relay");
        try {
            return new RelayServer(config, transport, group, true, Clocks.SYSTEM);
        } catch (RuntimeException | InterruptedException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    /** Starts a proxy on an existing group (shared with an in-process demo backend, or in tests). */
    public static RelayServer start(RelayConfig config, Transport transport, EventLoopGroup group)
            throws InterruptedException {
        return new RelayServer(config, transport, group, false, Clocks.SYSTEM);
    }

    /**
     * As {@link #start(RelayConfig, Transport, EventLoopGroup)}, with breakers, hold-offs, ejections,
     * slow start and the retry budget reading time from {@code resilienceClocks}: tests drive them with
     * a fake nano clock while everything else (time-outs, logs) keeps real time.
     */
    public static RelayServer start(RelayConfig config, Transport transport, EventLoopGroup group,
            Clocks resilienceClocks) throws InterruptedException {
        return new RelayServer(config, transport, group, false, resilienceClocks);
    }

    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /** The admin routes' own port ({@code admin.port}); 0 when they are served on {@link #port()}. */
    public int adminPort() {
        return adminChannel == null ? 0 : ((InetSocketAddress) adminChannel.localAddress()).getPort();
    }

    public Relay relay() {
        return relay;
    }

    public Transport transport() {
        return transport;
    }

    public EventLoopGroup group() {
        return group;
    }

    /** Graceful stop: no new connections, running answers get {@code drain} to finish. */
    public void close(Duration drain) {
        relay.fleet().stopHealthChecks();
        serverChannel.close().syncUninterruptibly();
        if (adminChannel != null) {
            adminChannel.close().syncUninterruptibly();
        }
        clients.forEach(ch -> ch.pipeline().fireUserEventTriggered(ShutdownEvent.INSTANCE));
        if (!clients.newCloseFuture().awaitUninterruptibly(drain.toMillis())) {
            LOG.warn("closing {} connections that did not finish within {} s", clients.size(), drain.toSeconds());
            clients.close().awaitUninterruptibly(1000);
        }
        relay.fleet().closeIdle();
        resolver.close();
        if (ownsGroup) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }
}
