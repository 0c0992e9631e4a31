package io.llmrelay.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrelay.server.testing.Ndjson;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RequestBodyLimitTest {

    private final java.util.concurrent.atomic.AtomicInteger refused = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.List<io.llmrelay.core.metrics.Refusal> refusals = new java.util.ArrayList<>();

    @Test
    void aBodyWithinTheLimitPassesAggregated() {
        EmbeddedChannel ch = new EmbeddedChannel(new RequestBodyLimit(16, why -> refused.incrementAndGet()));
        HttpRequest head = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/api/chat");
        head.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 5);
        ch.writeInbound(head);
        ch.writeInbound(new io.netty.handler.codec.http.DefaultLastHttpContent(Unpooled.copiedBuffer("hello", StandardCharsets.UTF_8)));
        FullHttpRequest request = ch.readInbound();
        assertThat(request.content().toString(StandardCharsets.UTF_8)).isEqualTo("hello");
        request.release();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void theBodyLetsGoOfTheReadBuffersItCameIn() {
        EmbeddedChannel ch = new EmbeddedChannel(new RequestBodyLimit(1024, why -> refused.incrementAndGet()));
        HttpRequest head = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/api/chat");
        head.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 11);
        // two pieces, each a slice of a large read buffer, as the codec passes them
        io.netty.buffer.ByteBuf read1 = io.netty.buffer.Unpooled.directBuffer(2048).writeBytes("{\"a\":".getBytes(StandardCharsets.UTF_8));
        io.netty.buffer.ByteBuf read2 = io.netty.buffer.Unpooled.directBuffer(2048).writeBytes("\"bcd\"}".getBytes(StandardCharsets.UTF_8));
        ch.writeInbound(head);
        ch.writeInbound(new io.netty.handler.codec.http.DefaultHttpContent(read1.retainedSlice()));
        ch.writeInbound(new io.netty.handler.codec.http.DefaultLastHttpContent(read2.retainedSlice()));
        read1.release();
        read2.release();
        FullHttpRequest request = ch.readInbound();
        assertThat(read1.refCnt()).isZero(); // freed while the request lives on
        assertThat(read2.refCnt()).isZero();
        assertThat(request.content().toString(StandardCharsets.UTF_8)).isEqualTo("{\"a\":\"bcd\"}");
        assertThat(request.content().readerIndex()).isZero();
        assertThat(request.content().readableBytes()).isEqualTo(11);
        request.release();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void anOversizedOllamaRequestGets413WithAnOllamaErrorAndTheConnectionCloses() {
        EmbeddedChannel ch = new EmbeddedChannel(new RequestBodyLimit(16, why -> refused.incrementAndGet()));
        HttpRequest head = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/api/chat");
        head.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 1000);
        ch.writeInbound(head);

        FullHttpResponse response = ch.readOutbound();
        assertThat(response.status().code()).isEqualTo(413);
        JsonNode body = Ndjson.json(response.content().toString(StandardCharsets.UTF_8));
        assertThat(body.get("error").asText()).isEqualTo("request body too large: the limit is 16 bytes");
        assertThat(refused.get()).as("counted").isEqualTo(1);
        assertThat(response.headers().get(HttpHeaderNames.CONTENT_TYPE)).isEqualTo("application/json; charset=utf-8");
        response.release();
        assertThat(ch.isOpen()).isFalse();
        assertThat((Object) ch.readInbound()).isNull();
        ch.finishAndReleaseAll();
    }

    @Test
    void anOversizedChunkedOpenAiRequestGetsAnOpenAiError() {
        EmbeddedChannel ch = new EmbeddedChannel(new RequestBodyLimit(4, why -> refused.incrementAndGet()));
        HttpRequest head = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/v1/chat/completions");
        head.headers().set(HttpHeaderNames.TRANSFER_ENCODING, "chunked");
        ch.writeInbound(head);
        ch.writeInbound(new io.netty.handler.codec.http.DefaultHttpContent(Unpooled.copiedBuffer("12345678", StandardCharsets.UTF_8)));

        FullHttpResponse response = ch.readOutbound();
        assertThat(response.status().code()).isEqualTo(413);
        JsonNode error = Ndjson.json(response.content().toString(StandardCharsets.UTF_8)).get("error");
        assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.get("message").asText()).contains("limit is 4 bytes");
        response.release();
        assertThat(ch.isOpen()).isFalse();
        ch.finishAndReleaseAll();
    }

    /** Found by fuzzing: Netty's own 417 for {@code Expect: 200-ok} had an empty body, in no API's shape. */
    @Test
    void anUnsupportedExpectationGets417InTheCallersShapeAndTheConnectionCloses() {
        EmbeddedChannel ch = new EmbeddedChannel(new RequestBodyLimit(16, why -> refusals.add(why)));
        HttpRequest head = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/v1/chat/completions");
        head.headers().set(HttpHeaderNames.EXPECT, "200-ok").setInt(HttpHeaderNames.CONTENT_LENGTH, 2);
        ch.writeInbound(head);

        FullHttpResponse response = ch.readOutbound();
        assertThat(response.status().code()).isEqualTo(417);
        JsonNode error = Ndjson.json(response.content().toString(StandardCharsets.UTF_8)).get("error");
        assertThat(error.get("type").isTextual()).as("OpenAI's shape").isTrue();
        assertThat(error.get("message").asText())
                .isEqualTo("unsupported expectation: 'Expect' may only be '100-continue'");
        assertThat(response.headers().get(HttpHeaderNames.CONNECTION)).isEqualTo("close");
        assertThat(refusals).containsExactly(io.llmrelay.core.metrics.Refusal.MALFORMED_HTTP);
        response.release();
        assertThat(ch.isOpen()).isFalse();
        assertThat((Object) ch.readInbound()).isNull();
        ch.finishAndReleaseAll();
    }

    @Test
    void aWholeRequestWithinTheLimitIsPassedAsIs() {
        EmbeddedChannel ch = new EmbeddedChannel(new RequestBodyLimit(16, why -> refused.incrementAndGet()));
        FullHttpRequest whole = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/api/tags");
        ch.writeInbound(whole);
        FullHttpRequest out = ch.readInbound();
        assertThat(out.uri()).isEqualTo("/api/tags");
        out.release();
        assertThat(LastHttpContent.EMPTY_LAST_CONTENT.refCnt()).isEqualTo(1);
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    /** Head and whole body in one read, as most requests come: one request, its body in a buffer of its own. */
    @Test
    void aHeadAndItsWholeBodyInOneReadBecomeOneRequestWithoutTheAggregator() {
        EmbeddedChannel ch = new EmbeddedChannel(new RequestBodyLimit(1024, why -> refused.incrementAndGet()));
        HttpRequest head = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/v1/chat/completions");
        head.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 11).set("x-kept", "yes");
        io.netty.buffer.ByteBuf read = Unpooled.directBuffer(2048).writeBytes("{\"a\":\"bcd\"}".getBytes(StandardCharsets.UTF_8));
        ch.writeInbound(head, new io.netty.handler.codec.http.DefaultLastHttpContent(read.retainedSlice()));
        read.release();

        FullHttpRequest request = ch.readInbound();
        assertThat(read.refCnt()).as("the read buffer is let go").isZero();
        assertThat(request.content()).isNotInstanceOf(io.netty.buffer.CompositeByteBuf.class);
        assertThat(request.content().toString(StandardCharsets.UTF_8)).isEqualTo("{\"a\":\"bcd\"}");
        assertThat(request.content().capacity()).isEqualTo(11);
        assertThat(request.method()).isEqualTo(HttpMethod.POST);
        assertThat(request.uri()).isEqualTo("/v1/chat/completions");
        assertThat(request.headers().get("x-kept")).isEqualTo("yes");
        assertThat(request.headers().getInt(HttpHeaderNames.CONTENT_LENGTH)).isEqualTo(11);
        assertThat((Object) ch.readInbound()).isNull();
        request.release();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void aHeadWithoutABodyGetsContentLengthZeroAsTheAggregatorGivesIt() {
        EmbeddedChannel ch = new EmbeddedChannel(new RequestBodyLimit(16, why -> refused.incrementAndGet()));
        ch.writeInbound(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/api/tags"),
                LastHttpContent.EMPTY_LAST_CONTENT);
        FullHttpRequest request = ch.readInbound();
        assertThat(request.content().readableBytes()).isZero();
        assertThat(request.headers().get(HttpHeaderNames.CONTENT_LENGTH)).isEqualTo("0");
        request.release();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void pipelinedRequestsInOneReadComeOutInOrderEachWhole() {
        EmbeddedChannel ch = new EmbeddedChannel(new RequestBodyLimit(64, why -> refused.incrementAndGet()));
        HttpRequest first = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/api/chat");
        first.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 3);
        HttpRequest second = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/api/generate");
        second.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 4);
        ch.writeInbound(first, new io.netty.handler.codec.http.DefaultLastHttpContent(Unpooled.copiedBuffer("one", StandardCharsets.UTF_8)),
                second, new io.netty.handler.codec.http.DefaultLastHttpContent(Unpooled.copiedBuffer("two!", StandardCharsets.UTF_8)));
        FullHttpRequest a = ch.readInbound();
        FullHttpRequest b = ch.readInbound();
        assertThat(a.uri() + " " + a.content().toString(StandardCharsets.UTF_8)).isEqualTo("/api/chat one");
        assertThat(b.uri() + " " + b.content().toString(StandardCharsets.UTF_8)).isEqualTo("/api/generate two!");
        a.release();
        b.release();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    /** A body in pieces, or after the read its head came in, is the aggregator's, as before. */
    @Test
    void aBodyInPiecesInTheSameReadIsStillAggregated() {
        EmbeddedChannel ch = new EmbeddedChannel(new RequestBodyLimit(64, why -> refused.incrementAndGet()));
        HttpRequest head = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/api/chat");
        head.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 6);
        ch.writeInbound(head, new io.netty.handler.codec.http.DefaultHttpContent(Unpooled.copiedBuffer("abc", StandardCharsets.UTF_8)),
                new io.netty.handler.codec.http.DefaultLastHttpContent(Unpooled.copiedBuffer("def", StandardCharsets.UTF_8)));
        FullHttpRequest request = ch.readInbound();
        assertThat(request.content().toString(StandardCharsets.UTF_8)).isEqualTo("abcdef");
        request.release();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    /** With reads under the exchange's control, a head whose body has not come asks for the next read. */
    @Test
    void aHeadWhoseBodyComesLaterAsksForTheNextRead() {
        java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
        EmbeddedChannel ch = new EmbeddedChannel(new io.netty.channel.ChannelOutboundHandlerAdapter() {
            @Override
            public void read(io.netty.channel.ChannelHandlerContext ctx) {
                reads.incrementAndGet();
                ctx.read();
            }
        }, new RequestBodyLimit(64, why -> refused.incrementAndGet()));
        ch.config().setAutoRead(false);
        reads.set(0);
        HttpRequest head = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/api/chat");
        head.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 3);
        ch.writeInbound(head);
        assertThat(reads.get()).isEqualTo(1);
        assertThat((Object) ch.readInbound()).isNull();
        ch.writeInbound(new io.netty.handler.codec.http.DefaultLastHttpContent(Unpooled.copiedBuffer("abc", StandardCharsets.UTF_8)));
        FullHttpRequest request = ch.readInbound();
        assertThat(request.content().toString(StandardCharsets.UTF_8)).isEqualTo("abc");
        request.release();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }
}
