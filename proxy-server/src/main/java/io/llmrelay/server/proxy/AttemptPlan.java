package io.llmrelay.server.proxy;

import io.llmrelay.core.registry.ModelRoute;
import io.llmrelay.core.translate.BodyTranslator;
import io.llmrelay.server.fleet.Backend;
import io.llmrelay.server.upstream.UpstreamRequest;

/**
 * How an endpoint's parsed request becomes one backend's request, built afresh for each attempt:
 * the backend's own bytes (its type's fields, its model id, its key) and a new translator.
 */
public interface AttemptPlan {

    /** The request for {@code backend}, which must receive {@code target.model()}. */
    UpstreamRequest request(Backend backend, ModelRoute.Target target);

    /** A fresh translator for the answer; null passes it through as bytes. */
    BodyTranslator translator(Backend backend, ModelRoute.Target target);

    /** The answer was delivered whole (e.g. to count the model as loaded). */
    default void succeeded(Backend backend, ModelRoute.Target target) {}
}
