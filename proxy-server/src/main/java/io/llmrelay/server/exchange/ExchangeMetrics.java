package io.llmrelay.server.exchange;

import io.llmrelay.core.api.ExchangeTimes;
import io.llmrelay.core.metrics.RelayMetrics;

/** Records a finished exchange into the metrics: counters, latency histograms, tokens, errors. */
final class ExchangeMetrics {

    private static final String[] STATUS_CLASSES = {"1xx", "2xx", "3xx", "4xx", "5xx"};

    /**
     * Every status's label, made once: the counter finds its series by comparing labels, and the same
     * string each time compares at once (a new one per request was hashed and compared character by
     * character).
     */
    private static final String[] STATUS_LABELS = new String[600];

    static {
        for (int i = 0; i < STATUS_LABELS.length; i++) {
            STATUS_LABELS[i] = Integer.toString(i);
        }
    }

    private ExchangeMetrics() {}

    /** {@code 2xx}, {@code 4xx}...: a key's requests are counted by class, not by each status. */
    static String statusClass(int status) {
        int c = status / 100;
        return c >= 1 && c <= 5 ? STATUS_CLASSES[c - 1] : "other";
    }

    static String statusLabel(int status) {
        return status >= 0 && status < STATUS_LABELS.length ? STATUS_LABELS[status] : Integer.toString(status);
    }

    static void record(Exchange ex, RelayMetrics metrics, long endNanos) {
        String route = ex.route();
        String backend = ex.backendName() == null ? "" : ex.backendName();
        String model = ex.model() == null ? "" : ex.model();
        ExchangeTimes t = ex.times();
        metrics.requestEnded();
        metrics.requests.inc(route, model, backend, statusLabel(ex.status()));
        metrics.duration.recordNanos(route, endNanos - t.start);
        metrics.overhead.recordNanos(route, ex.overheadNanos());
        if (t.firstByte != 0) {
            metrics.timeToFirstByte.recordNanos(route, t.firstByte - t.start);
        }
        if (t.firstToken != 0) {
            metrics.timeToFirstToken.recordNanos(route, t.firstToken - t.start);
        }
        if (ex.promptTokens() > 0) {
            metrics.promptTokens.add(ex.promptTokens(), model, backend);
        }
        if (ex.completionTokens() > 0) {
            metrics.completionTokens.add(ex.completionTokens(), model, backend);
        }
        if (ex.errorKind() != null) {
            metrics.errors.inc(ex.errorKind().label());
        }
        String key = ex.keyName();
        if (key != null) {
            metrics.keyRequests.inc(key, statusClass(ex.status()));
        }
    }
}
