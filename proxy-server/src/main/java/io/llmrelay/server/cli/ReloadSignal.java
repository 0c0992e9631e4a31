package io.llmrelay.server.cli;

import io.llmrelay.server.endpoint.ReloadOutcome;
import io.llmrelay.server.endpoint.Reloader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * SIGHUP reloads the configuration, as {@code POST /internal/reload} does. The JVM calls the handler
 * on a thread of its own; the reload itself runs on the reload thread and logs how it went.
 */
final class ReloadSignal {

    private static final Logger LOG = LoggerFactory.getLogger(ReloadSignal.class);

    private ReloadSignal() {}

    static void install(Reloader reloader) {
        try {
            Signal.handle(new Signal("HUP"), signal -> reloader.reload("SIGHUP").whenComplete((outcome, failure) -> {
                if (outcome != null && outcome.status() == ReloadOutcome.Status.UNAVAILABLE) {
                    LOG.warn("SIGHUP ignored: {}", outcome.message());
                }
            }));
        } catch (IllegalArgumentException e) { // no SIGHUP on this platform, or the JVM keeps it (-Xrs)
            LOG.warn("SIGHUP cannot reload the configuration here ({}); POST /internal/reload can", e.getMessage());
        }
    }
}
