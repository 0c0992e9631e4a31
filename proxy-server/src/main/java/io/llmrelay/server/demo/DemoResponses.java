package io.llmrelay.server.demo;

import io.llmrelay.core.json.Json;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

/** Builds and writes the demo's whole (not streamed) answers and the pieces of its streams. */
final class DemoResponses {

    private DemoResponses() {}

    /** A JSON answer; takes over {@code body}. */
    static FullHttpResponse json(boolean keepAlive, int status, ByteBuf body) {
        return whole(keepAlive, status, "application/json", body);
    }

    static FullHttpResponse json(ByteBufAllocator alloc, boolean keepAlive, int status, String json) {
        return json(keepAlive, status, ByteBufUtil.writeUtf8(alloc, json));
    }

    /** An answer with a length and {@code contentType}; takes over {@code body}. */
    static FullHttpResponse whole(boolean keepAlive, int status, String contentType, ByteBuf body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(status), body);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        HttpUtil.setKeepAlive(response, keepAlive);
        return response;
    }

    /** An OpenAI error body; {@code code} is written as it is (no escaping), or null. */
    static String errorBody(String message, String type, String code) {
        return "{\"error\":{\"message\":" + Json.quote(message) + ",\"type\":\"" + type
                + "\",\"param\":null,\"code\":" + (code == null ? "null" : "\"" + code + "\"") + "}}";
    }

    /** Writes the last piece of an answer and closes the connection after it unless it is kept alive. */
    static void finish(ChannelHandlerContext ctx, HttpObject last, boolean keepAlive) {
        var written = ctx.writeAndFlush(last);
        if (!keepAlive) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** Text as a piece of an answer's body, in UTF-8. */
    static HttpContent content(ByteBufAllocator alloc, String text) {
        return new DefaultHttpContent(ByteBufUtil.writeUtf8(alloc, text));
    }
}
