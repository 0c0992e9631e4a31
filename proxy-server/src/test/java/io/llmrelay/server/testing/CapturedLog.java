package io.llmrelay.server.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.logstash.logback.encoder.LogstashEncoder;
import org.slf4j.LoggerFactory;

/**
 * Every log event of the process while open, and the JSON line each becomes with the proxy's own
 * encoder: how tests read the access log. Closing stops the capture.
 */
public final class CapturedLog implements AutoCloseable {

    private static final String ACCESS_LOGGER = "llm_relay.access";

    private final ListAppender<ILoggingEvent> captured = new ListAppender<>();
    private final LogstashEncoder json = new LogstashEncoder();
    private final Logger root;

    public CapturedLog() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        captured.setContext(context);
        captured.start();
        root.addAppender(captured);
        json.setContext(context);
        json.start();
    }

    /** The events so far; the event loops append while the test reads, under the appender's lock. */
    public List<ILoggingEvent> events() {
        synchronized (captured) {
            return new ArrayList<>(captured.list);
        }
    }

    /** The access log's events so far. */
    public List<ILoggingEvent> accessEvents() {
        List<ILoggingEvent> out = new ArrayList<>();
        for (ILoggingEvent e : events()) {
            if (e.getLoggerName().equals(ACCESS_LOGGER)) {
                out.add(e);
            }
        }
        return out;
    }

    /** The access log's lines so far, as JSON. */
    public List<JsonNode> accessLines() {
        List<JsonNode> out = new ArrayList<>();
        accessEvents().forEach(e -> out.add(Ndjson.json(encode(e))));
        return out;
    }

    /** {@code event} as the JSON log line the proxy writes. */
    public String encode(ILoggingEvent event) {
        return new String(json.encode(event), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        root.detachAppender(captured);
    }
}
