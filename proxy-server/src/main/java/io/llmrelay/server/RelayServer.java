package io.llmrelay.server;

import io.llmrelay.server.runtime.Transport;
import io.llmrelay.core.api.Clocks;
import io.llmrelay.core.balance.AttemptOutcome;
import io.llmrelay.core.config.BackendConfig;
import io.llmrelay.core.config.Durations;
import io.llmrelay.core.config.RelayConfig;
import io.llmrelay.core.config.SecurityConfig;
import io.llmrelay.server.exchange.RateLimitAdmission;
import io.llmrelay.server.exchange.RequestLimiter;
import io.llmrelay.server.limits.RateLimits;
import io.netty.util.concurrent.ScheduledFuture;
import io.llmrelay.core.resilience.CircuitBreaker;
import io.llmrelay.core.resilience.FleetResilience;
import io.llmrelay.server.endpoint.Endpoints;
import io.llmrelay.server.endpoint.Relay;
import io.llmrelay.server.endpoint.ReloadOutcome;
import io.llmrelay.server.exchange.Dispatcher;
import io.llmrelay.server.exchange.ExchangeContext;
import io.llmrelay.server.exchange.ExchangeHandler;
import io.llmrelay.server.fleet.Backend;
import io.llmrelay.server.fleet.Fleet;
import io.llmrelay.server.fleet.FleetChange;
import io.llmrelay.server.upstream.Origin;
import io.llmrelay.core.metrics.RelayMetrics;
import io.llmrelay.server.runtime.LoopAccount;
import io.llmrelay.server.http.ServerInitializer;
import io.llmrelay.server.log.BatchingStdoutAppender;
import io.llmrelay.server.upstream.BackendPool;
import io.llmrelay.server.upstream.Resolvers;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.NetUtil;
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
 * {@code admin.port}), the backends with their pools, and the background health checks that keep model
 * lists fresh. {@link #close()} drains: readiness turns 503, it stops accepting on both sockets, lets
 * running answers finish (up to a deadline, {@code server.drain_timeout}), cuts what is left with an
 * error, then closes everything. {@link #reload} swaps in the fleet of a new configuration without
 * dropping running answers.
 */
public final class RelayServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RelayServer.class);
    /** How long a reload waits for the first probe and model list of the backends it adds. */
    private static final Duration FIRST_READS = Duration.ofSeconds(10);

    /** the configuration it started with: what the settings a reload cannot change stay at */
    private final RelayConfig config;
    private final Transport transport;
    private final EventLoopGroup group;
    private final boolean ownsGroup;
    private final Clocks clocks = Clocks.SYSTEM;
    private final Resolvers resolvers;
    private final RateLimits rateLimits;
    private final ScheduledFuture<?> limitSweep;
    private final ChannelGroup clients = new DefaultChannelGroup("clients", GlobalEventExecutor.INSTANCE);
    private final Relay relay;
    private final Channel serverChannel;
    /** the admin port's socket ({@code admin.port}); null when the admin routes are on the main port */
    private final Channel adminChannel;
    /** serializes reloads */
    private final Object reloading = new Object();
    /** guards the swap against a close: held only for an instant */
    private final Object swapping = new Object();
    private boolean closed;
    private final ClientDrain drain = new ClientDrain(clients);

    /** @param resilienceClocks what breakers, hold-offs, ejections, slow start and the retry budget read */
    private RelayServer(RelayConfig config, Transport transport, EventLoopGroup group, boolean ownsGroup,
            Clocks resilienceClocks) throws InterruptedException {
        this.config = config;
        this.transport = transport;
        this.group = group;
        this.ownsGroup = ownsGroup;
        this.resolvers = new Resolvers(transport);
        FleetResilience resilience = Fleet.resilience(config, resilienceClocks);
        List<Backend> backends = new ArrayList<>();
        for (BackendConfig b : config.backends()) {
            backends.add(newBackend(b, config, resilience));
        }
        ExchangeContext context = new ExchangeContext(config, clocks, new RelayMetrics());
        this.relay = new Relay(context, new Fleet(config, backends, resilience));
        relay.metrics().eventLoopCpu(LoopAccount::allLoopsCpuNanos);
        relay.metrics().logLinesDropped(BatchingStdoutAppender::dropped);
        relay.metrics().addBackendGauges(sink -> {
            for (Backend backend : relay.fleet().backends()) { // the fleet in force at each scrape
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
        this.rateLimits = RateLimits.create(config.security().limits(), group, transport, resilienceClocks.nanos());
        relay.metrics().rateLimits(new RelayMetrics.RateLimitFigures() {
            @Override
            public java.util.Map<String, Long> refusedByLimit() {
                return rateLimits.counters().byLabel();
            }

            @Override
            public int redisUp() {
                return rateLimits.redisUp();
            }

            @Override
            public long redisErrors() {
                return rateLimits.redisErrors();
            }
        });
        long sweep = RateLimits.SWEEP_EVERY.toNanos();
        this.limitSweep = group.next().scheduleAtFixedRate(rateLimits::sweep, sweep, sweep, TimeUnit.NANOSECONDS);
        Dispatcher dispatcher = Endpoints.dispatcher(relay, limited(config.security())
                ? new RateLimitAdmission(rateLimits) : RequestLimiter.NONE);
        this.serverChannel = listen(config.port(), context, dispatcher);
        int adminPort = config.security().admin().port();
        try {
            // the admin routes' own socket, on the main one's host; its connections drain with the others
            this.adminChannel = adminPort > 0 ? listen(adminPort, context, dispatcher.forAdminPort()) : null;
        } catch (RuntimeException | InterruptedException e) {
            serverChannel.close().syncUninterruptibly();
            throw e;
        }
        relay.fleet().startHealthChecks();
    }

    private Channel listen(int port, ExchangeContext context, Dispatcher dispatcher) throws InterruptedException {
        return new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannel)
                // the kernel's own limit (net.core.somaxconn) for connections not yet accepted: a fixed 1024
                // overflowed while a freshly started proxy compiled under 500 new connections a second
                // (10,000 streams opening; the dropped handshakes were refused connections to the clients)
                .option(ChannelOption.SO_BACKLOG, NetUtil.SOMAXCONN)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                // small enough that "not writable" means a slow client, large enough for a burst of events
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32 * 1024, 64 * 1024))
                .childHandler(new ServerInitializer(config, clocks, () -> new ExchangeHandler(context, dispatcher), clients,
                        context.metrics()))
                .bind(config.host(), port)
                .sync()
                .channel();
    }

    /** A backend of this proxy: a pool on each of its event loops, probed from one of them. */
    private Backend newBackend(BackendConfig backend, RelayConfig with, FleetResilience resilience) {
        Origin origin = new Origin(backend, with, group, transport, resolvers, clocks);
        return new Backend(origin, with, group.next(), clocks, resilience.backend(backend.name()));
    }

    /**
     * Applies a new configuration without dropping running answers: backends are matched by name
     * (see {@link FleetChange}), the new fleet is swapped in whole, and the backends that left are
     * retired (their busy connections close as their answers end). The settings that cannot change
     * while running ({@link RestartSettings}) keep their running values and are named in the outcome.
     * Blocks the caller (never call it on an event loop) while added backends are probed and listed,
     * at most 10 s; one reload at a time.
     *
     * @return reloaded, or refused (nothing changed) when the fleet cannot be made, e.g. a CA file
     *     cannot be used
     */
    public ReloadOutcome reload(RelayConfig next) throws InterruptedException {
        synchronized (reloading) {
            synchronized (swapping) {
                if (closed) {
                    return ReloadOutcome.refused(List.of("llm-relay is stopping"));
                }
            }
            RestartSettings restart = RestartSettings.compare(config, next);
            Fleet current = relay.fleet();
            FleetChange change;
            try {
                change = FleetChange.plan(current, restart.effective(), this::newBackend);
            } catch (RuntimeException e) {
                return ReloadOutcome.refused(List.of(e.getMessage() != null ? e.getMessage() : e.toString()));
            }
            boolean installed = false;
            try {
                change.start(FIRST_READS);
                synchronized (swapping) {
                    if (closed) {
                        return ReloadOutcome.refused(List.of("llm-relay is stopping"));
                    }
                    relay.install(change.nextFleet());
                    installed = true;
                }
            } finally {
                if (!installed) {
                    change.abandon(); // the backends it started stop again; the running fleet never saw them
                }
            }
            change.retireOld();
            return ReloadOutcome.reloaded(change.added(), change.removed(), change.changed(), change.settings(),
                    restart.needed());
        }
    }

    /**
     * True when some limit is on (a default, a key's own, or shared ones through Redis), or keys are
     * required (a reload may give a key limits of its own): otherwise requests skip the limiter.
     */
    private static boolean limited(SecurityConfig security) {
        SecurityConfig.Limits l = security.limits();
        if (security.auth().required() || l.redis() != null || !l.global().off() || !l.perIp().off()
                || !l.perKey().off()) {
            return true;
        }
        for (SecurityConfig.ClientKey k : security.auth().keys()) {
            if (!k.limits().off()) {
                return true;
            }
        }
        return false;
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

    /** How many connections the kernel may queue for the main port before the proxy accepts them. */
    int listenBacklog() {
        return serverChannel.config().getOption(ChannelOption.SO_BACKLOG);
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
        synchronized (swapping) {
            if (closed) {
                return new Drained(0, 0, false);
            }
            closed = true; // a reload under way now is not swapped in
        }
        relay.fleet().stopHealthChecks();
        if (adminChannel != null) {
            adminChannel.close().syncUninterruptibly(); // its connections drain with the main port's
        }
        Drained result = drain.run(serverChannel, deadline);
        if (result.cut() == 0) {
            LOG.info("Drained: every running answer finished ({} client connections were open)", result.connections());
        } else {
            LOG.warn("{}: {} of {} client connections were still busy; their answers were cut off with an error",
                    result.hurried() ? "Drain cut short" : "Drain deadline (" + Durations.format(deadline) + ") reached",
                    result.cut(), result.connections());
        }
        relay.fleet().closeIdle();
        resolvers.close();
        limitSweep.cancel(false);
        rateLimits.close();
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
