package io.llmrelay.server.exchange;

import static net.logstash.logback.argument.StructuredArguments.keyValue;

import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per request. In JSON mode each field is a JSON member; in text mode the message reads
 * {@code method=POST path=/api/chat status=200 request_id=... model=...}. Headers are never logged, so neither the
 * client's nor the backend's credentials can appear.
 */
final class AccessLog {

    private static final Logger LOG = LoggerFactory.getLogger("llm_relay.access");
    private static final String FORMAT = "{} {} {} {} {} {} {} {} {} {} {}";
    private static final String FORMAT_WITH_ERROR = FORMAT + " {}";

    private AccessLog() {}

    static void log(Exchange ex, long endNanos) {
        if (!LOG.isInfoEnabled()) {
            return;
        }
        long ttfb = ex.times().firstByte == 0 ? -1 : (ex.times().firstByte - ex.times().start) / 1_000;
        Object[] args = {
            keyValue("method", ex.method().name()),
            keyValue("path", ex.path()),
            keyValue("status", ex.status()),
            keyValue("request_id", ex.requestId()),
            keyValue("model", ex.model()),
            keyValue("backend", ex.backendName()),
            keyValue("bytes", ex.bytesOut()),
            keyValue("ttfb_us", ttfb),
            keyValue("duration_us", (endNanos - ex.times().start) / 1_000),
            keyValue("overhead_us", ex.overheadNanos() / 1_000),
            keyValue("outcome", ex.outcome().label()),
            ex.error() == null ? null : keyValue("error", ex.error()),
        };
        if (ex.error() == null) {
            LOG.info(FORMAT, Arrays.copyOf(args, args.length - 1));
        } else {
            LOG.info(FORMAT_WITH_ERROR, args);
        }
    }
}
