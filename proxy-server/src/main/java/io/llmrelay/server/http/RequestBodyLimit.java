package io.llmrelay.server.http;

import io.llmrelay.core.api.ClientApi;
import io.llmrelay.core.api.ErrorBodies;
import io.llmrelay.core.metrics.Refusal;
import io.llmrelay.core.translate.ContentTypes;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.function.Consumer;

/**
 * Aggregates request bodies up to a cap (requests are small JSON and are rewritten whole; responses
 * are never aggregated). Beyond the cap it answers 413 in the caller's API shape instead of Netty's
 * empty one, and closes the connection, since the rest of the body cannot be skipped cheaply. An
 * {@code Expect} other than {@code 100-continue} is refused the same way: 417 in the caller's shape
 * (Netty's own is empty), then the connection closes; nothing more read on it is passed on.
 *
 * <p>The common request, a head with a {@code Content-Length} within the cap and its whole body
 * in the same read, skips the aggregator: the head is held until the next message, and when that is
 * the body's only and last piece the two become one request on the spot, without the composite buffer
 * and the per-message checks the aggregator spends on every request. Anything else (an {@code
 * Expect}, a chunked body, a body in several pieces or reads, an oversized length) goes through the
 * aggregator as before; a held head is handed to it at the end of the read at the latest.
 *
 * <p>Runs on the client channel's event loop. Releases the parts it aggregates; passes on one
 * {@code FullHttpRequest} per request, which the next handler owns; after a refused expectation it
 * releases everything it reads.
 */
public final class RequestBodyLimit extends HttpObjectAggregator {

    /** What the aggregator writes for an expectation this handler refused itself: nothing. */
    private static final Object REFUSED = Unpooled.EMPTY_BUFFER;

    private final int maxBytes;
    private final Consumer<Refusal> refused;
    /** this connection's request was refused at its {@code Expect}; the connection lingers, then closes */
    private boolean refusedExpectation;
    /** a head that may become a whole request with the next message (not reference-counted) */
    private HttpRequest held;

    /** @param refused counts each request refused, by why (on the event loop; must not block) */
    public RequestBodyLimit(int maxBytes, Consumer<Refusal> refused) {
        super(maxBytes, true);
        this.maxBytes = maxBytes;
        this.refused = refused;
    }

    @Override
    protected void finishAggregation(FullHttpMessage aggregated) throws Exception {
        super.finishAggregation(aggregated);
        compact(aggregated.content());
    }

    /**
     * Moves the body into one buffer of its own size. As aggregated it is a slice of the connection's
     * read buffers (2 KiB and more each), and a streamed answer keeps its request, so each open stream
     * held a whole read buffer for a few hundred bytes of JSON: 20 MB of direct memory at 10,000 streams.
     */
    static void compact(ByteBuf content) {
        if (!(content instanceof CompositeByteBuf composite) || !composite.isReadable()) {
            return;
        }
        ByteBuf body = ownCopy(composite.alloc(), composite);
        composite.setIndex(0, 0);
        composite.removeComponents(0, composite.numComponents()); // releases the slices, so the read buffers
        composite.addComponent(true, body);
    }

    /** The readable bytes of {@code body} in a direct buffer of exactly their size. */
    private static ByteBuf ownCopy(ByteBufAllocator alloc, ByteBuf body) {
        int length = body.readableBytes();
        return alloc.directBuffer(length, length).writeBytes(body, body.readerIndex(), length);
    }

