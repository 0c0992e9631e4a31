package io.llmrelay.server.demo;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;

/**
 * The faults that put something else in the answer's place, the same for a stream and a whole
 * answer: a reset, silence, an error status, an HTML page. On the connection's event loop; what
 * it writes the codec releases.
 */
final class FaultAnswers {

    static final String HTML = "<!DOCTYPE html>\n<html><head><title>Sign in</title></head>"
            + "<body><h1>Please sign in to continue</h1>"
            + "<p>This page stands where an API answer was expected (llm-relay demo backend, fault wrong-content-type).</p>"
            + "</body></html>\n";

    private FaultAnswers() {}

    static void replace(ChannelHandlerContext ctx, boolean keepAlive, FaultPlan fault) {
        switch (fault.mode()) {
            case REFUSE, RESET_BEFORE_HEADERS -> Rst.reset(ctx.channel());
            case STALL_BEFORE_FIRST_BYTE -> {
                // nothing, ever: the connection stays open until the client gives up
            }
            case STATUS_500 -> error(ctx, keepAlive, 500, DemoResponses.errorBody(
                    "The demo backend failed on purpose (fault 500).", "server_error", null), -1);
            case STATUS_429 -> error(ctx, keepAlive, 429, DemoResponses.errorBody(
                    "Rate limit reached (fault 429); retry after " + fault.retryAfterSeconds() + " s.", "requests",
                    "rate_limit_exceeded"), fault.retryAfterSeconds());
            case STATUS_503 -> error(ctx, keepAlive, 503, DemoResponses.errorBody(
                    "The server is overloaded or not ready yet (fault 503).", "server_error", "service_unavailable"),
                    fault.retryAfterSeconds());
            case WRONG_CONTENT_TYPE -> DemoResponses.finish(ctx, DemoResponses.whole(keepAlive, 200,
                    "text/html; charset=utf-8", ByteBufUtil.writeUtf8(ctx.alloc(), HTML)), keepAlive);
            default -> throw new IllegalArgumentException(fault.mode() + " shapes the answer, it does not replace it");
        }
    }

    /** An OpenAI error, with {@code Retry-After} unless {@code retryAfterSeconds} is negative. */
    private static void error(ChannelHandlerContext ctx, boolean keepAlive, int status, String body,
            int retryAfterSeconds) {
        FullHttpResponse response = DemoResponses.json(ctx.alloc(), keepAlive, status, body);
        if (retryAfterSeconds >= 0) {
            response.headers().setInt(HttpHeaderNames.RETRY_AFTER, retryAfterSeconds);
        }
        DemoResponses.finish(ctx, response, keepAlive);
    }
}
