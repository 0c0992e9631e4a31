package io.llmrelay.server.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import io.llmrelay.server.log.LogConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Switches logging to the format and level chosen on the command line, and the level at a reload. */
final class LogSetup {

    private static final Logger LOG = LoggerFactory.getLogger("llm_relay");

    private LogSetup() {}

    static void configure(String format, String level) {
        LogConfig.apply((LoggerContext) LoggerFactory.getILoggerFactory(), format.equals("json"),
                Level.toLevel(level, Level.INFO));
    }

    /**
     * Switches the running proxy's log level (a reload's {@code server.log_level}), saying so at INFO on
     * whichever side of the switch still shows INFO lines.
     */
    static void level(String from, String to) {
        Level next = Level.toLevel(to, Level.INFO);
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        boolean quieter = next.levelInt > Level.toLevel(from, Level.INFO).levelInt;
        if (quieter) {
            LOG.info("Log level {} (was {})", next, from);
        }
        LogConfig.level(context, next);
        if (!quieter) {
            LOG.info("Log level {} (was {})", next, from);
        }
    }

    /** Writes out what is still queued for the log writer. */
    static void flush() {
        ((LoggerContext) LoggerFactory.getILoggerFactory()).stop();
    }
}
