package io.llmrelay.server.upstream;

import io.llmrelay.server.runtime.HeaderNameSet;
import io.llmrelay.server.runtime.Headers;
import io.llmrelay.core.backend.BackendFlavor;
import io.llmrelay.core.config.BackendConfig;
import io.llmrelay.server.runtime.RelayVersion;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.util.AsciiString;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Builds requests to backends. Headers are the backend's own (Host, the proxy's credentials), never
 * the client's Host or credentials: a backend with a key ({@code api_key_env}) receives exactly
 * {@code Authorization: Bearer <its key>}; one without receives no {@code Authorization} (but one its
 * own {@code headers:} set), unless it sets {@code pass_client_auth}, then the client's own. A
 * client's {@code x-api-key} is never forwarded. Every path that sends a client's request (translated,
 * passed through, Ollama nodes, model management) is built here.
 */
public final class UpstreamRequests {

    static final AsciiString X_REQUEST_ID = AsciiString.cached("x-request-id");
    /** A client's choice of backend (for Ollama model management); the proxy's business, not the backend's. */
    public static final AsciiString X_RELAY_BACKEND = AsciiString.cached("x-relay-backend");
    /** A client's key for the proxy (or Anthropic-style clients' key): never a backend's business. */
    static final AsciiString X_API_KEY = AsciiString.cached("x-api-key");

    /** Hop-by-hop headers, and the ones the proxy sets itself; never copied from a client. */
    private static final HeaderNameSet NOT_FORWARDED = HeaderNameSet.of(
            HttpHeaderNames.CONNECTION, HttpHeaderNames.KEEP_ALIVE, HttpHeaderNames.PROXY_AUTHENTICATE,
            HttpHeaderNames.PROXY_AUTHORIZATION, HttpHeaderNames.TE, HttpHeaderNames.TRAILER,
            HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderNames.UPGRADE, HttpHeaderNames.HOST,
            HttpHeaderNames.CONTENT_LENGTH, HttpHeaderNames.EXPECT, HttpHeaderNames.ACCEPT_ENCODING,
            AsciiString.cached("proxy-connection"), X_REQUEST_ID, X_RELAY_BACKEND, X_API_KEY);

    private UpstreamRequests() {}

    /**
     * A JSON request written by the proxy (translated, or its own, e.g. an Ollama node's
     * {@code /api/show}) to {@code path}, the full path on the backend. {@code body} is owned by the result.
     */
    public static UpstreamRequest json(BackendConfig backend, String path, ByteBuf body, String requestId, boolean sse) {
        return json(backend, path, body, requestId, sse, null);
    }

    /**
     * A JSON request the proxy wrote for a client's request (a translation), as {@link #json(BackendConfig,
     * String, ByteBuf, String, boolean)}; {@code client}'s {@code Authorization} goes along only to a
     * backend with {@code pass_client_auth}.
     */
    public static UpstreamRequest translated(BackendConfig backend, String path, ByteBuf body, String requestId,
            boolean sse, HttpHeaders client) {
        return json(backend, path, body, requestId, sse, client.get(HttpHeaderNames.AUTHORIZATION));
    }

    private static UpstreamRequest json(BackendConfig backend, String path, ByteBuf body, String requestId, boolean sse,
            String clientAuthorization) {
        HttpHeaders headers = base(backend, requestId);
        headers.set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .set(HttpHeaderNames.ACCEPT, sse ? "text/event-stream" : "application/json")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes())
                .set(HttpHeaderNames.USER_AGENT, RelayVersion.userAgent());
        authorize(backend, headers, clientAuthorization);
        return new UpstreamRequest(HttpMethod.POST, path, headers, body);
    }

    /** A GET the proxy makes on its own behalf (the model list, a probe, a server's own facts) of {@code path}, the full path. */
    public static UpstreamRequest get(BackendConfig backend, String path, String requestId) {
        HttpHeaders headers = base(backend, requestId);
        headers.set(HttpHeaderNames.ACCEPT, HttpHeaderValues.APPLICATION_JSON)
                .set(HttpHeaderNames.USER_AGENT, RelayVersion.userAgent());
        authorize(backend, headers, null);
        return new UpstreamRequest(HttpMethod.GET, path, headers, Unpooled.EMPTY_BUFFER);
    }

    /**
     * A client's request forwarded as bytes to {@code pathAndQuery} (the full path on the backend):
     * {@code body} (owned by the result) as given, end-to-end headers kept, hop-by-hop (and those the
     * client's {@code Connection} names) and Host replaced, the client's credentials dropped (its
     * {@code Authorization} sent again only with {@code pass_client_auth}).
     */
    public static UpstreamRequest passThrough(BackendConfig backend, FullHttpRequest client, String pathAndQuery,
            String requestId, ByteBuf body) {
        HttpHeaders headers = Headers.newTrusted();
        String clientAuth = null;
        List<String> hopToo = NOT_FORWARDED.alsoListedIn(client.headers().get(HttpHeaderNames.CONNECTION));
        Iterator<Map.Entry<CharSequence, CharSequence>> given = client.headers().iteratorCharSequence();
        while (given.hasNext()) {
            Map.Entry<CharSequence, CharSequence> header = given.next();
            CharSequence name = header.getKey();
            if (HttpHeaderNames.AUTHORIZATION.contentEqualsIgnoreCase(name)) {
                if (clientAuth == null) {
                    clientAuth = header.getValue().toString();
                }
            } else if (!NOT_FORWARDED.contains(name) && !HeaderNameSet.listed(hopToo, name)) {
                headers.add(name, header.getValue());
            }
        }
        base(backend, requestId, headers);
        if (body.isReadable() || !client.method().equals(HttpMethod.GET) && !client.method().equals(HttpMethod.HEAD)) {
            headers.setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        }
        authorize(backend, headers, clientAuth);
        return new UpstreamRequest(client.method(), pathAndQuery, headers, body);
    }

    private static HttpHeaders base(BackendConfig backend, String requestId) {
        return base(backend, requestId, Headers.newTrusted());
    }

    private static HttpHeaders base(BackendConfig backend, String requestId, HttpHeaders headers) {
        headers.set(HttpHeaderNames.HOST, backend.hostHeader())
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE)
                .set(X_REQUEST_ID, requestId);
        if (backend.flavor() == BackendFlavor.OPENROUTER) {
            headers.set("X-Title", "llm-relay"); // OpenRouter's app attribution header
        }
        // the operator's own (e.g. OpenRouter's HTTP-Referer and X-Title) win over ours
        backend.options().headers().forEach(headers::set);
        return headers;
    }

    /**
     * The backend's key when it has one; else the client's own {@code Authorization} if the backend
     * asked for it ({@code pass_client_auth}); else nothing (an {@code Authorization} of the backend's
     * own {@code headers:} stays: it is the operator's, not a client's).
     */
    private static void authorize(BackendConfig backend, HttpHeaders headers, String clientAuthorization) {
        if (backend.apiKey() != null) {
            headers.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + backend.apiKey().reveal());
        } else if (clientAuthorization != null && backend.options().passClientAuth()) {
            headers.set(HttpHeaderNames.AUTHORIZATION, clientAuthorization);
        }
    }
}
