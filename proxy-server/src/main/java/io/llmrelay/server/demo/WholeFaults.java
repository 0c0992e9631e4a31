package io.llmrelay.server.demo;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;

/**
 * The faults that reshape a whole (not streamed) answer, of any route: the demo's answer is built
 * as usual, then cut, padded or dripped here. What a stream gets after a few events, a whole
 * answer gets after half its body. On the connection's event loop; takes over the response and
 * releases it (its body is copied out: demo answers are small).
 */
final class WholeFaults {

    private static final String PADDING_OPEN = "{\"padding\":\"";

    private WholeFaults() {}

    /**
     * Sends {@code response} shaped by {@code fault}.
     *
     * @return the drip still writing, to cancel if the client leaves; null when nothing goes on
     */
    static Paced shape(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive, FaultPlan fault) {
        byte[] body = ByteBufUtil.getBytes(response.content());
        HttpResponse head = new DefaultHttpResponse(response.protocolVersion(), response.status(),
                response.headers().copy());
        response.release();
        int half = body.length / 2;
        switch (fault.mode()) {
            case RESET_MID_STREAM -> {
                ctx.write(head);
                ctx.writeAndFlush(content(ctx, body, half)).addListener(written -> Rst.reset(ctx.channel()));
            }
            case STALL_MID_STREAM -> {
                ctx.write(head);
                ctx.writeAndFlush(content(ctx, body, half)); // the rest never comes
            }
            case MALFORMED_SSE -> {
                // a whole HTTP message whose body is half a JSON object
                head.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, half);
                ctx.write(head);
                DemoResponses.finish(ctx, new DefaultLastHttpContent(ctx.alloc().buffer(half).writeBytes(body, 0, half)),
                        keepAlive);
            }
            case OVERSIZE_EVENT -> padded(ctx, head, body, keepAlive, fault.oversizeBytes());
            case SLOW_DRIP -> {
                ctx.writeAndFlush(head);
                Drip drip = new Drip(ctx, body, fault.drip().toNanos(),
                        () -> DemoResponses.finish(ctx, LastHttpContent.EMPTY_LAST_CONTENT, keepAlive));
                drip.start();
                return drip;
            }
            default -> throw new IllegalArgumentException(fault.mode() + " does not shape an answer");
        }
        return null;
    }

    /**
     * The JSON object {@code body} with a first field {@code "padding"} of {@code bytes} filler:
     * still valid JSON, with a length to match, written piece by piece.
     */
    private static void padded(ChannelHandlerContext ctx, HttpResponse head, byte[] body, boolean keepAlive,
            long bytes) {
        // every demo answer is a JSON object: body[0] is '{'
        String close = body.length > 1 && body[1] == '}' ? "\"" : "\",";
        long length = PADDING_OPEN.length() + bytes + close.length() + (body.length - 1);
        head.headers().set(HttpHeaderNames.CONTENT_LENGTH, length);
        ctx.write(head);
        ctx.write(DemoResponses.content(ctx.alloc(), PADDING_OPEN));
        Filler.write(ctx, bytes, () -> {
            ByteBuf rest = ctx.alloc().buffer(close.length() + body.length - 1);
            rest.writeCharSequence(close, StandardCharsets.US_ASCII);
            rest.writeBytes(body, 1, body.length - 1);
            DemoResponses.finish(ctx, new DefaultLastHttpContent(rest), keepAlive);
        });
    }

    private static DefaultHttpContent content(ChannelHandlerContext ctx, byte[] body, int length) {
        return new DefaultHttpContent(ctx.alloc().buffer(length).writeBytes(body, 0, length));
    }
}
