package io.llmrelay.bench.mock;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.llmrelay.core.json.Json;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * One connection of the mock backend. Answers are precomputed buffers written as duplicates; every
 * pause is a task scheduled on the channel's event loop, never a sleep. Requests arrive whole
 * (aggregated) and are released here once answered. A request that arrives while an answer is still
 * streaming (pipelining) waits its turn; a client that leaves cancels its stream.
 *
 * <p>Owns: each {@link FullHttpRequest} it receives (released after reading the fields it needs).
 */
final class MockHandler extends ChannelInboundHandlerAdapter {

    private static final AsciiString EVENT_STREAM = AsciiString.cached("text/event-stream");
    private static final AsciiString JSON = AsciiString.cached("application/json");

    private final MockServer server;
    private final ArrayDeque<FullHttpRequest> waiting = new ArrayDeque<>(2);
    private ScheduledFuture<?> pending;
    private boolean busy;

    MockHandler(MockServer server) {
        this.server = server;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest request)) {
            io.netty.util.ReferenceCountUtil.release(msg);
            return;
        }
        if (busy) {
            waiting.add(request);
            return;
        }
        handle(ctx, request);
    }

    private void handle(ChannelHandlerContext ctx, FullHttpRequest request) {
        boolean keepAlive;
        String path;
        HttpMethod method;
        Fields fields = null;
        try {
            keepAlive = HttpUtil.isKeepAlive(request);
            String uri = request.uri();
            int q = uri.indexOf('?');
            path = q < 0 ? uri : uri.substring(0, q);
            method = request.method();
            if (method.equals(HttpMethod.POST)) {
                fields = Fields.read(request.content());
            }
        } finally {
            request.release();
        }
        busy = true;
        if (method.equals(HttpMethod.GET) && (path.equals("/") || path.equals("/health"))) {
            whole(ctx, keepAlive, 200, "text/plain", "mock is running");
        } else if (method.equals(HttpMethod.GET) && path.equals("/v1/models")) {
            whole(ctx, keepAlive, 200, "application/json", server.modelList());
        } else if (method.equals(HttpMethod.POST) && path.equals("/v1/chat/completions")) {
            if (fields == null || fields.model == null) {
                whole(ctx, keepAlive, 400, "application/json",
                        "{\"error\":{\"message\":\"model is required\",\"type\":\"invalid_request_error\"}}");
            } else {
                complete(ctx, keepAlive, fields);
            }
        } else if (method.equals(HttpMethod.POST) && path.equals("/v1/embeddings")) {
            whole(ctx, keepAlive, 200, "application/json", server.embeddings(fields == null ? 1 : fields.inputs,
                    fields == null || fields.model == null ? "mock-embed" : fields.model));
        } else {
            whole(ctx, keepAlive, 404, "application/json",
                    "{\"error\":{\"message\":\"not found: " + method + " " + path + "\",\"type\":\"invalid_request_error\"}}");
        }
    }

    private void complete(ChannelHandlerContext ctx, boolean keepAlive, Fields fields) {
        MockProfile profile = server.profile(fields.model);
        if (!fields.stream) {
            long wait = profile.totalNanos();
            if (wait <= 0) {
                sendCompletion(ctx, keepAlive, profile);
            } else {
                pending = ctx.executor().schedule(() -> sendCompletion(ctx, keepAlive, profile), wait, TimeUnit.NANOSECONDS);
            }
            return;
        }
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, EVENT_STREAM)
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE)
                .set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        if (!keepAlive) {
            head.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        ctx.write(head);
        ctx.write(new DefaultHttpContent(profile.roleEvent.duplicate()));
        if (profile.ttftNanos == 0 && profile.delayNanos == 0) { // zero-latency profile: one burst
            for (int i = 0; i < profile.events; i++) {
                ctx.write(new DefaultHttpContent(profile.tokenEvent.duplicate()));
            }
            finishStream(ctx, keepAlive, profile, fields.usage);
            return;
        }
        ctx.flush();
        pending = ctx.executor().schedule(() -> token(ctx, keepAlive, profile, fields.usage, 0),
                profile.ttftNanos, TimeUnit.NANOSECONDS);
    }

    private void token(ChannelHandlerContext ctx, boolean keepAlive, MockProfile profile, boolean usage, int i) {
        pending = null;
        if (!ctx.channel().isActive()) {
            return;
        }
        if (i >= profile.events) {
            finishStream(ctx, keepAlive, profile, usage);
            return;
        }
        ctx.writeAndFlush(new DefaultHttpContent(profile.tokenEvent.duplicate()));
        if (i + 1 >= profile.events) {
            finishStream(ctx, keepAlive, profile, usage);
        } else {
            pending = ctx.executor().schedule(() -> token(ctx, keepAlive, profile, usage, i + 1),
                    profile.delayNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void finishStream(ChannelHandlerContext ctx, boolean keepAlive, MockProfile profile, boolean usage) {
        ctx.write(new DefaultHttpContent((usage ? profile.tailWithUsage : profile.tailWithoutUsage).duplicate()));
        var done = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        answered(ctx, keepAlive, done);
    }

    private void sendCompletion(ChannelHandlerContext ctx, boolean keepAlive, MockProfile profile) {
        pending = null;
        if (!ctx.channel().isActive()) {
            return;
        }
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                profile.completion.duplicate());
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        if (!keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        answered(ctx, keepAlive, ctx.writeAndFlush(response));
    }

    private void whole(ChannelHandlerContext ctx, boolean keepAlive, int status, String type, String body) {
        ByteBuf content = body.isEmpty() ? Unpooled.EMPTY_BUFFER : ByteBufUtil.writeUtf8(ctx.alloc(), body);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
                content);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, type)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
        if (!keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        answered(ctx, keepAlive, ctx.writeAndFlush(response));
    }

    /** The answer is written: close, or take the next waiting request. */
    private void answered(ChannelHandlerContext ctx, boolean keepAlive, io.netty.channel.ChannelFuture done) {
        busy = false;
        if (!keepAlive) {
            done.addListener(ChannelFutureListener.CLOSE);
            releaseWaiting();
            return;
        }
        FullHttpRequest next = waiting.poll();
        if (next != null) {
            handle(ctx, next);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (pending != null) {
            pending.cancel(false); // the client left: stop "generating"
            pending = null;
        }
        releaseWaiting();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    private void releaseWaiting() {
        FullHttpRequest r;
        while ((r = waiting.poll()) != null) {
            r.release();
        }
    }

    /** The few request fields the mock looks at, read with a streaming parser (values skipped, not built). */
    static final class Fields {
        String model;
        boolean stream;
        boolean usage;
        int inputs = 1;

        static Fields read(ByteBuf body) {
            Fields f = new Fields();
            if (!body.isReadable()) {
                return f;
            }
            try (InputStream in = new ByteBufInputStream(body.duplicate());
                    JsonParser p = Json.FACTORY.createParser(in)) {
                if (p.nextToken() != JsonToken.START_OBJECT) {
                    return f;
                }
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    JsonToken value = p.nextToken();
                    switch (name) {
                        case "model" -> f.model = value == JsonToken.VALUE_STRING ? p.getText() : null;
                        case "stream" -> f.stream = value == JsonToken.VALUE_TRUE;
                        case "stream_options" -> {
                            if (value == JsonToken.START_OBJECT) {
                                while (p.nextToken() == JsonToken.FIELD_NAME) {
                                    String option = p.currentName();
                                    JsonToken v = p.nextToken();
                                    if (option.equals("include_usage")) {
                                        f.usage = v == JsonToken.VALUE_TRUE;
                                    } else {
                                        p.skipChildren();
                                    }
                                }
                            }
                        }
                        case "input" -> {
                            if (value == JsonToken.START_ARRAY) {
                                int n = 0;
                                while (p.nextToken() != JsonToken.END_ARRAY) {
                                    p.skipChildren();
                                    n++;
                                }
                                f.inputs = n;
                            }
                        }
                        default -> p.skipChildren();
                    }
                }
            } catch (IOException e) {
                // a broken body: the fields found so far decide (model missing gives a 400)
            }
            return f;
        }
    }
}
