package io.llmrelay.server.endpoint;

import com.fasterxml.jackson.core.JsonGenerator;
import io.llmrelay.core.config.ResilienceConfig;
import io.llmrelay.core.json.Json;
import io.llmrelay.core.registry.ModelRoute;
import io.llmrelay.core.metrics.PrometheusText;
import io.llmrelay.core.translate.ContentTypes;
import io.llmrelay.server.runtime.RelayVersion;
import io.llmrelay.server.exchange.Exchange;
import io.llmrelay.server.fleet.Backend;
import io.llmrelay.server.fleet.Fleet;
import io.llmrelay.server.fleet.ModelCatalog;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

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

    /** {@code /health}: the process is up and serving (while it drains too: it is alive until it exits). */
    void health(Exchange ex) {
        ex.respondJson(ByteBufUtil.writeAscii(ex.alloc(), "{\"status\":\"ok\"}"));
    }

    /**
     * {@code /health/ready}: 200 when the fleet can serve — under {@code health.ready: models} (the
     * default) every model of the catalogue has a backend that can serve it, under {@code any} at
     * least one backend can — else 503. A backend can serve when it answers its health probes and
     * its model list was read (or it has none to give). Reads the state the health checks keep;
     * never calls a backend. From the moment a stop begins it is 503 {@code "draining"}, whatever
     * the backends' state: a load balancer should send nothing new.
     */
    void ready(Exchange ex) {
        if (relay.draining().isOn()) {
            ex.respond(503, ContentTypes.JSON, ByteBufUtil.writeAscii(ex.alloc(), "{\"status\":\"draining\"}"));
            return;
        }
        Fleet fleet = relay.fleet(); // one fleet for the whole answer, whatever a reload swaps in meanwhile
        List<Backend> backends = fleet.backends();
        boolean[] readyNow = new boolean[backends.size()]; // read once: the answer must agree with itself
        boolean anyReady = false;
        for (int i = 0; i < readyNow.length; i++) {
            readyNow[i] = backends.get(i).ready();
            anyReady |= readyNow[i];
        }
        List<String> stranded = new ArrayList<>();
        if (fleet.config().resilience().health().ready() == ResilienceConfig.Ready.EVERY_MODEL) {
            for (ModelRoute route : fleet.registry().models()) {
                if (!servable(fleet, route)) {
                    stranded.add(route.name());
                }
            }
        }
        boolean ready = anyReady && stranded.isEmpty();
        ByteBuf out = ex.alloc().buffer(256);
        try (JsonGenerator g = Json.generator(out)) {
            g.writeStartObject();
            g.writeArrayFieldStart("backends");
            for (int i = 0; i < readyNow.length; i++) {
                writeBackend(g, backends.get(i), readyNow[i]);
            }
            g.writeEndArray();
            if (!stranded.isEmpty()) {
                g.writeArrayFieldStart("models_without_a_backend");
                for (String model : stranded.subList(0, Math.min(stranded.size(), 50))) {
                    g.writeString(model);
                }
                g.writeEndArray();
            }
            g.writeStringField("status", ready ? "ready" : "not ready");
            g.writeEndObject();
        } catch (IOException e) {
            out.release();
            throw new UncheckedIOException(e);
        }
        ex.respond(ready ? 200 : 503, ContentTypes.JSON, out);
    }

    private static boolean servable(Fleet fleet, ModelRoute route) {
        for (ModelRoute.Target t : route.targets()) {
            Backend b = fleet.named(t.backend());
            if (b != null && b.ready()) {
                return true;
            }
        }
        return false;
    }

    private static void writeBackend(JsonGenerator g, Backend backend, boolean ready) throws IOException {
        ModelCatalog catalog = backend.catalog();
        ModelCatalog.Snapshot snapshot = catalog.current();
        g.writeStartObject();
        g.writeStringField("name", backend.name());
        g.writeStringField("type", backend.flavor().id());
        g.writeBooleanField("ready", ready);
        if (snapshot != null) {
            g.writeNumberField("models", snapshot.models().size());
        }
        String error = ready ? null : backend.health().lastError() != null ? backend.health().lastError()
                : catalog.lastError() != null && !catalog.listless() ? catalog.lastError()
                : snapshot == null && !catalog.listless() ? "model list not read yet" : null;
        if (error != null) {
            g.writeStringField("error", error);
        }
        g.writeEndObject();
    }

    /** {@code /metrics}: Prometheus text format. */
    void metrics(Exchange ex) {
        ex.respond(200, PrometheusText.CONTENT_TYPE, ByteBufUtil.writeUtf8(ex.alloc(), relay.metrics().scrape()));
    }
}
