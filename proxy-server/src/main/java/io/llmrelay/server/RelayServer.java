package io.llmrelay.server;

import io.llmrelay.server.runtime.Transport;
import io.llmrelay.core.api.Clocks;
import io.llmrelay.core.balance.AttemptOutcome;
import io.llmrelay.core.config.BackendConfig;
import io.llmrelay.core.config.Durations;
import io.llmrelay.core.config.RelayConfig;
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
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running proxy: the event loops, the listening socket, the backends with their pools, and the
 * background health checks that keep model lists fresh. {@link #close()} drains: readiness turns 503, it stops
 * accepting, lets running answers finish (up to a deadline, {@code server.drain_timeout}), cuts what is left with an
 * error, then closes everything.
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
    private final ClientDrain drain = new ClientDrain(clients);
    private final AtomicBoolean closed = new AtomicBoolean();

    private RelayServer(RelayConfig config, Transport transport, EventLoopGroup group, boolean ownsGroup)
            throws InterruptedException {
        this.config = config;
        this.transport = transport;
        this.group = group;
        this.ownsGroup = ownsGroup;
        this.resolver = new DnsAddressResolverGroup(new DnsNameResolverBuilder()
                .datagramChannelType(transport.datagramChannel)
                .socketChannelType(transport.socketChannel));
        List<Backend> backends = new ArrayList<>();
        for (BackendConfig b : config.backends()) {
            Origin origin = new Origin(b, config, group, transport, resolver, Clocks.SYSTEM);
            backends.add(new Backend(origin, config, group.next(), Clocks.SYSTEM));
        }
        ExchangeContext context = new ExchangeContext(config, Clocks.SYSTEM, new RelayMetrics());
        this.relay = new Relay(context, new Fleet(config, backends));
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
            }
        });
        Dispatcher dispatcher = Endpoints.dispatcher(relay);
        this.serverChannel = new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannel)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                // small enough that "not writable" means a slow client, large enough for a burst of events
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32 * 1024, 64 * 1024))
                .childHandler(new ServerInitializer(config, Clocks.SYSTEM, () -> new ExchangeHandler(context, dispatcher), clients))
                .bind(config.host(), config.port())
                .sync()
                .channel();
        relay.fleet().startHealthChecks();
    }

    /** Starts a proxy with its own event loops. */
    public static RelayServer start(RelayConfig config) throws InterruptedException {
        Transport transport = Transport.best();
        int threads = config.eventLoops() > 0 ? config.eventLoops() : Runtime.getRuntime().availableProcessors();
        EventLoopGroup group = transport.newGroup(threads, "relay");
        try {
            return new RelayServer(config, transport, group, true);
        } catch (RuntimeException | InterruptedException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    /** Starts a proxy on an existing group (shared with an in-process demo backend, or in tests). */
    public static RelayServer start(RelayConfig config, Transport transport, EventLoopGroup group)
            throws InterruptedException {
        return new RelayServer(config, transport, group, false);
    }

    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
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

    /**
     * The first moment of a stop, for whoever receives it (a signal handler): {@code /health/ready}
     * answers 503 {@code "draining"} from now on. Returns at once; {@link #close(Duration)} does the rest.
     */
    public void beginDrain() {
        relay.draining().begin();
    }

    /** While {@link #close(Duration)} waits for running answers: stop waiting and cut them now. Any thread. */
    public void cutDrainNow() {
        drain.hurry();
    }

    /**
     * How a drain went.
     *
     * @param connections client connections open when it began
     * @param cut connections still open at the deadline (or at a second stop signal), whose answers ended
     *     with an error
     * @param hurried the answers were cut before the deadline, by {@link #cutDrainNow()}
     */
    public record Drained(int connections, int cut, boolean hurried) {}

    /**
     * Graceful stop: readiness 503, no new connections, idle ones closed, running answers get
     * {@code deadline} to finish; those still running then end with an error in their client's shape.
     * Once: a later call finds nothing open.
     */
    public Drained close(Duration deadline) {
        beginDrain();
        if (!closed.compareAndSet(false, true)) {
            return new Drained(0, 0, false);
        }
        relay.fleet().stopHealthChecks();
        Drained result = drain.run(serverChannel, deadline);
        if (result.cut() == 0) {
            LOG.info("Drained: every running answer finished ({} client connections were open)", result.connections());
        } else {
            LOG.warn("{}: {} of {} client connections were still busy; their answers were cut off with an error",
                    result.hurried() ? "Drain cut short" : "Drain deadline (" + Durations.format(deadline) + ") reached",
                    result.cut(), result.connections());
        }
        relay.fleet().closeIdle();
        resolver.close();
        if (ownsGroup) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
        return result;
    }

    /** {@link #close(Duration)} with the configured deadline ({@code server.drain_timeout}). */
    @Override
    public void close() {
        close(config.timeouts().drain());
    }
}
