package io.llmrelay.server.upstream;

import io.llmrelay.server.runtime.Headers;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;

/**
 * A request to send to a backend. Owns {@code body} until {@link #release()}: each attempt sends a
 * retained duplicate, so a request can be sent again on a fresh connection if a pooled one turned
 * out to be dead.
 */
public final class UpstreamRequest {

    private final HttpMethod method;
    private final String uri;
    private final HttpHeaders headers;
    private final ByteBuf body;
    private boolean released;

    public UpstreamRequest(HttpMethod method, String uri, HttpHeaders headers, ByteBuf body) {
        this.method = method;
        this.uri = uri;
        this.headers = headers;
        this.body = body;
    }

    /** A fresh message for one attempt; body (retained) and headers are shared, neither is changed by sending. */
    FullHttpRequest newAttempt() {
        if (released) {
            throw new IllegalStateException("request already released");
        }
        return new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri, body.retainedDuplicate(),
                headers, Headers.trustedTrailers().newEmptyHeaders());
    }

    public HttpMethod method() {
        return method;
    }

    public String uri() {
        return uri;
    }

    /** Releases the body; later attempts are impossible. Safe to call more than once. */
    void release() {
        if (!released) {
            released = true;
            body.release();
        }
    }
}
