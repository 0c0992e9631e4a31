package io.llmrelay.server.runtime;

import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;

/**
 * Header maps for messages the proxy builds. Names and values come from the proxy itself or from
 * a message Netty's decoder already checked, so they are not checked again character by character
 * (which was a tenth of a pass-through's Java time).
 */
public final class Headers {

    private static final HttpHeadersFactory TRUSTED = DefaultHttpHeadersFactory.headersFactory()
            .withNameValidation(false).withValueValidation(false);
    private static final HttpHeadersFactory TRUSTED_TRAILERS = DefaultHttpHeadersFactory.trailersFactory()
            .withNameValidation(false).withValueValidation(false);

    private Headers() {}

    public static HttpHeadersFactory trusted() {
        return TRUSTED;
    }

    public static HttpHeadersFactory trustedTrailers() {
        return TRUSTED_TRAILERS;
    }

    public static HttpHeaders newTrusted() {
        return TRUSTED.newHeaders();
    }
}
