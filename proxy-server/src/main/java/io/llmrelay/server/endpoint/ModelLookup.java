package io.llmrelay.server.endpoint;

import io.llmrelay.core.api.RelayException;
import io.llmrelay.core.registry.ModelRoute;
import io.llmrelay.server.exchange.Exchange;
import io.llmrelay.server.fleet.Backend;
import io.llmrelay.server.fleet.Fleet;
import io.llmrelay.server.upstream.UpstreamFailure;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Finds the model a request names in the fleet's catalogue before anything is sent: a name no
 * backend lists is Ollama's 404 ({@code model 'x' not found}), answered by the proxy alone. Servers
 * such as llama.cpp answer any name with their one model, so their word cannot decide. A name
 * nobody lists while some backend's list could not be read waits for one more read of those lists;
 * if they still cannot be read, the answer is why (the backend is down), not a 404.
 *
 * <p>Looks in the fleet the request read when it started (a reload may swap in another meanwhile).
 *
 * <p>A model the request's client key may not use (its {@code models} globs, matched against the name
 * the catalogue lists) is refused here, the one place every model-bearing request resolves its model:
 * 403 where the model would be used, 404 as for an unknown model where it would only be described
 * ({@link #findListed}), so a key's catalogue never shows it.
 */
final class ModelLookup {

    private ModelLookup() {}

    /**
     * Runs {@code found} with the model's route in {@code fleet} (on the exchange's loop, as part of
     * it), or fails the exchange.
     */
    static void find(Exchange ex, Fleet fleet, String requested, Consumer<ModelRoute> found) {
        find(ex, fleet, requested, "", found);
    }

    /** As {@link #find(Exchange, Fleet, String, Consumer)}, with {@code notFoundHint} added to the 404's message. */
    static void find(Exchange ex, Fleet fleet, String requested, String notFoundHint, Consumer<ModelRoute> found) {
        find(ex, fleet, requested, notFoundHint, false, found);
    }

    /**
     * As {@link #find(Exchange, Fleet, String, Consumer)} for a model that is only described
     * ({@code /api/show}, {@code /v1/models/{id}}): one the client key may not use is not found (404),
     * as it is absent from that key's lists.
     */
    static void findListed(Exchange ex, Fleet fleet, String requested, Consumer<ModelRoute> found) {
        find(ex, fleet, requested, "", true, found);
    }

    private static void find(Exchange ex, Fleet fleet, String requested, String notFoundHint, boolean hidden,
            Consumer<ModelRoute> found) {
        ex.model(requested);
        fleet.whenKnown(ex.loop(),
                () -> ex.resume(() -> resolve(ex, fleet, requested, notFoundHint, hidden, found, true)));
    }

    private static void resolve(Exchange ex, Fleet fleet, String requested, String notFoundHint, boolean hidden,
            Consumer<ModelRoute> found, boolean mayReread) {
        Optional<ModelRoute> route = fleet.registry().resolve(requested);
        if (route.isPresent()) {
            ex.model(route.get().name()); // one name per model in logs and metrics, however a client spells it
            if (!ex.mayUse(route.get().name())) {
                throw hidden ? notFound(requested, notFoundHint) : ModelAccess.forbidden(ex, requested);
            }
            found.accept(route.get());
            return;
        }
        List<Backend> unlisted = fleet.unlisted();
        if (unlisted.isEmpty()) {
            throw notFound(requested, notFoundHint);
        }
        if (mayReread) {
            fleet.reread(ex.loop(), unlisted,
                    () -> ex.resume(() -> resolve(ex, fleet, requested, notFoundHint, hidden, found, false)));
            return;
        }
        UpstreamFailure why = unlisted.get(0).catalog().lastFailure();
        if (why == null) { // read again just now, and the model is not there
            throw notFound(requested, notFoundHint);
        }
        ex.fail(why.status(), why.message(), why.kind());
    }

    /** True when every backend serving the route passes {@code test} (a backend a reload removed does not). */
    static boolean servedOnlyBy(Fleet fleet, ModelRoute route, Predicate<Backend> test) {
        for (ModelRoute.Target t : route.targets()) {
            Backend b = fleet.named(t.backend());
            if (b == null || !test.test(b)) {
                return false;
            }
        }
        return true;
    }

    /** Whether the proxy may judge the model's capabilities: every backend serving it listed it. */
    static boolean listed(ModelRoute route) {
        for (ModelRoute.Target t : route.targets()) {
            if (!t.listed()) {
                return false;
            }
        }
        return true;
    }

    private static RelayException notFound(String requested, String hint) {
        return RelayException.notFound("model '" + requested + "' not found" + hint);
    }
}
