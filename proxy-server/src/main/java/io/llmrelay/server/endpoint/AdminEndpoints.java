package io.llmrelay.server.endpoint;

import com.fasterxml.jackson.core.JsonGenerator;
import io.llmrelay.core.json.Json;
import io.llmrelay.core.metrics.PrometheusText;
import io.llmrelay.core.translate.ContentTypes;
import io.llmrelay.server.runtime.RelayVersion;
import io.llmrelay.server.exchange.Exchange;
import io.llmrelay.server.fleet.Backend;
import io.llmrelay.server.fleet.ModelCatalog;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The answers that need nothing but the proxy itself. */
final class AdminEndpoints {

    private final Relay relay;

    AdminEndpoints(Relay relay) {
        this.relay = relay;
    }

    /** {@code GET|HEAD /}: how tools detect an Ollama server. */
    void root(Exchange ex) {
        ex.respond(200, ContentTypes.TEXT, ByteBufUtil.writeAscii(ex.alloc(), "Ollama is running"));
    }

    /** {@code /api/version}: an Ollama version recent enough for every client gate. */
    void version(Exchange ex) {
        ex.respondJson(ByteBufUtil.writeAscii(ex.alloc(), "{\"version\":\"" + RelayVersion.OLLAMA_COMPATIBLE + "\"}"));
    }

    /** {@code /health}: the process is up and serving. */
    void health(Exchange ex) {
        ex.respondJson(ByteBufUtil.writeAscii(ex.alloc(), "{\"status\":\"ok\"}"));
    }

    /**
     * {@code /health/ready}: 200 when at least one backend can serve (it answers its health probes and
     * its model list was read), else 503. Reads the state the health checks keep; never calls a backend.
     */
    void ready(Exchange ex) {
        boolean anyReady = false;
        ByteBuf out = ex.alloc().buffer(256);
        try (JsonGenerator g = Json.generator(out)) {
            g.writeStartObject();
            g.writeArrayFieldStart("backends");
            for (Backend backend : relay.fleet().backends()) {
                ModelCatalog catalog = backend.catalog();
                ModelCatalog.Snapshot snapshot = catalog.current();
                boolean ready = backend.ready();
                anyReady |= ready;
                g.writeStartObject();
                g.writeStringField("name", backend.name());
                g.writeStringField("type", backend.flavor().id());
                g.writeBooleanField("ready", ready);
                if (snapshot != null) {
                    g.writeNumberField("models", snapshot.models().size());
                }
                String error = backend.health().lastError() != null ? backend.health().lastError()
                        : catalog.lastError() != null && !catalog.listless() ? catalog.lastError()
                        : snapshot == null && !catalog.listless() ? "model list not read yet" : null;
                if (error != null) {
                    g.writeStringField("error", error);
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeStringField("status", anyReady ? "ready" : "not ready");
            g.writeEndObject();
        } catch (IOException e) {
            out.release();
            throw new UncheckedIOException(e);
        }
        ex.respond(anyReady ? 200 : 503, ContentTypes.JSON, out);
    }

    /** {@code /metrics}: Prometheus text format. */
    void metrics(Exchange ex) {
        ex.respond(200, PrometheusText.CONTENT_TYPE, ByteBufUtil.writeUtf8(ex.alloc(), relay.metrics().scrape()));
    }
}
