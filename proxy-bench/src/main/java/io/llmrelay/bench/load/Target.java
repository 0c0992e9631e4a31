package io.llmrelay.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;

/** What every request of a run looks like: built once, sent as cheap copies (shared headers, a duplicated body). */
final class Target {

    final InetSocketAddress address;
    private final HttpMethod method;
    private final String uri;
    private final HttpHeaders headers;
    private final ByteBuf body;

    Target(URI url, String method, byte[] body, List<String> extraHeaders) {
        if (!"http".equals(url.getScheme())) {
            throw new IllegalArgumentException("only http:// URLs are supported: " + url);
        }
        int port = url.getPort() > 0 ? url.getPort() : 80;
        this.address = new InetSocketAddress(url.getHost(), port);
        this.method = HttpMethod.valueOf(method);
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        this.uri = url.getRawQuery() == null ? path : path + "?" + url.getRawQuery();
        this.body = Unpooled.unreleasableBuffer(Unpooled.directBuffer(Math.max(1, body.length)).writeBytes(body));
        HttpHeaders h = new DefaultHttpHeaders();
        h.set(HttpHeaderNames.HOST, url.getHost() + ":" + port);
        h.set(HttpHeaderNames.USER_AGENT, "llm-relay-bench");
        if (body.length > 0 || this.method.equals(HttpMethod.POST)) {
            h.set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
            h.setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        }
        for (String header : extraHeaders) {
            int colon = header.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("header must be 'Name: value': " + header);
            }
            h.add(header.substring(0, colon).trim(), header.substring(colon + 1).trim());
        }
        this.headers = h;
    }

    /** Frees the prebuilt body once no request of the run can be sent any more. */
    void release() {
        body.unwrap().release();
    }

    /** A new request message sharing the prebuilt headers and body bytes (the encoder only reads them). */
    FullHttpRequest request() {
        return new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri, body.duplicate(), headers,
                EmptyHttpHeaders.INSTANCE);
    }
}
