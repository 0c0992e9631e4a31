package io.llmrelay.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrelay.core.api.Clocks;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ReadClockTest {

    private final AtomicLong now = new AtomicLong(1_000);
    private final ReadClock clock = new ReadClock(new Clocks(Clock.systemUTC(), now::get));
    /** The caller's clock: what work that does not start a read begins at; counts its reads. */
    private final AtomicLong callerNow = new AtomicLong();
    private final AtomicLong callerReads = new AtomicLong();
    private final Clocks caller = new Clocks(Clock.systemUTC(), () -> {
        callerReads.incrementAndGet();
        return callerNow.get();
    });

    private long claimAt(long at) {
        callerNow.set(at);
        return clock.claim(caller);
    }

    @Test
    void outsideAReadWorkStartsNow() {
        assertThat(claimAt(5_000)).isEqualTo(5_000);
    }

    @Test
    void theFirstClaimInAReadGetsTheReadsStartAndLaterOnesGetNow() {
        RecvByteBufAllocator.Handle handle = clock.newHandle();
        now.set(2_000);
        handle.reset(new EmbeddedChannel().config());

        assertThat(claimAt(2_300)).isEqualTo(2_000);
        assertThat(callerReads).as("the read's start needs no clock read of the caller's").hasValue(0);
        assertThat(claimAt(2_400)).isEqualTo(2_400);
        assertThat(callerReads).hasValue(1);
    }

    @Test
    void anUnclaimedReadDoesNotLeakIntoLaterWork() {
        RecvByteBufAllocator.Handle handle = clock.newHandle();
        handle.reset(new EmbeddedChannel().config());
        handle.readComplete();

        assertThat(claimAt(9_000)).isEqualTo(9_000);
    }

    @Test
    void sizingIsNettysAdaptiveAllocators() {
        RecvByteBufAllocator.Handle handle = clock.newHandle();
        handle.reset(new EmbeddedChannel().config());
        var buf = handle.allocate(ByteBufAllocator.DEFAULT);
        try {
            assertThat(buf.capacity()).isEqualTo(handle.guess()).isPositive();
        } finally {
            buf.release();
        }
        assertThat(clock.maxMessagesPerRead()).isPositive();
    }

    @Test
    void aChannelWithoutOneHasAClockThatNeverMarksARead() {
        assertThat(ReadClock.of(new EmbeddedChannel())).isSameAs(ReadClock.NONE);
        callerNow.set(5_000);
        assertThat(ReadClock.NONE.claim(caller)).as("the caller's clock, fake or not").isEqualTo(5_000);
    }

    /** On a real socket Netty marks the read before the handler sees the bytes. */
    @Test
    void aRealTransportMarksTheReadBeforeTheHandlerRuns() throws Exception {
        Transport transport = Transport.best();
        EventLoopGroup group = transport.newGroup(1, "read-clock-test");
        try {
            CompletableFuture<long[]> seen = new CompletableFuture<>();
            Channel server = new ServerBootstrap()
                    .group(group)
                    .channel(transport.serverChannel)
                    .childHandler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.config().setRecvByteBufAllocator(new ReadClock(Clocks.SYSTEM));
                            ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                                @Override
                                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                    ReferenceCountUtil.release(msg);
                                    long handlerNow = System.nanoTime();
                                    seen.complete(new long[] {ReadClock.of(ctx.channel()).claim(Clocks.SYSTEM), handlerNow});
                                }
                            });
                        }
                    })
                    .bind("127.0.0.1", 0).sync().channel();
            Channel client = new Bootstrap().group(group).channel(transport.socketChannel)
                    .handler(new ChannelInboundHandlerAdapter())
                    .connect(server.localAddress()).sync().channel();
            client.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {1, 2, 3})).sync();

            long[] times = seen.get(10, TimeUnit.SECONDS);
            assertThat(times[0]).isPositive().isLessThan(times[1]);
            client.close().sync();
            server.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
