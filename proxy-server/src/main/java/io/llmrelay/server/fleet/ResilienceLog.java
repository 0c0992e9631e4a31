package io.llmrelay.server.fleet;

import io.llmrelay.core.resilience.CircuitBreaker;
import io.llmrelay.core.resilience.ResilienceEvents;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says in the log when a backend's breaker, ejection or hold-off changes, once per change (health
 * changes are logged by {@link BackendHealth}, which knows the failed probe's reason). Runs on the
 * thread that caused the change; logging is a queue hand-off, never a blocking write.
 */
final class ResilienceLog implements ResilienceEvents {

    private static final Logger LOG = LoggerFactory.getLogger(ResilienceLog.class);

    @Override
    public void breakerChanged(String backend, CircuitBreaker.Change change, CircuitBreaker.Status status) {
        switch (change) {
            case OPENED -> LOG.warn("backend {}: circuit breaker open after {} failed attempts in a row; "
                    + "a trial request in {} ms", backend, status.consecutiveFailures(), millis(status.trialInNanos()));
            case REOPENED -> LOG.warn("backend {}: circuit breaker trial failed, open again for {} ms", backend,
                    millis(status.trialInNanos()));
            case CLOSED -> LOG.info("backend {}: circuit breaker closed, its trial request succeeded", backend);
            case NONE -> { }
        }
    }

    @Override
    public void ejected(String backend, long nanos, int level) {
        LOG.warn("backend {}: ejected for {} ms after errors in a row (ejection {})", backend, millis(nanos), level);
    }

    @Override
    public void heldOff(String backend, long nanos) {
        LOG.debug("backend {}: held off for {} ms as its Retry-After asked", backend, millis(nanos)); // per answer: /internal/status shows it
    }

    private static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(Math.max(0, nanos));
    }
}
