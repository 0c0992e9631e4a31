package io.llmrelay.server.endpoint;

import java.util.concurrent.CompletableFuture;

/**
 * Loads the proxy's configuration again and applies it ({@code POST /internal/reload}, SIGHUP). The
 * work runs off the event loops; the caller gets a future, completed on whatever thread did it.
 */
public interface Reloader {

    /** What a proxy started without a config file has: nothing to reload. */
    Reloader NONE = trigger -> CompletableFuture.completedFuture(ReloadOutcome.unavailable(
            "llm-relay was started without a config file (--config or RELAY_CONFIG): there is nothing to reload"));

    /**
     * Reloads, after any reload already under way (one at a time).
     *
     * @param trigger who asked, for the log: {@code POST /internal/reload}, {@code SIGHUP}
     */
    CompletableFuture<ReloadOutcome> reload(String trigger);
}
