package io.llmrelay.server.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import io.llmrelay.server.log.LogConfig;
import org.slf4j.LoggerFactory;

/** Switches logging to the format and level chosen on the command line. */
final class LogSetup {

    private LogSetup() {}

    static void configure(String format, String level) {
        LogConfig.apply((LoggerContext) LoggerFactory.getILoggerFactory(), format.equals("json"),
                Level.toLevel(level, Level.INFO));
    }

    /** Writes out what is still queued for the log writer. */
    static void flush() {
        ((LoggerContext) LoggerFactory.getILoggerFactory()).stop();
    }
}
