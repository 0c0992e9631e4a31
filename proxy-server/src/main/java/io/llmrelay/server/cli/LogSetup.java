package io.llmrelay.server.cli;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import io.llmrelay.server.log.LogFormat;
import org.slf4j.LoggerFactory;

/** Switches logging to the format and level chosen on the command line. */
final class LogSetup {

    private LogSetup() {}

    static void configure(String format, String level) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.reset();
        LogFormat.json(format.equals("json"));
        context.putProperty("LOG_LEVEL", level);
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        String xml = "<configuration><statusListener class=\"ch.qos.logback.core.status.NopStatusListener\"/>"
                + "<include resource=\"logback-" + format + ".xml\"/></configuration>";
        try {
            configurator.doConfigure(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        } catch (JoranException e) {
            throw new IllegalStateException("cannot configure logging: " + e.getMessage(), e);
        }
    }

    /** Writes out what is still queued for the log writer. */
    static void flush() {
        ((LoggerContext) LoggerFactory.getILoggerFactory()).stop();
    }
}
