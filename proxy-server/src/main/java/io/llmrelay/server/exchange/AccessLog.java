package io.llmrelay.server.exchange;

import static net.logstash.logback.argument.StructuredArguments.keyValue;

import io.llmrelay.server.log.LogFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per request. In JSON mode the fields are JSON members and the message is only
 * {@code POST /api/chat 200}; in text mode the message reads
 * {@code method=POST path=/api/chat status=200 request_id=... model=...}. Headers are never logged,
 * so neither the client's nor the backend's credentials can appear; a client key shows as its name
 * ({@code key}), and {@code client_ip} is the client's address as the gate found it (a trusted
 * proxy's {@code X-Forwarded-For} read).
 */
final class AccessLog {

    private static final Logger LOG = LoggerFactory.getLogger("llm_relay.access");
    private static final String TEXT = "{} {} {} {} {} {} {} {} {} {} {} {} {}";
    private static final String TEXT_WITH_ERROR = TEXT + " {}";
    /** The first three arguments fill the message; the structured ones after them become members. */
    private static final String JSON = "{} {} {}";

    private AccessLog() {}

    static void log(Exchange ex, long endNanos) {
        if (!LOG.isInfoEnabled()) {
            return;
        }
        long ttfb = ex.times().firstByte == 0 ? -1 : (ex.times().firstByte - ex.times().start) / 1_000;
        boolean json = LogFormat.json();
        int lead = json ? 3 : 0;
        Object[] args = new Object[lead + (ex.error() == null ? 13 : 14)];
        if (json) {
            args[0] = ex.method().name();
            args[1] = ex.path();
            args[2] = ex.status();
        }
        args[lead] = keyValue("method", ex.method().name());
        args[lead + 1] = keyValue("path", ex.path());
        args[lead + 2] = keyValue("status", ex.status());
        args[lead + 3] = keyValue("request_id", ex.requestId());
        args[lead + 4] = keyValue("model", ex.model());
        args[lead + 5] = keyValue("backend", ex.backendName());
        args[lead + 6] = keyValue("bytes", ex.bytesOut());
        args[lead + 7] = keyValue("ttfb_us", ttfb);
        args[lead + 8] = keyValue("duration_us", (endNanos - ex.times().start) / 1_000);
        args[lead + 9] = keyValue("overhead_us", ex.overheadNanos() / 1_000);
        args[lead + 10] = keyValue("outcome", ex.outcome().label());
        args[lead + 11] = keyValue("client_ip", ex.clientIp());
        args[lead + 12] = keyValue("key", ex.keyName());
        if (ex.error() != null) {
            args[lead + 13] = keyValue("error", ex.error());
        }
        LOG.info(json ? JSON : ex.error() == null ? TEXT : TEXT_WITH_ERROR, args);
    }
}
