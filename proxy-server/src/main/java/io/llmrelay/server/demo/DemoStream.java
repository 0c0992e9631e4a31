package io.llmrelay.server.demo;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * One streamed answer on one connection: the head, one token event per pace (the first at once),
 * then the finish, usage and {@code [DONE]} events. A fault that shapes answers changes it after
 * {@link #EVENTS_BEFORE_FAULT} token events (fewer if the reply is shorter): a reset, a stall, a
 * broken event or a huge one before the rest; or, for {@code slow-drip}, the whole body goes out a
 * byte at a time. Runs on the connection's event loop; counts itself open from {@link #start()}
 * until it ends, resets or is cancelled (a stalled stream stays open until its client leaves).
 */
final class DemoStream implements Paced {

    /** Token events sent before a mid-stream fault strikes. */
    static final int EVENTS_BEFORE_FAULT = 3;

    private final ChannelHandlerContext ctx;
    private final DemoReply reply;
    private final boolean usage;
    private final boolean keepAlive;
    private final long tokenDelayNanos;
    private final FaultPlan fault;
    private final DemoCounters counters;
    /** The token event a mid-stream fault takes the place of (or comes before); -1 for none. */
    private final int faultAt;
    private ScheduledFuture<?> nextToken;
    private ChannelFuture lastWrite;
    private Drip drip;
    private boolean ended;

    DemoStream(ChannelHandlerContext ctx, DemoReply reply, boolean usage, boolean keepAlive, long tokenDelayNanos,
            FaultPlan fault, DemoCounters counters) {
        this.ctx = ctx;
        this.reply = reply;
        this.usage = usage;
        this.keepAlive = keepAlive;
        this.tokenDelayNanos = tokenDelayNanos;
        this.fault = fault;
        this.counters = counters;
        this.faultAt = fault.active() && fault.mode() != Fault.SLOW_DRIP
                ? Math.min(EVENTS_BEFORE_FAULT, reply.tokens.size()) : -1;
    }

    void start() {
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream");
        HttpUtil.setTransferEncodingChunked(head, true);
        HttpUtil.setKeepAlive(head, keepAlive);
        ctx.writeAndFlush(head);
        counters.streamStarted();
        if (fault.active() && fault.mode() == Fault.SLOW_DRIP) {
            drip = new Drip(ctx, reply.events(usage).getBytes(StandardCharsets.UTF_8), fault.drip().toNanos(), () -> {
                DemoResponses.finish(ctx, LastHttpContent.EMPTY_LAST_CONTENT, keepAlive);
                end();
            });
            drip.start();
            return;
        }
        step(0);
    }

    /** Token event {@code i} is due: the fault strikes here, or the event (or the finish) goes out. */
    private void step(int i) {
        nextToken = null;
        if (ended) {
            return;
        }
        if (!ctx.channel().isActive()) {
            end();
            return;
        }
        if (i == faultAt) {
            switch (fault.mode()) {
                case RESET_MID_STREAM -> {
                    end();
                    resetAfterLastWrite();
                    return;
                }
                case STALL_MID_STREAM -> {
                    return; // nothing more; open until the client leaves and the handler cancels it
                }
                case MALFORMED_SSE -> ctx.write(DemoResponses.content(ctx.alloc(), reply.brokenEvent()));
                case OVERSIZE_EVENT -> {
                    oversizeEvent(() -> emit(i));
                    return;
                }
                default -> throw new IllegalStateException(fault.mode() + " does not shape a stream");
            }
        }
        emit(i);
    }

    private void emit(int i) {
        if (ended) {
            return;
        }
        if (!ctx.channel().isActive()) {
            end();
            return;
        }
        if (i < reply.tokens.size()) {
            lastWrite = ctx.writeAndFlush(event(reply.chunk(i)));
            nextToken = ctx.executor().schedule(() -> step(i + 1), tokenDelayNanos, TimeUnit.NANOSECONDS);
            return;
        }
        ctx.write(event(reply.finishChunk()));
        if (usage) {
            ctx.write(event(reply.usageChunk()));
        }
        ctx.write(new DefaultHttpContent(ByteBufUtil.writeAscii(ctx.alloc(), "data: [DONE]\n\n")));
        DemoResponses.finish(ctx, LastHttpContent.EMPTY_LAST_CONTENT, keepAlive);
        end();
    }

    /** One content event with {@code oversizeBytes} of filler as its text, written piece by piece. */
    private void oversizeEvent(Runnable then) {
        String[] around = reply.contentChunkAround();
        ctx.write(DemoResponses.content(ctx.alloc(), "data: " + around[0]));
        Filler.write(ctx, fault.oversizeBytes(), () -> {
            lastWrite = ctx.writeAndFlush(DemoResponses.content(ctx.alloc(), around[1] + "\n\n"));
            then.run();
        });
    }

    /** Resets once what was written has gone to the socket, so a client that reads sees those events first. */
    private void resetAfterLastWrite() {
        if (lastWrite == null || lastWrite.isDone()) {
            Rst.reset(ctx.channel());
        } else {
            lastWrite.addListener(written -> Rst.reset(ctx.channel()));
        }
    }

    private DefaultHttpContent event(String json) {
        return new DefaultHttpContent(ByteBufUtil.writeUtf8(ctx.alloc(), DemoReply.event(json)));
    }

    @Override
    public void cancel() {
        if (nextToken != null) {
            nextToken.cancel(false); // the client left: stop "generating"
            nextToken = null;
        }
        if (drip != null) {
            drip.cancel();
        }
        end();
    }

    private void end() {
        if (!ended) {
            ended = true;
            counters.streamEnded();
        }
    }
}
