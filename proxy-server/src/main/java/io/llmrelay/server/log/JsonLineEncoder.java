package io.llmrelay.server.log;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.EncoderBase;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.function.Supplier;
import net.logstash.logback.argument.StructuredArgument;

/**
 * JSON lines as {@link LogConfig}'s logstash encoder writes them, byte for byte, with the common
 * event written here: a message whose structured arguments are all {@link JsonFields}, and nothing
 * else (no exception, MDC, markers or key-value pairs), which is every access-log line. The logstash encoder asks each of its
 * fifteen field providers about every event, wraps its generator in a delegate and formats the time
 * with a {@code DateTimeFormatter}: two thirds of an access line's cost. Anything else goes to it.
 * Writes on the logging thread, into that thread's own generator; one instance per appender.
 */
final class JsonLineEncoder extends EncoderBase<ILoggingEvent> {

    // the logstash encoder's field names as LogConfig leaves them (version and level_value ignored)
    private static final SerializedString TIMESTAMP = new SerializedString("@timestamp");
    private static final SerializedString MESSAGE = new SerializedString("message");
    private static final SerializedString LOGGER_NAME = new SerializedString("logger_name");
    private static final SerializedString THREAD_NAME = new SerializedString("thread_name");
    private static final SerializedString LEVEL = new SerializedString("level");

    private final Supplier<? extends Encoder<ILoggingEvent>> makeLogstash;
    private final Object logstashLock = new Object();
    private volatile Encoder<ILoggingEvent> logstash; // made and started when first needed
    private final JsonFactory factory;
    private final byte[] lineSeparator;
    private final ZoneId zone;
    private final ThreadLocal<Line> lines = ThreadLocal.withInitial(this::newLine);

    /** A thread's generator, its buffer, its ASCII line and its clock text. */
    private static final class Line {
        final ByteArrayBuilder bytes = new ByteArrayBuilder(512);
        final AsciiLine ascii = new AsciiLine();
        final IsoTimestamp timestamp;
        JsonGenerator generator;
        GeneratorSink sink;

        Line(ZoneId zone) {
            this.timestamp = new IsoTimestamp(zone);
        }
    }

    /**
     * @param logstash makes the encoder whose lines these are; it writes every other event, and is
     *     made and started when the first of them comes: making it loads some fifty classes and its
     *     start builds an object mapper and looks for Jackson modules, about a sixth of the proxy's
     *     start-up, and most processes never log an event this class cannot write
     * @param lineSeparator what it ends each line with (the same as the encoder's)
     */
    JsonLineEncoder(Supplier<? extends Encoder<ILoggingEvent>> logstash, String lineSeparator, JsonFactory factory,
            ZoneId zone) {
        this.makeLogstash = logstash;
        this.lineSeparator = lineSeparator.getBytes(StandardCharsets.UTF_8);
        this.factory = factory;
        this.zone = zone;
    }

    private Line newLine() {
        return new Line(zone);
    }

    @Override
    public byte[] headerBytes() {
        return logstash().headerBytes();
    }

    @Override
    public byte[] footerBytes() {
        return logstash().footerBytes();
    }

    @Override
    public void stop() {
        synchronized (logstashLock) {
            if (logstash != null && logstash.isStarted()) {
                logstash.stop();
            }
        }
        super.stop();
    }

    private Encoder<ILoggingEvent> logstash() {
        Encoder<ILoggingEvent> started = logstash;
        if (started == null) {
            synchronized (logstashLock) {
                started = logstash;
                if (started == null) {
                    started = makeLogstash.get();
                    started.start();
                    logstash = started;
                }
            }
        }
        return started;
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        String message = event.getFormattedMessage();
        if (message == null || !plain(event)) {
            return logstash().encode(event);
        }
        Line line = lines.get();
        try {
            if (line.generator == null) {
                line.generator = factory.createGenerator(line.bytes);
                line.generator.setRootValueSeparator(null);
                line.sink = new GeneratorSink(line.generator);
            }
            JsonGenerator g = line.generator;
            g.writeStartObject();
            head(line.sink, line.timestamp, event.getInstant(), message, event.getLoggerName(), event.getThreadName(),
                    event.getLevel().toString());
            Object[] arguments = event.getArgumentArray();
            if (arguments != null) {
                for (Object argument : arguments) {
                    if (argument instanceof JsonFields fields) { // others are not fields (logstash's default)
                        fields.writeFields(line.sink);
                    }
                }
            }
            g.writeEndObject();
            g.flush();
            line.bytes.write(lineSeparator);
            return line.bytes.toByteArray();
        } catch (IOException | RuntimeException e) {
            line.generator = null; // half-written: never reused
            return logstash().encode(event);
        } finally {
            line.bytes.reset();
        }
    }

    /**
     * The line an event of {@code level} with this message and one {@link JsonFields} argument would
     * become, written without the event and without a generator ({@link DirectLines}); null when a
     * value is not printable ASCII, which only {@link #encode} writes as the logstash encoder does.
     */
    byte[] encodeDirect(Instant at, String message, String loggerName, String threadName, String level,
            JsonFields fields) {
        Line line = lines.get();
        AsciiLine out = line.ascii;
        out.start();
        try {
            head(out, line.timestamp, at, message, loggerName, threadName, level);
            fields.writeFields(out);
            return out.failed() ? null : out.finish(lineSeparator);
        } catch (IOException | RuntimeException e) {
            return null; // the caller logs the event instead
        }
    }

    /** The members every line begins with, in the logstash encoder's order. */
    private static void head(FieldSink out, IsoTimestamp timestamp, Instant at, String message, String loggerName,
            String threadName, String level) throws IOException {
        out.field(TIMESTAMP, timestamp.chars(), timestamp.format(at));
        out.field(MESSAGE, message);
        out.field(LOGGER_NAME, loggerName);
        out.field(THREAD_NAME, threadName);
        out.field(LEVEL, level);
    }

    /**
     * Nothing in the event that a field provider other than the fixed ones and the arguments would
     * write, and no structured argument that might need the logstash encoder's object mapper.
     */
    private static boolean plain(ILoggingEvent event) {
        List<?> markers = event.getMarkerList();
        List<?> keyValues = event.getKeyValuePairs();
        if (event.getThrowableProxy() != null || (markers != null && !markers.isEmpty())
                || (keyValues != null && !keyValues.isEmpty()) || !event.getMDCPropertyMap().isEmpty()
                || event.getInstant() == null || event.getLevel() == null) {
            return false;
        }
        Object[] arguments = event.getArgumentArray();
        if (arguments != null) {
            for (Object argument : arguments) {
                if (argument instanceof StructuredArgument && !(argument instanceof JsonFields)) {
                    return false;
                }
            }
        }
        return true;
    }
}
