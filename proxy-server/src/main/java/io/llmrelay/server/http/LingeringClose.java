package io.llmrelay.server.http;

import io.llmrelay.server.runtime.PipelineNames;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes a connection after a refusal (400 for malformed HTTP, 413, 414, 431) without losing the
 * refusal. Closing a socket while the client's bytes are still unread makes the kernel send a reset,
 * and a reset destroys what the client had not read yet: the client sees "connection reset" instead of
 * the 4xx that says why. So, like a web server's lingering close, the answer is followed by the end of
 * the sending side (FIN), and whatever the client still sends is read and dropped until it closes too,
 * for at most {@link #LINGER_MILLIS} and {@link #MAX_DISCARDED_BYTES}; then the connection is closed.
 *
 * <p>Put first in the pipeline once lingering starts, so nothing more reaches the codec. Runs on the
 * channel's event loop; releases every message it reads and passes nothing on.
 */
public final class LingeringClose extends ChannelInboundHandlerAdapter {

    static final long LINGER_MILLIS = 2_000;
    static final long MAX_DISCARDED_BYTES = 8L * 1024 * 1024;

    /** Starts lingering once the refusal is out; as a task, so writes already under way are made first. */
    private static final ChannelFutureListener AFTER_WRITE =
            future -> future.channel().eventLoop().execute(() -> start(future.channel()));

    /**
     * Writes a refusal that ends the connection, then lingers.
     *
     * @param ctx the context of the handler that refuses; the write starts there
     */
    public static void refuse(ChannelHandlerContext ctx, Object response) {
        ctx.writeAndFlush(response).addListener(AFTER_WRITE);
    }

    private long discarded;
    private ScheduledFuture<?> deadline;

    private LingeringClose() {}

    /** True while {@code ch} lingers: whatever it still reads is dropped, nothing more is answered. */
    public static boolean lingering(Channel ch) {
        return ch.pipeline().get(LingeringClose.class) != null;
    }

    /** Starts lingering on {@code ch}; a channel that cannot half-close (or is closed) is closed at once. */
    static void start(Channel ch) {
        if (!(ch instanceof DuplexChannel duplex) || !ch.isActive() || duplex.isOutputShutdown()) {
            ch.close();
            return;
        }
        if (ch.pipeline().get(LingeringClose.class) != null) {
            return;
        }
        LingeringClose linger = new LingeringClose();
        ch.pipeline().addFirst(PipelineNames.LINGER, linger);
        linger.deadline = ch.eventLoop().schedule(() -> {
            ch.close();
        }, LINGER_MILLIS, TimeUnit.MILLISECONDS);
        duplex.shutdownOutput().addListener(f -> {
            if (!f.isSuccess()) {
                ch.close();
            }
        });
        ch.read(); // auto-read is off: ask for what the client still sends
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf buf) {
            discarded += buf.readableBytes();
        }
        ReferenceCountUtil.release(msg);
        if (discarded > MAX_DISCARDED_BYTES) {
            ctx.close();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            ctx.read();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (deadline != null) {
            deadline.cancel(false);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close(); // a reset from the client while lingering: nothing left to say
    }
}
