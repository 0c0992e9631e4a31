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
import io.llmrelay.server.upstream.UpstreamRequest;
import io.llmrelay.server.upstream.UpstreamRequests;

/**
 * What the Ollama routes do with native Ollama nodes ({@code type: ollama}): an Ollama request is
 * forwarded to the node's own route as bytes, its {@code model} value rewritten only when the node
 * knows the model by another name (an alias, a mapping); model management goes to the node that
 * holds the model, or the one the client names in {@code X-Relay-Backend}.
 */
final class OllamaNodes {

    private final Relay relay;
    /** The fleet's Ollama nodes in config order; the fleet's backends never change, so this list does not either. */
    private final List<Backend> nodes = new ArrayList<>();

    OllamaNodes(Relay relay) {
        this.relay = relay;
        for (Backend b : relay.fleet().backends()) {
            if (b.dialect().speaksOllama()) {
                nodes.add(b);
            }
        }
    }

    /** The client's request, as it came, for the same route on {@code node}. */
    UpstreamRequest request(Exchange ex, Backend node, ModelRoute.Target target) {
        RequestBodies.ModelField field = RequestBodies.modelField(ex.request().content());
        return UpstreamRequests.passThrough(node.config(), ex.request(),
                node.dialect().ollamaPath(node.config(), ex.request().uri()), ex.requestId(),
                RequestBodies.bodyFor(ex, field, target.model()));
    }

    /** True when the fleet has at least one Ollama node. */
    boolean any() {
        return !nodes.isEmpty();
    }

    /** Every model a management request names: {@code source} and {@code destination} of a copy, {@code model}, {@code name}. */
    List<String> namedModels(Exchange ex) {
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
    String managedModel(Exchange ex) {
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
    void forwardManagement(Exchange ex, String model) {
        Backend node = nodeFor(ex, model);
        String path = node.dialect().ollamaPath(node.config(), ex.request().uri());
        ex.onSuccess(() -> node.catalog().refresh(ex.loop()));
        // uncapped: managing models is not inference load
        Forward.toBackend(ex, node, false, model == null ? "" : model, () -> UpstreamRequests.passThrough(
                node.config(), ex.request(), path, ex.requestId(), ex.request().content().retainedDuplicate()));
    }

    private Backend nodeFor(Exchange ex, String model) {
        String named = ex.request().headers().get(UpstreamRequests.X_RELAY_BACKEND);
        if (named != null) {
            Backend b = relay.fleet().named(named.trim());
            if (b == null || !b.dialect().speaksOllama()) {
                throw RelayException.badRequest("X-Relay-Backend names no Ollama node: '" + named.trim()
                        + "' (nodes: " + String.join(", ", nodeNames()) + ")");
            }
            return b;
        }
        if (model != null) {
            Optional<ModelRoute> route = relay.fleet().registry().resolve(model);
            if (route.isPresent()) {
                for (ModelRoute.Target t : route.get().targets()) {
                    Backend b = relay.fleet().named(t.backend());
                    if (b != null && b.dialect().speaksOllama() && t.listed()) {
                        return b;
                    }
                }
            }
            if (ex.path().equals("/api/copy") || ex.path().equals("/api/delete") || ex.path().equals("/api/push")) {
                throw RelayException.notFound("model '" + model + "' not found on any Ollama node");
            }
        }
        if (nodes.isEmpty()) {
            throw new IllegalStateException("no Ollama node"); // any() was checked first
        }
        return nodes.get(0); // a new model (pull, create) or a blob: the first node
    }

    private List<String> nodeNames() {
        List<String> names = new ArrayList<>(nodes.size());
        nodes.forEach(b -> names.add(b.name()));
        return names;
    }

    /** True when every backend serving the route is an Ollama node: what the proxy would answer itself, the node does for real. */
    boolean servedOnlyByNodes(ModelRoute route) {
        for (ModelRoute.Target t : route.targets()) {
            Backend b = relay.fleet().named(t.backend());
            if (b == null || !b.dialect().speaksOllama()) {
                return false;
            }
        }
        return true;
    }
}
