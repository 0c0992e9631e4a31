package io.llmrelay.server.endpoint;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrelay.core.api.RelayException;
import io.llmrelay.core.registry.ModelRoute;
import io.llmrelay.core.translate.OllamaRequests;
import io.llmrelay.server.proxy.Forward;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import io.llmrelay.server.exchange.Exchange;
import io.llmrelay.server.fleet.Backend;
import io.llmrelay.server.fleet.Fleet;
import io.llmrelay.server.upstream.UpstreamRequest;
import io.llmrelay.server.upstream.UpstreamRequests;

/**
 * What the Ollama routes do with native Ollama nodes ({@code type: ollama}): an Ollama request is
 * forwarded to the node's own route as bytes, its {@code model} value rewritten only when the node
 * knows the model by another name (an alias, a mapping); model management goes to the node that
 * holds the model, or the one the client names in {@code X-Relay-Backend}. The nodes are those of the
 * fleet the request read when it started ({@link Fleet#ollamaNodes()}, found once per fleet).
 */
final class OllamaNodes {

    private OllamaNodes() {}

    /** The client's request, as it came, for the same route on {@code node}. */
    static UpstreamRequest request(Exchange ex, Backend node, ModelRoute.Target target) {
        RequestBodies.ModelField field = RequestBodies.scan(ex.request().content()).model();
        return UpstreamRequests.passThrough(node.config(), ex.request(),
                node.dialect().ollamaPath(node.config(), ex.request().uri()), ex.requestId(),
                RequestBodies.bodyFor(ex, field, target.model()));
    }

    /** True when the fleet has at least one Ollama node. */
    static boolean any(Fleet fleet) {
        return !fleet.ollamaNodes().isEmpty();
    }

    /** Every model a management request names: {@code source} and {@code destination} of a copy, {@code model}, {@code name}. */
    static List<String> namedModels(Exchange ex) {
        JsonNode body = RequestBodies.json(ex.request().content());
        OllamaRequests.requireObject(body);
        List<String> names = new ArrayList<>(2);
        for (String field : new String[] {"source", "destination", "model", "name"}) {
            JsonNode v = body.get(field);
            if (v != null && v.isTextual() && !v.textValue().isBlank()) {
                names.add(v.textValue());
            }
        }
        return names;
    }

    /** The model a management request is about: {@code model} (or the older {@code name}); {@code source} for a copy. */
    static String managedModel(Exchange ex) {
        JsonNode body = RequestBodies.json(ex.request().content());
        OllamaRequests.requireObject(body);
        for (String field : new String[] {"source", "model", "name"}) {
            JsonNode v = body.get(field);
            if (v != null && v.isTextual() && !v.textValue().isBlank()) {
                return v.textValue();
            }
        }
        throw RelayException.badRequest("model is required");
    }

    /**
     * Forwards a model-management request to its node (see {@code OllamaModelEndpoints.manage}) and
     * reads the node's list again when it has answered.
     */
    static void forwardManagement(Exchange ex, Fleet fleet, String model) {
        Backend node = nodeFor(ex, fleet, model);
        String path = node.dialect().ollamaPath(node.config(), ex.request().uri());
        ex.onSuccess(() -> node.catalog().refresh(ex.loop()));
        // uncapped: managing models is not inference load
        Forward.toBackend(ex, node, false, model == null ? "" : model, () -> UpstreamRequests.passThrough(
                node.config(), ex.request(), path, ex.requestId(), ex.request().content().retainedDuplicate()));
    }

    private static Backend nodeFor(Exchange ex, Fleet fleet, String model) {
        String named = ex.request().headers().get(UpstreamRequests.X_RELAY_BACKEND);
        if (named != null) {
            Backend b = fleet.named(named.trim());
            if (b == null || !b.dialect().speaksOllama()) {
                throw RelayException.badRequest("X-Relay-Backend names no Ollama node: '" + named.trim()
                        + "' (nodes: " + String.join(", ", nodeNames(fleet)) + ")");
            }
            return b;
        }
        if (model != null) {
            Optional<ModelRoute> route = fleet.registry().resolve(model);
            if (route.isPresent()) {
                for (ModelRoute.Target t : route.get().targets()) {
                    Backend b = fleet.named(t.backend());
                    if (b != null && b.dialect().speaksOllama() && t.listed()) {
                        return b;
                    }
                }
            }
            if (ex.path().equals("/api/copy") || ex.path().equals("/api/delete") || ex.path().equals("/api/push")) {
                throw RelayException.notFound("model '" + model + "' not found on any Ollama node");
            }
        }
        List<Backend> nodes = fleet.ollamaNodes();
        if (nodes.isEmpty()) {
            throw new IllegalStateException("no Ollama node"); // any() was checked first
        }
        return nodes.get(0); // a new model (pull, create) or a blob: the first node
    }

    private static List<String> nodeNames(Fleet fleet) {
        List<String> names = new ArrayList<>(fleet.ollamaNodes().size());
        fleet.ollamaNodes().forEach(b -> names.add(b.name()));
        return names;
    }

    /** True when every backend serving the route is an Ollama node: what the proxy would answer itself, the node does for real. */
    static boolean servedOnlyByNodes(Fleet fleet, ModelRoute route) {
        return ModelLookup.servedOnlyBy(fleet, route, b -> b.dialect().speaksOllama());
    }
}
