package io.llmrelay.server.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import com.fasterxml.jackson.core.JsonFactory;
import java.util.TimeZone;
import net.logstash.logback.encoder.LogstashEncoder;

/**
 * The proxy's whole logging setup, written in code: one {@link BatchingStdoutAppender} on the root
 * logger, JSON lines (logstash encoder) or text, Netty's own chatter at WARN. Built directly rather
 * than from XML: Joran's parsing was a sixth of the start-up time.
 */
public final class LogConfig {

    static final String TEXT_PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{0} - %msg%n";

    private LogConfig() {}

    /** Replaces whatever {@code context} was configured with. */
    public static void apply(LoggerContext context, boolean json, Level level) {
        DirectLines.clear();
        context.reset();
        LogFormat.json(json);
        BatchingStdoutAppender appender = new BatchingStdoutAppender();
        appender.setContext(context);
        appender.setName("STDOUT");
        JsonLineEncoder lines = json ? jsonEncoder(context) : null;
        appender.setEncoder(json ? lines : textEncoder(context));
        appender.start();
        level(context, level);
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(appender);
        if (lines != null) {
            DirectLines.install(context, appender, lines);
        }
        context.getLogger("io.netty").setLevel(Level.WARN);
        // Lettuce logs every reconnect attempt (INFO, and WARN when it fails: every 2 s while Redis is
        // down); the shared rate limits log each transition once instead (limits.RedisHealth)
        context.getLogger("io.lettuce.core.protocol.ConnectionWatchdog").setLevel(Level.ERROR);
        context.getLogger("io.lettuce.core.protocol.ReconnectionHandler").setLevel(Level.ERROR);
    }

    /**
     * Sets the level of every logger that has none of its own (the root's), as a reload of
     * {@code server.log_level} does; the format and the quieter levels {@link #apply} gives Netty and
     * Lettuce stay.
     */
    public static void level(LoggerContext context, Level level) {
        context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(level);
    }

    private static JsonLineEncoder jsonEncoder(LoggerContext context) {
        // the same lines, the common ones (every access line) written without the provider chain;
        // the logstash encoder ends its lines with the platform's separator, as these do
        JsonLineEncoder lines = new JsonLineEncoder(() -> logstashEncoder(context), System.lineSeparator(),
                new JsonFactory(), TimeZone.getDefault().toZoneId());
        lines.setContext(context);
        lines.start();
        return lines;
    }

    /**
     * The logstash encoder that shapes every JSON line, not started: {@link JsonLineEncoder} makes and
     * starts it when it first needs it. (Not the process's {@code Json} factory either: the object mapper beside
     * it is not needed before the first translated request.)
     */
    static LogstashEncoder logstashEncoder(LoggerContext context) {
        LogstashEncoder encoder = new LogstashEncoder();
        encoder.setContext(context);
        encoder.setIncludeCallerData(false);
        encoder.setIncludeContext(false); // no logback context properties on every line
        encoder.getFieldNames().setLevelValue("[ignore]");
        encoder.getFieldNames().setVersion("[ignore]");
        return encoder;
    }

    private static Encoder<ILoggingEvent> textEncoder(LoggerContext context) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(TEXT_PATTERN);
        encoder.start();
        return encoder;
    }
}
