package io.llmrelay.server.endpoint;

import io.llmrelay.core.api.RelayException;
import io.llmrelay.core.backend.ModelInfo;
import io.llmrelay.server.exchange.Exchange;
import io.llmrelay.server.fleet.Backend;

/**
 * Finds the model a request names in its backend's catalogue before anything is sent: a name the
 * backend does not list is Ollama's 404 ({@code model 'x' not found}), answered by the proxy alone.
 * Servers such as llama.cpp answer any name with their one model, so their word cannot decide.
 */
final class ModelLookup {

    /** Continues a request with its backend and model; {@code model} is null only for a backend without a list. */
    interface Found {
        void run(Backend backend, ModelInfo model);
    }

    private final Relay relay;

    ModelLookup(Relay relay) {
        this.relay = relay;
    }

    /** Runs {@code found} (on the exchange's loop, as part of it), or fails the exchange. */
    void find(Exchange ex, String requested, Found found) {
        find(ex, requested, "", found);
    }

    /** As {@link #find(Exchange, String, Found)}, with {@code notFoundHint} added to the 404's message. */
    void find(Exchange ex, String requested, String notFoundHint, Found found) {
        ex.model(requested);
        Backend backend = relay.fleet().backendFor(requested);
        ex.backendName(backend.name());
        backend.catalog().whenKnown(ex.loop(), (snapshot, failure) -> ex.resume(() -> {
            if (snapshot != null) {
                ModelInfo model = snapshot.find(requested);
                if (model == null) {
                    throw RelayException.notFound("model '" + requested + "' not found" + notFoundHint);
                }
                found.run(backend, model);
            } else if (failure.noList()) {
                found.run(backend, null);
            } else {
                ex.fail(failure.status(), failure.message(), failure.kind());
            }
        }));
    }

    /** The model as the request path should describe it when the backend has no list: guessed from its name. */
    ModelInfo orGuess(Exchange ex, Backend backend, ModelInfo model, String requested) {
        return model != null ? model
                : relay.config().describe(ModelInfo.unlisted(backend.catalog().resolve(requested)));
    }
}
