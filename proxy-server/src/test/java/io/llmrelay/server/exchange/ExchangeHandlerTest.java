package io.llmrelay.server.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrelay.core.api.Clocks;
import io.llmrelay.core.resilience.FleetResilience;
import io.llmrelay.core.metrics.RelayMetrics;
import io.llmrelay.server.endpoint.Relay;
import io.llmrelay.server.fleet.Fleet;
import io.llmrelay.server.upstream.Origin;
import io.llmrelay.server.runtime.Transport;
import io.llmrelay.server.endpoint.Endpoints;
import io.llmrelay.server.http.Route;
import io.llmrelay.server.testing.Ndjson;
import io.llmrelay.server.testing.RelayHarness;
import io.llmrelay.server.fleet.Backend;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The connection handler on an embedded channel: dispatch, queueing, ownership of requests. */
class ExchangeHandlerTest {

    private static EventLoopGroup unusedLoops;
    private static Relay relay;

    @BeforeAll
    static void relay() {
        unusedLoops = Transport.NIO.newGroup(1, "unused");
        var config = RelayHarness.config(RelayHarness.backend("http://127.0.0.1:9/v1", null));
        Origin origin = new Origin(config.backends().get(0), config, unusedLoops, Transport.NIO,
                new io.llmrelay.server.upstream.Resolvers(Transport.NIO), Clocks.SYSTEM);
        FleetResilience resilience = Fleet.resilience(config, Clocks.SYSTEM);
        Backend backend = new Backend(origin, config, unusedLoops.next(), Clocks.SYSTEM, resilience.backend(origin.name()));
        relay = new Relay(new ExchangeContext(config, Clocks.SYSTEM, new RelayMetrics()),
                new Fleet(config, List.of(backend), resilience));
    }

