package io.llmrelay.server.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrelay.core.json.IncrementalJsonReader;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import java.io.IOException;
import java.util.function.BiConsumer;

/**
 * Collects a backend's JSON answer (parsed as it arrives) for requests the proxy makes on its own
 * behalf. The callback gets the status and the value, or a failure.
 */
public final class JsonResponse implements UpstreamCall.Listener {

    /** A finished JSON exchange: status, the {@code Server} header (or null), body (null when not JSON). */
    public record Result(int status, String server, JsonNode body) {}

    private final IncrementalJsonReader reader;
    private final BiConsumer<Result, UpstreamFailure> callback;
    private int status;
    private String server;
    private boolean unreadable;

    public JsonResponse(long maxBytes, BiConsumer<Result, UpstreamFailure> callback) {
        this.reader = new IncrementalJsonReader(maxBytes);
        this.callback = callback;
    }

    @Override
    public void onHead(HttpResponse head) {
        status = head.status().code();
        server = head.headers().get(HttpHeaderNames.SERVER);
    }

    @Override
    public void onContent(ByteBuf content) {
        if (unreadable) {
            return;
        }
        try {
            reader.feed(content);
        } catch (IOException e) {
            unreadable = true; // keep reading to the end so the connection stays reusable
        }
    }

    @Override
    public void onEnd() {
        JsonNode body = null;
        if (!unreadable) {
            try {
                body = reader.finish();
            } catch (IOException e) {
                body = null;
            }
        }
        callback.accept(new Result(status, server, body), null);
    }

    @Override
    public void onFailure(UpstreamFailure failure) {
        reader.release();
        callback.accept(null, failure);
    }

    @Override
    public boolean onBatchEnd() {
        return true;
    }
}
