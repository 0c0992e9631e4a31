package io.llmrelay.server.demo;

import io.llmrelay.server.runtime.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The built-in demo backend: a small, deterministic OpenAI-compatible server with one chat model
 * ({@code demo}), streamed one token per event at a configurable pace, and one embedding model
 * ({@code demo-embed}). It runs in-process behind {@code serve} when no backend is configured, or
 * standalone as {@code llm-relay mock-backend}, which may name other models (an id containing
 * "embed" is an embedding model), so that a few of them make a fleet.
 *
 * <p>It can inject faults ({@link FaultPlan}: resets, stalls, broken or huge events, error statuses,
 * a slow drip, HTML where JSON belongs), set at start, by {@link #fault(FaultPlan)} or by
 * {@code POST /__fault}, and counts what it served ({@link #stats()}, {@code GET /__stats}), so that
 * tests and soaks can watch a proxy cope.
 */
public final class DemoBackend implements AutoCloseable {

    private final Channel serverChannel;
    private final List<String> models;
    private final long tokenDelayNanos;
    private final long startedAtSeconds = System.currentTimeMillis() / 1000;
    private final DemoCounters counters = new DemoCounters();
    private final FaultSwitch faults;
    /** the accepted connections, so that {@link #kill()} can cut them as a crash would */
    private final ChannelGroup connections = new DefaultChannelGroup("demo-connections", GlobalEventExecutor.INSTANCE);

    private DemoBackend(EventLoopGroup group, Transport transport, String host, int port, Duration tokenDelay,
            List<String> models, FaultPlan faultPlan) throws InterruptedException {
        this.models = models;
        this.faults = new FaultSwitch(faultPlan);
        this.tokenDelayNanos = tokenDelay.toNanos();
        DemoBackend self = this;
        this.serverChannel = new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannel)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        connections.add(ch);
                        ch.pipeline()
                                .addLast(new HttpServerCodec())
                                .addLast(new HttpObjectAggregator(16 * 1024 * 1024))
                                .addLast(new DemoHandler(self));
                    }
                })
                .bind(host, port)
                .sync()
                .channel();
    }

    /** Starts the demo backend on {@code host:port} (port 0: any free port) with its two default models. */
    public static DemoBackend start(EventLoopGroup group, Transport transport, String host, int port,
            Duration tokenDelay) throws InterruptedException {
        return start(group, transport, host, port, tokenDelay, DemoModels.DEFAULT);
    }

    /**
     * Starts the demo backend serving {@code models}, in that order; an id containing "embed" is an
     * embedding model, any other a chat model.
     *
     * @throws IllegalArgumentException when the list is empty or an id is blank, has white space or repeats
     */
    public static DemoBackend start(EventLoopGroup group, Transport transport, String host, int port,
            Duration tokenDelay, List<String> models) throws InterruptedException {
        return start(group, transport, host, port, tokenDelay, models, FaultPlan.NONE);
    }

    /**
     * Starts the demo backend serving {@code models} with {@code faults} injected from the first
     * connection on.
     *
     * @throws IllegalArgumentException when the list is empty or an id is blank, has white space or repeats
     */
    public static DemoBackend start(EventLoopGroup group, Transport transport, String host, int port,
            Duration tokenDelay, List<String> models, FaultPlan faults) throws InterruptedException {
        return new DemoBackend(group, transport, host, port, tokenDelay, DemoModels.checked(models),
                Objects.requireNonNull(faults, "faults"));
    }

    /**
     * {@code ids} if a demo backend can serve them: at least one, none blank, none with white space,
     * none twice.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public static List<String> checkedModels(List<String> ids) {
        return DemoModels.checked(ids);
    }

    /** The default model ids, {@code demo} and {@code demo-embed}. */
    public static List<String> defaultModels() {
        return DemoModels.DEFAULT;
    }

    /** The model ids this backend serves, in the order {@code /v1/models} lists them. */
    public List<String> models() {
        return models;
    }

    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /** The OpenAI base URL clients (and the proxy) use. */
    public String baseUrl() {
        InetSocketAddress address = (InetSocketAddress) serverChannel.localAddress();
        String host = address.getAddress().isAnyLocalAddress() ? "127.0.0.1" : address.getAddress().getHostAddress();
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort() + "/v1";
    }

    /** Streams being written right now; a client that disconnects ends its stream at once. */
    public int openStreams() {
        return counters.openStreams();
    }

    /**
     * Sets the fault plan from the next request (or connection) on; {@link FaultPlan#NONE} clears it.
     * Answers under way keep the plan they started with. Its numbering of requests starts afresh,
     * so the same plan set again faults the same requests of a run.
     */
    public void fault(FaultPlan plan) {
        faults.set(Objects.requireNonNull(plan, "plan"));
    }

    /** The fault plan in force. */
    public FaultPlan fault() {
        return faults.plan();
    }

    /** What it has served so far: requests, faults by mode, open connections and streams. */
    public DemoStats stats() {
        return counters.snapshot();
    }

    long tokenDelayNanos() {
        return tokenDelayNanos;
    }

    long startedAtSeconds() {
        return startedAtSeconds;
    }

    DemoCounters counters() {
        return counters;
    }

    FaultSwitch faults() {
        return faults;
    }

    @Override
    public void close() {
        serverChannel.close().syncUninterruptibly();
    }

    /**
     * Dies as a crashed server would: stops listening and cuts every open connection, answers under way
     * included (a reset for each, so the other side sees the crash at once).
     */
    public void kill() {
        serverChannel.close().syncUninterruptibly();
        connections.forEach(ch -> ch.config().setOption(ChannelOption.SO_LINGER, 0));
        connections.close().syncUninterruptibly();
    }
}