    @Override
    protected Object newContinueResponse(HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
        Object response = super.newContinueResponse(start, maxContentLength, pipeline);
        if (response instanceof FullHttpResponse full && start instanceof HttpRequest request) {
            ChannelHandlerContext ctx = pipeline.context(this);
            FullHttpResponse refusal = null;
            if (full.status().equals(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE)) {
                refusal = tooLarge(ctx, request);
            } else if (full.status().equals(HttpResponseStatus.EXPECTATION_FAILED)) {
                refused.accept(Refusal.MALFORMED_HTTP);
                refusal = refusal(ctx, request, HttpResponseStatus.EXPECTATION_FAILED,
                        "unsupported expectation: 'Expect' may only be '100-continue'");
            }
            if (refusal != null) {
                // answered here, lingering (a client may send its body without waiting for 100-continue);
                // the aggregator writes REFUSED instead, which says nothing, and drops this request's content
                full.release();
                refusedExpectation = true;
                LingeringClose.refuse(ctx, refusal);
                return REFUSED;
            }
        }
        return response;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (refusedExpectation) {
            // the codec, told the expectation failed, takes the body the client sent anyway for a new request
            ReferenceCountUtil.release(msg);
            return;
        }
        HttpRequest head = held;
        if (head != null) {
            held = null;
            if (msg instanceof LastHttpContent last && isWholeBody(last)) {
                ctx.fireChannelRead(whole(ctx, head, last));
                return;
            }
            super.channelRead(ctx, head);
        } else if (msg instanceof HttpRequest request && mayHold(request)) {
            held = request;
            return;
        }
        super.channelRead(ctx, msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        handOver(ctx); // the body comes in a later read: the aggregator waits for it (and asks for it)
        super.channelReadComplete(ctx);
    }

    private void handOver(ChannelHandlerContext ctx) throws Exception {
        HttpRequest head = held;
        if (head != null) {
            held = null;
            super.channelRead(ctx, head);
        }
    }

    /**
     * A head whose body can only be one piece of known length within the cap: no {@code Expect} (the
     * aggregator answers those at the head), no transfer coding, a length the cap allows. A head
     * without either length header has an empty body, which the codec sends as the last piece.
     */
    private boolean mayHold(HttpRequest request) {
        if (request instanceof FullHttpMessage || !request.decoderResult().isSuccess()) {
            return false;
        }
        HttpHeaders headers = request.headers();
        if (headers.contains(HttpHeaderNames.EXPECT) || headers.contains(HttpHeaderNames.TRANSFER_ENCODING)) {
            return false;
        }
        return HttpUtil.getContentLength(request, 0L) <= maxBytes;
    }

    private static boolean isWholeBody(LastHttpContent last) {
        return last.decoderResult().isSuccess() && last.trailingHeaders().isEmpty();
    }

    /**
     * The head and its body as one request, as the aggregator would make it: the body in a buffer of its
     * own size (see {@link #compact}), a {@code Content-Length} set where the head had none.
     */
    private static FullHttpRequest whole(ChannelHandlerContext ctx, HttpRequest head, LastHttpContent last) {
        ByteBuf body;
        try {
            body = last.content().isReadable() ? ownCopy(ctx.alloc(), last.content()) : Unpooled.EMPTY_BUFFER;
        } finally {
            last.release();
        }
        FullHttpRequest request = new DefaultFullHttpRequest(head.protocolVersion(), head.method(), head.uri(), body,
                head.headers(), EmptyHttpHeaders.INSTANCE);
        if (!HttpUtil.isContentLengthSet(request)) {
            request.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        }
        return request;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        held = null; // a head whose body never came: nothing to release, nothing to answer
        if (!refusedExpectation) {
            super.channelInactive(ctx);
            return;
        }
        // the aggregator still counts the refused request as being aggregated: its close is no surprise
        try {
            ctx.fireChannelInactive();
        } finally {
            releaseCurrentMessage();
        }
    }

    @Override
    protected boolean closeAfterContinueResponse(Object msg) {
        return msg != REFUSED && super.closeAfterContinueResponse(msg); // LingeringClose closes it
    }

    @Override
    protected boolean ignoreContentAfterContinueResponse(Object msg) {
        return msg == REFUSED || super.ignoreContentAfterContinueResponse(msg);
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        if (!(oversized instanceof HttpRequest)) {
            ctx.close();
            return;
        }
        // the rest of the body is still coming: linger, so the 413 is not lost to a reset
        LingeringClose.refuse(ctx, tooLarge(ctx, (HttpRequest) oversized));
    }

    private FullHttpResponse tooLarge(ChannelHandlerContext ctx, HttpRequest request) {
        refused.accept(Refusal.BODY_TOO_LARGE);
        return refusal(ctx, request, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                "request body too large: the limit is " + maxBytes + " bytes");
    }

    /** An error in the caller's API shape that closes the connection. */
    private static FullHttpResponse refusal(ChannelHandlerContext ctx, HttpRequest request, HttpResponseStatus status,
            String message) {
        ClientApi api = Routes.apiOf(request.uri());
        ByteBuf body = ErrorBodies.body(ctx.alloc(), api, status.code(), message);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, ContentTypes.JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes())
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        return response;
    }
}
