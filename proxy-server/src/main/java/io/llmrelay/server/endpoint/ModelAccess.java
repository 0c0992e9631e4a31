package io.llmrelay.server.endpoint;

import io.llmrelay.core.api.RelayException;
import io.llmrelay.core.metrics.ErrorKind;
import io.llmrelay.core.registry.ModelRoute;
import io.llmrelay.server.exchange.Exchange;
import java.util.ArrayList;
import java.util.List;

/**
 * Which models a request's client key may see and use ({@code models} of its entry in the keys
 * file): the refusal of a model it may not use, and the catalogue as that key sees it. A request
 * without a key (no {@code auth:}) may use every model.
 */
final class ModelAccess {

    private ModelAccess() {}

    /** 403 in the caller's shape: the key's name may be shown (it is the caller's own), never the key. */
    static RelayException forbidden(Exchange ex, String model) {
        return new RelayException(403, "model '" + model + "' is not allowed for API key '" + ex.keyName() + "'",
                ErrorKind.FORBIDDEN);
    }

    /** Throws {@link #forbidden} unless the request's key may use {@code model}. */
    static void require(Exchange ex, String model) {
        if (!ex.mayUse(model)) {
            throw forbidden(ex, model);
        }
    }

    /** The catalogue's models the request's key may use, in the catalogue's order. */
    static List<ModelRoute> visible(Exchange ex, List<ModelRoute> routes) {
        if (ex.apiKey() == null || ex.apiKey().allowsAll()) {
            return routes;
        }
        List<ModelRoute> out = new ArrayList<>(routes.size());
        for (ModelRoute route : routes) {
            if (ex.mayUse(route.name())) {
                out.add(route);
            }
        }
        return out;
    }
}