    @AfterAll
    static void stop() {
        unusedLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static FullHttpRequest get(String uri) {
        return new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
    }

    @Test
    void answersLocalRoutesAndReleasesTheRequest() {
        EmbeddedChannel ch = new EmbeddedChannel(new ExchangeHandler(relay.context(), Endpoints.dispatcher(relay)));
        FullHttpRequest request = get("/api/version?x=1");
        request.headers().set("X-Request-ID", "abc");
        ch.writeInbound(request);

        FullHttpResponse response = ch.readOutbound();
        assertThat(response.status().code()).isEqualTo(200);
        assertThat(response.headers().get("x-request-id")).isEqualTo("abc");
        assertThat(Ndjson.json(response.content().toString(StandardCharsets.UTF_8)).get("version").asText())
                .isEqualTo("0.12.3");
        response.release();
        assertThat(request.refCnt()).isZero();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void headAnswersHeadersWithTheLengthButNoBody() {
        EmbeddedChannel ch = new EmbeddedChannel(new ExchangeHandler(relay.context(), Endpoints.dispatcher(relay)));
        ch.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.HEAD, "/"));
        FullHttpResponse response = ch.readOutbound();
        assertThat(response.headers().getInt("content-length")).isEqualTo(17);
        assertThat(response.content().readableBytes()).isZero();
        response.release();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void aRequestThatArrivesDuringAnExchangeWaitsItsTurn() {
        List<Exchange> held = new ArrayList<>();
        Map<Route, Endpoint> table = new EnumMap<>(Route.class);
        for (Route r : Route.values()) {
            table.put(r, held::add); // never answers by itself
        }
        EmbeddedChannel ch = new EmbeddedChannel(new ExchangeHandler(relay.context(), new Dispatcher(table)));
        FullHttpRequest first = get("/api/tags");
        FullHttpRequest second = get("/api/ps");
        ch.writeInbound(first);
        ch.writeInbound(second);
        assertThat(held).hasSize(1);
        assertThat(second.refCnt()).isEqualTo(1);

        held.get(0).respondJson(ByteBufUtil.writeAscii(ch.alloc(), "{}"));
        assertThat(first.refCnt()).isZero();
        assertThat(held).hasSize(2);
        assertThat(held.get(1).path()).isEqualTo("/api/ps");
        FullHttpResponse response = ch.readOutbound();
        response.release();

        ch.close(); // the client leaves with the second exchange running
        assertThat(held.get(1).isDone()).isTrue();
        assertThat(held.get(1).outcome()).isEqualTo(Exchange.Outcome.CLIENT_CLOSED);
        assertThat(held.get(1).status()).isEqualTo(499);
        assertThat(second.refCnt()).isZero();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void queuedRequestsAreReleasedWhenTheClientLeaves() {
        List<Exchange> held = new ArrayList<>();
        Map<Route, Endpoint> table = new EnumMap<>(Route.class);
        for (Route r : Route.values()) {
            table.put(r, held::add);
        }
        EmbeddedChannel ch = new EmbeddedChannel(new ExchangeHandler(relay.context(), new Dispatcher(table)));
        FullHttpRequest first = get("/api/tags");
        FullHttpRequest queued = get("/api/ps");
        ch.writeInbound(first, queued);
        ch.close();
        assertThat(first.refCnt()).isZero();
        assertThat(queued.refCnt()).isZero();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void anEndpointThatThrowsGetsA500InTheCallersShape() {
        Map<Route, Endpoint> table = new EnumMap<>(Route.class);
        for (Route r : Route.values()) {
            table.put(r, ex -> {
                throw new IllegalStateException("boom");
            });
        }
        EmbeddedChannel ch = new EmbeddedChannel(new ExchangeHandler(relay.context(), new Dispatcher(table)));
        ch.writeInbound(get("/v1/models"));
        FullHttpResponse response = ch.readOutbound();
        assertThat(response.status().code()).isEqualTo(500);
        assertThat(Ndjson.json(response.content().toString(StandardCharsets.UTF_8)).get("error").get("type").asText())
                .isEqualTo("api_error");
        response.release();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void aReadBurstOfPiecesGoesOutAsOneChunkAndAbandonedPiecesAreReleased() {
        List<Exchange> held = new ArrayList<>();
        Map<Route, Endpoint> table = new EnumMap<>(Route.class);
        for (Route r : Route.values()) {
            table.put(r, held::add);
        }
        EmbeddedChannel ch = new EmbeddedChannel(new ExchangeHandler(relay.context(), new Dispatcher(table)));
        ch.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/api/chat"));
        Exchange ex = held.get(0);
        ex.startResponse(200, "application/x-ndjson", null, false);
        // a piece that is a slice of someone else's buffer must be copied, never written into
        io.netty.buffer.ByteBuf backend = ByteBufUtil.writeAscii(ch.alloc(), "xx{\"a\":1}\nyy");
        ex.write(backend.retainedSlice(2, 8));
        ex.write(ByteBufUtil.writeAscii(ch.alloc(), "{\"b\":2}\n"));
        ex.write(ByteBufUtil.writeAscii(ch.alloc(), "{\"c\":3}\n"));
        assertThat(ex.flushAndCheckWritable()).isTrue();
        io.netty.handler.codec.http.HttpResponse head = ch.readOutbound();
        assertThat(head.status().code()).isEqualTo(200);
        io.netty.handler.codec.http.HttpContent chunk = ch.readOutbound();
        assertThat(chunk.content().toString(StandardCharsets.UTF_8)).isEqualTo("{\"a\":1}\n{\"b\":2}\n{\"c\":3}\n");
        assertThat((Object) ch.readOutbound()).isNull();
        chunk.release();
        assertThat(backend.toString(StandardCharsets.UTF_8)).isEqualTo("xx{\"a\":1}\nyy");
        backend.release();

        io.netty.buffer.ByteBuf unsent = ByteBufUtil.writeAscii(ch.alloc(), "{\"d\":4}\n");
        ex.write(unsent);
        ch.close(); // the client leaves before the burst was flushed
        assertThat(unsent.refCnt()).isZero();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    // ---- stopping

    private static EmbeddedChannel holding(List<Exchange> held) {
        Map<Route, Endpoint> table = new EnumMap<>(Route.class);
        for (Route r : Route.values()) {
            table.put(r, held::add); // never answers by itself
        }
        return new EmbeddedChannel(new ExchangeHandler(relay.context(), new Dispatcher(table)));
    }

    /** Closed, with nothing left behind but the empty write that flushed the last answer. */
    private static void assertClosedAfterItsWrites(EmbeddedChannel ch) {
        ch.runPendingTasks();
        assertThat(ch.isOpen()).isFalse();
        io.netty.buffer.ByteBuf flush = ch.readOutbound();
        assertThat(flush.readableBytes()).isZero();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void aDrainClosesAnIdleConnectionAtOnce() {
        EmbeddedChannel ch = new EmbeddedChannel(new ExchangeHandler(relay.context(), Endpoints.dispatcher(relay)));
        ch.writeInbound(get("/api/version"));
        FullHttpResponse response = ch.readOutbound();
        response.release();
        assertThat(ch.isOpen()).isTrue();

        ch.pipeline().fireUserEventTriggered(ShutdownEvent.DRAIN);
        assertClosedAfterItsWrites(ch);
    }

    @Test
    void aDrainAnswersWhatWasReadTheLastAnswerSayingTheConnectionCloses() {
        List<Exchange> held = new ArrayList<>();
        EmbeddedChannel ch = holding(held);
        FullHttpRequest first = get("/api/tags");
        FullHttpRequest queued = get("/api/ps");
        ch.writeInbound(first, queued);
        ch.pipeline().fireUserEventTriggered(ShutdownEvent.DRAIN);
        assertThat(ch.isOpen()).as("busy: it owes answers").isTrue();

        held.get(0).respondJson(ByteBufUtil.writeAscii(ch.alloc(), "{}"));
        FullHttpResponse one = ch.readOutbound();
        assertThat(one.headers().get("connection")).as("another answer follows").isNull();
        one.release();
        assertThat(held).hasSize(2);
        assertThat(ch.isOpen()).isTrue();

        held.get(1).respondJson(ByteBufUtil.writeAscii(ch.alloc(), "{}"));
        FullHttpResponse two = ch.readOutbound();
        assertThat(two.headers().get("connection")).isEqualTo("close");
        two.release();
        assertThat(queued.refCnt()).isZero();
        assertClosedAfterItsWrites(ch);
    }

    @Test
    void aCutEndsTheRunningAnswerWithA503AndDropsWhatWaits() {
        List<Exchange> held = new ArrayList<>();
        EmbeddedChannel ch = holding(held);
        FullHttpRequest running = get("/v1/models");
        FullHttpRequest queued = get("/api/ps");
        List<Runnable> cancelled = new ArrayList<>();
        ch.writeInbound(running, queued);
        held.get(0).onCancel(() -> cancelled.add(() -> {}));

        ch.pipeline().fireUserEventTriggered(ShutdownEvent.CUT);

        assertThat(cancelled).as("the work behind it is cancelled").hasSize(1);
        Exchange cut = held.get(0);
        assertThat(cut.isDone()).isTrue();
        assertThat(cut.status()).isEqualTo(503);
        assertThat(cut.errorKind()).isEqualTo(io.llmrelay.core.metrics.ErrorKind.SHUTDOWN);
        FullHttpResponse response = ch.readOutbound();
        assertThat(response.status().code()).isEqualTo(503);
        assertThat(response.headers().get("connection")).isEqualTo("close");
        assertThat(Ndjson.json(response.content().toString(StandardCharsets.UTF_8)).get("error").get("message").asText())
                .isEqualTo("llm-relay is shutting down and could not wait for this answer to finish");
        response.release();
        assertThat(held).as("what waited is not answered").hasSize(1);
        assertThat(queued.refCnt()).isZero();
        assertClosedAfterItsWrites(ch);
    }

    @Test
    void aConnectionThatOpensWhileTheProxyDrainsClosesAtOnce() {
        Draining draining = new Draining();
        assertThat(draining.begin()).isTrue();
        assertThat(draining.begin()).as("once").isFalse();
        ExchangeContext stopping = new ExchangeContext(relay.config(), Clocks.SYSTEM, new RelayMetrics(), draining);
        EmbeddedChannel ch = new EmbeddedChannel(new ExchangeHandler(stopping, Endpoints.dispatcher(relay)));
        assertThat(ch.isOpen()).isFalse();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }
}
