package io.llmrelay.server.endpoint;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrelay.core.api.RelayException;
import io.llmrelay.core.backend.ModelInfo;
import io.llmrelay.core.metrics.ErrorKind;
import io.llmrelay.core.route.LoadedModels;
import io.llmrelay.core.translate.ContentTypes;
import io.llmrelay.core.translate.OllamaModels;
import io.llmrelay.core.translate.OllamaRequests;
import io.llmrelay.server.exchange.Exchange;
import io.llmrelay.server.fleet.Backend;
import io.llmrelay.server.fleet.Fleet;
import io.llmrelay.server.upstream.UpstreamFailure;
import io.llmrelay.core.registry.ModelRoute;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Ollama's model endpoints, answered from the backends' model lists: list, show, ps, and pull of a
 * model that is already served. Model management the proxy cannot do (push, create, copy, delete,
 * blobs) gets a clear Ollama-shaped error.
 */
final class OllamaModelEndpoints {

    /** Listing is what clients call to discover models: read it fresh, but let a burst share one read. */
    static final Duration LIST_MAX_AGE = Duration.ofSeconds(2);

    private final Relay relay;

    OllamaModelEndpoints(Relay relay) {
        this.relay = relay;
    }

    /** {@code /api/tags}: every model of the fleet the client's key may use, once each. */
    void tags(Exchange ex) {
        Fleet fleet = relay.fleet(); // this request's, whatever a reload swaps in meanwhile
        fleet.refreshed(ex.loop(), LIST_MAX_AGE, () -> ex.resume(() -> {
            List<ModelRoute> all = fleet.registry().models();
            if (all.isEmpty()) {
                failIfNoneListed(ex, fleet);
                if (ex.isDone()) {
                    return;
                }
            }
            List<ModelRoute> routes = ModelAccess.visible(ex, all);
            List<OllamaModels.Listed> listed = new ArrayList<>(routes.size());
            for (ModelRoute route : routes) {
                listed.add(new OllamaModels.Listed(route.listing(), relay.startedAt()));
            }
            ByteBuf out = ex.alloc().buffer(256 + 512 * listed.size());
            OllamaModels.tags(listed, offset(relay), out);
            ex.respondJson(out);
        }));
    }

    /** No list could be read from any backend: say why rather than answer an empty list. */
    private static void failIfNoneListed(Exchange ex, Fleet fleet) {
        List<Backend> unlisted = fleet.unlisted();
        if (unlisted.size() == fleet.backends().size()) {
            UpstreamFailure first = unlisted.get(0).catalog().lastFailure();
            if (first != null) {
                ex.fail(first.status(), first.message(), first.kind());
            }
        }
    }

    /**
     * {@code /api/show}: details, {@code model_info} with the context length, capabilities; a model the
     * client's key may not use is not found.
     */
    void show(Exchange ex) {
        String model = OllamaRequests.model(RequestBodies.json(ex.request().content()));
        ModelLookup.findListed(ex, relay.fleet(), model, route -> {
            ByteBuf out = ex.alloc().buffer(1024);
            OllamaModels.show(new OllamaModels.Listed(route.listing(), relay.startedAt()),
                    route.targets().get(0).backend(), offset(relay), out);
            ex.respondJson(out);
        });
    }

    /** {@code /api/ps}: the models clients used within their keep-alive (those the client's key may use). */
    void ps(Exchange ex) {
        List<OllamaModels.Loaded> loaded = new ArrayList<>();
        for (LoadedModels.Entry e : relay.loadedModels().current(relay.clocks().wall().instant())) {
            if (ex.mayUse(e.model().id())) {
                loaded.add(new OllamaModels.Loaded(e.model(), e.expiresAt()));
            }
        }
        ByteBuf out = ex.alloc().buffer(128 + 512 * loaded.size());
        OllamaModels.ps(loaded, offset(relay), out);
        ex.respondJson(out);
    }

    /**
     * {@code /api/pull}: with Ollama nodes in the fleet, the node's own pull (see {@link #manage});
     * without, a model a backend already serves is "pulled" at once (the stream ends with
     * {@code status: success}, as ollama-js requires) and anything else cannot be downloaded.
     */
    void pull(Exchange ex) {
        Fleet fleet = relay.fleet();
        if (OllamaNodes.any(fleet)) {
            manage(ex, fleet);
            return;
        }
        JsonNode body = RequestBodies.json(ex.request().content());
        OllamaRequests.requireObject(body);
        String model = OllamaRequests.model(body);
        boolean stream = !body.path("stream").isBoolean() || body.path("stream").booleanValue();
        String hint = ": llm-relay cannot download models, it serves the models its backends list";
        ModelLookup.find(ex, fleet, model, hint, route -> {
            String success = "{\"status\":\"success\"}";
            if (stream) {
                ex.respond(200, ContentTypes.NDJSON, ByteBufUtil.writeAscii(ex.alloc(), success + "\n"));
            } else {
                ex.respondJson(ByteBufUtil.writeAscii(ex.alloc(), success));
            }
        });
    }

    /**
     * push, create, copy, delete, blobs (and pull): forwarded as bytes to the Ollama node named by
     * {@code X-Relay-Backend}, else the node that holds the model, else (for a model no node has
     * yet) the first node; the node's model list is read again once it answers. Without Ollama
     * nodes the proxy manages no models: 501.
     */
    void manage(Exchange ex) {
        manage(ex, relay.fleet());
    }

    private static void manage(Exchange ex, Fleet fleet) {
        if (!OllamaNodes.any(fleet)) {
            throw new RelayException(501, ex.method() + " " + ex.path() + " is not supported: llm-relay serves the"
                    + " models of its backends and cannot create, copy, delete or upload models without an Ollama"
                    + " node (type: ollama) in its fleet");
        }
        boolean blob = ex.path().startsWith("/api/blobs/");
        requireManagementRights(ex, blob);
        String model = blob ? null : OllamaNodes.managedModel(ex);
        fleet.whenKnown(ex.loop(), () -> ex.resume(() -> OllamaNodes.forwardManagement(ex, fleet, model)));
    }

    /**
     * A client key manages only the models it may use: every model a request names (a copy's source
     * and destination) must match its globs. A blob names no model and may become any model, so only
     * a key that may use every model uploads blobs. Without keys, anyone may (as on Ollama).
     */
    private static void requireManagementRights(Exchange ex, boolean blob) {
        if (ex.apiKey() == null || ex.apiKey().allowsAll()) {
            return;
        }
        if (blob) {
            throw new RelayException(403, "blobs can become any model: only an API key that may use every model "
                    + "can upload them, and key '" + ex.keyName() + "' may use only some", ErrorKind.FORBIDDEN);
        }
        for (String model : OllamaNodes.namedModels(ex)) {
            ModelAccess.require(ex, model);
        }
    }

    private static ZoneOffset offset(Relay relay) {
        Instant now = relay.clocks().wall().instant();
        return ZoneId.systemDefault().getRules().getOffset(now);
    }
}
