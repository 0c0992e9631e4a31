package io.llmrelay.server.demo;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import java.util.Arrays;

/**
 * Writes a long run of filler ({@code x}) as answer content, piece by piece: the next piece is
 * made only once the last has gone to the socket, so however long the run (32 MiB by default) the
 * backend holds one 64 KiB piece of it and follows the client's pace. On the connection's event
 * loop; when a write fails (the client left) it stops and never runs what comes after.
 */
final class Filler {

    static final int PIECE = 64 * 1024;
    private static final byte[] X = new byte[PIECE];

    static {
        Arrays.fill(X, (byte) 'x');
    }

    private Filler() {}

    /** Writes {@code bytes} bytes of filler, flushing each piece, then runs {@code then}. */
    static void write(ChannelHandlerContext ctx, long bytes, Runnable then) {
        if (bytes <= 0) {
            then.run();
            return;
        }
        int n = (int) Math.min(PIECE, bytes);
        ByteBuf piece = ctx.alloc().buffer(n).writeBytes(X, 0, n);
        ctx.writeAndFlush(new DefaultHttpContent(piece)).addListener(written -> {
            if (written.isSuccess()) {
                // through the executor, not nested: the write may complete inside this very call
                ctx.executor().execute(() -> write(ctx, bytes - n, then));
            }
        });
    }
}
