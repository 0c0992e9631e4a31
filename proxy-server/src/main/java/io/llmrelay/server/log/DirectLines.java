package io.llmrelay.server.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Lines logged without a logging event when nothing but the proxy's own output would see the event:
 * the JSON setup of {@link LogConfig}, no turbo filter, and no appender on the logger or its
 * ancestors but the one {@link LogConfig} put on the root. The line is the one the event would have
 * become, byte for byte ({@link JsonLineEncoder#encodeDirect}), queued on the same appender and
 * counted the same way when dropped. Anything else (text lines, an appender a test or an operator
 * added, a value beyond printable ASCII) is refused, and the caller logs the event as before.
 *
 * <p>An access line through the event cost about as much again as writing it: the event (its clock,
 * thread name, argument array), the message formatter, the appender loop and the encoder's checks.
 */
public final class DirectLines {

    /** What {@link LogConfig} installed: the context, its root and the JSON appender and encoder on it. */
    record Output(LoggerContext context, Logger root, BatchingStdoutAppender appender,
            JsonLineEncoder encoder) {}

    private static volatile Output output;

    /** The logger and its ancestors below the root, nearest first, as found in one output's context. */
    private record Chain(Output output, Logger logger, Logger[] ancestors) {}

    private final String name;
    /**
     * Found once per installed output: logback makes a logger's ancestors with it and keeps every
     * logger for the life of its context, so the chain does not change (a lookup per line was a
     * percent of the event loop's time).
     */
    private volatile Chain chain;

    private DirectLines(String name) {
        this.name = name;
    }

    /** The lines of the logger named {@code loggerName}. */
    public static DirectLines of(String loggerName) {
        return new DirectLines(loggerName);
    }

    static void install(LoggerContext context, BatchingStdoutAppender appender, JsonLineEncoder encoder) {
        output = new Output(context, context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME), appender, encoder);
    }

    static void clear() {
        output = null;
    }

    /** What is installed (tests put it back). */
    static Output installed() {
        return output;
    }

    static void restore(Output installed) {
        output = installed;
    }

    /**
     * Logs at INFO what {@code logger.info("{}", fields)} would, {@code message} being {@code fields}'
     * text, if it can be done without the event; false when the caller must log the event itself.
     */
    public boolean info(String message, JsonFields fields) {
        Output o = output;
        if (o == null || !o.appender.isStarted() || !o.context.getTurboFilterList().isEmpty()) {
            return false;
        }
        Chain c = chain;
        if (c == null || c.output != o) {
            c = chainIn(o);
            chain = c;
        }
        if (!c.logger.isInfoEnabled() || !onlyTheRootAppenderSees(c)) {
            return false;
        }
        byte[] line = o.encoder.encodeDirect(Instant.now(), message, name, Thread.currentThread().getName(),
                Level.INFO.toString(), fields);
        if (line == null) {
            return false;
        }
        o.appender.offer(line);
        return true;
    }

    private Chain chainIn(Output o) {
        List<Logger> ancestors = new ArrayList<>();
        for (int dot = name.lastIndexOf('.'); dot > 0; dot = name.lastIndexOf('.', dot - 1)) {
            ancestors.add(o.context.getLogger(name.substring(0, dot)));
        }
        return new Chain(o, o.context.getLogger(name), ancestors.toArray(Logger[]::new));
    }

    private static boolean onlyTheRootAppenderSees(Chain c) {
        if (!alone(c.logger)) {
            return false;
        }
        for (Logger ancestor : c.ancestors) {
            if (!alone(ancestor)) {
                return false;
            }
        }
        Iterator<Appender<ILoggingEvent>> rootAppenders = c.output.root.iteratorForAppenders();
        return rootAppenders.hasNext() && rootAppenders.next() == c.output.appender && !rootAppenders.hasNext();
    }

    /** No appender of its own, and its events go up to its parent. */
    private static boolean alone(Logger logger) {
        return logger.isAdditive() && !logger.iteratorForAppenders().hasNext();
    }
}
