package io.llmrelay.server.log;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.util.JsonGeneratorDelegate;
import io.llmrelay.core.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import net.logstash.logback.argument.StructuredArguments;
import net.logstash.logback.encoder.LogstashEncoder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MarkerFactory;
import org.slf4j.event.KeyValuePair;

/**
 * The JSON lines are the logstash encoder's, byte for byte, whichever of the two writes them; the
 * common event is written without it.
 */
class JsonLineEncoderTest {

    private final LoggerContext context = contextWithMdc();
    private final LogstashEncoder logstash = started(LogConfig.logstashEncoder(context));
    private final LogstashEncoder linesLogstash = LogConfig.logstashEncoder(context); // started when needed
    private int linesLogstashMade;
    private final JsonLineEncoder lines = new JsonLineEncoder(() -> {
        linesLogstashMade++;
        return linesLogstash;
    }, logstash.getLineSeparator(), Json.FACTORY, TimeZone.getDefault().toZoneId());

    private static final SerializedString PATH = new SerializedString("path");
    private static final SerializedString STATUS = new SerializedString("status");
    private static final SerializedString BYTES = new SerializedString("bytes");
    private static final SerializedString KEY = new SerializedString("key");

    /** Fields as the access line writes them, recording what they were written to. */
    private static final class Fields implements JsonFields {
        final List<Object> writers = new ArrayList<>();
        final String text;
        final long number;

        Fields(String text) {
            this(text, 1L << 40);
        }

        Fields(String text, long number) {
            this.text = text;
            this.number = number;
        }

        @Override
        public void writeTo(JsonGenerator g) throws IOException {
            writers.add(g);
            JsonFields.super.writeTo(g);
        }

        @Override
        public void writeFields(FieldSink out) throws IOException {
            writers.add(out);
            out.field(PATH, text);
            out.field(STATUS, 200);
            out.field(BYTES, number);
            out.field(KEY, (String) null);
        }
    }

    private static LogstashEncoder started(LogstashEncoder encoder) {
        encoder.start();
        return encoder;
    }

    private static LoggerContext contextWithMdc() {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter());
        return context;
    }

    @AfterEach
    void stop() {
        lines.stop();
        logstash.stop();
    }

    private LoggingEvent event(String message, Object... arguments) {
        LoggingEvent e = new LoggingEvent("test", context.getLogger("llm_relay.access"), Level.INFO, message, null,
                arguments.length == 0 ? null : arguments);
        e.setThreadName("relay-1-1");
        e.setInstant(Instant.ofEpochSecond(1_764_576_298L, 152_451_911));
        return e;
    }

    private void assertSameLine(LoggingEvent e) {
        String expected = new String(logstash.encode(e), StandardCharsets.UTF_8);
        assertThat(new String(lines.encode(e), StandardCharsets.UTF_8)).isEqualTo(expected);
    }

    @Test
    void anAccessLineIsTheLogstashLineWrittenWithoutIt() {
        Fields fields = new Fields("/v1/chat/completions");
        LoggingEvent e = event("{}", fields);
        assertSameLine(e);
        assertThat(fields.writers).hasSize(3);
        assertThat(fields.writers.get(0)).as("logstash's generator").isInstanceOf(JsonGeneratorDelegate.class);
        assertThat(fields.writers.get(2)).as("written here, with our own generator").isInstanceOf(GeneratorSink.class);
        assertThat(new String(lines.encode(e), StandardCharsets.UTF_8))
                .startsWith("{\"@timestamp\":\"")
                .contains("\"logger_name\":\"llm_relay.access\",\"thread_name\":\"relay-1-1\",\"level\":\"INFO\","
                        + "\"path\":\"/v1/chat/completions\"")
                .endsWith("\"status\":200,\"bytes\":1099511627776,\"key\":null}" + logstash.getLineSeparator());
    }

    @Test
    void textThatNeedsEscapingAndTextBeyondAsciiAreEscapedAlike() {
        String odd = "quote\" back\\slash\nnew line\ttab \u0001 \u007f é 模型 🦊 \u2028";
        assertSameLine(event("message " + odd + " {}", new Fields(odd)));
        assertSameLine(event(odd));
    }

    @Test
    void plainMessagesAndMessagesWithOrdinaryArgumentsToo() {
        assertSameLine(event("llm-relay listening on http://127.0.0.1:11434"));
        assertSameLine(event("backend {} is {} after {} checks", "mock-1", "up", 3));
    }

    @Test
    void everyFractionOfASecondIsWrittenAsTheLogstashEncoderWritesIt() {
        for (int nanos : new int[] {0, 1, 10, 100_000_000, 120_000_000, 123_456_789, 999_999_999, 500, 152_451_910}) {
            LoggingEvent e = event("at " + nanos, new Fields("/api/chat"));
            e.setInstant(Instant.ofEpochSecond(1_764_576_298L, nanos));
            assertSameLine(e);
        }
    }

    @Test
    void whatOnlyTheLogstashEncoderWritesIsLeftToIt() {
        LoggingEvent withMdc = event("with MDC");
        withMdc.setMDCPropertyMap(Map.of("tenant", "a"));
        assertSameLine(withMdc);

        LoggingEvent marked = event("marked");
        marked.addMarker(MarkerFactory.getMarker("AUDIT"));
        assertSameLine(marked);

        LoggingEvent keyValues = event("key values");
        keyValues.addKeyValuePair(new KeyValuePair("tenant", "a"));
        assertSameLine(keyValues);

        assertSameLine(new LoggingEvent("test", context.getLogger("llm_relay"), Level.WARN, "failed", new IOException("boom"),
                null));
        // a structured argument of logstash's own may write objects through its mapper
        assertSameLine(event("{}", StructuredArguments.keyValue("sizes", List.of(1, 2, 3))));
    }

    /** LogConfig gives these lines the platform's separator before the encoder exists: the encoder's own. */
    @Test
    void theLineSeparatorIsTheLogstashEncoders() {
        assertThat(LogConfig.logstashEncoder(context).getLineSeparator()).isEqualTo(System.lineSeparator());
    }

    /** It is made, and its object mapper built, on the first line only it writes, not at the proxy's start-up. */
    @Test
    void theLogstashEncoderStartsWithTheFirstLineOnlyItWrites() {
        assertSameLine(event("{}", new Fields("/api/tags")));
        assertSameLine(event("listening"));
        assertThat(linesLogstashMade).as("made after the lines this class writes").isZero();
        assertThat(linesLogstash.isStarted()).as("after the lines this class writes").isFalse();

        assertSameLine(new LoggingEvent("test", context.getLogger("llm_relay"), Level.WARN, "failed", new IOException("boom"),
                null));
        assertThat(linesLogstash.isStarted()).as("after a line with an exception").isTrue();
        assertSameLine(new LoggingEvent("test", context.getLogger("llm_relay"), Level.WARN, "again", new IOException("boom"),
                null));
        assertThat(linesLogstashMade).as("made once").isEqualTo(1);
        lines.stop();
        assertThat(linesLogstash.isStarted()).as("stopped with its encoder").isFalse();
    }

    /** Neither writes half a line (logstash reports the failure and writes nothing); the next line is whole. */
    @Test
    void fieldsThatFailHalfWayAreHandedToLogstashAndTheNextLineIsWhole() {
        JsonFields failing = out -> {
            out.field(new SerializedString("half"), "cut here");
            throw new IOException("cut");
        };
        LoggingEvent bad = event("{}", failing);
        assertThat(lines.encode(bad)).isEqualTo(logstash.encode(bad)).isEmpty();
        assertSameLine(event("{}", new Fields("/api/tags")));
    }

    /** The line {@link JsonLineEncoder#encodeDirect} writes without an event, or null. */
    private String direct(LoggingEvent e, Fields fields) {
        byte[] line = lines.encodeDirect(e.getInstant(), e.getFormattedMessage(), e.getLoggerName(), e.getThreadName(),
                e.getLevel().toString(), fields);
        return line == null ? null : new String(line, StandardCharsets.UTF_8);
    }

    @Test
    void aLineWrittenWithoutTheEventIsTheLogstashLineOfThatEvent() {
        String[] texts = {"/v1/chat/completions", "", "quote\" inside", "back\\slash", "ends with \\", "\"",
            "del \u007f and ~ { } [ ] : , / <script>", "{}", "POST /api/chat 200"};
        long[] numbers = {0, 7, -1, 1L << 40, Long.MAX_VALUE, Long.MIN_VALUE, -1234567890123L};
        for (String text : texts) {
            for (long number : numbers) {
                for (int nanos : new int[] {0, 152_451_911, 120_000_000}) {
                    Fields fields = new Fields(text, number);
                    LoggingEvent e = event("message " + text + " {}", fields);
                    e.setInstant(Instant.ofEpochSecond(1_764_576_298L, nanos));
                    String expected = new String(logstash.encode(e), StandardCharsets.UTF_8);
                    assertThat(direct(e, fields)).as("%s, %d", text, number).isEqualTo(expected);
                }
            }
        }
    }

    @Test
    void textBeyondPrintableAsciiIsLeftToTheGenerator() {
        for (String odd : new String[] {"new\nline", "tab\t", "\u0001", "é", "模型", "🦊", "\u2028"}) {
            assertThat(direct(event("{}", new Fields(odd)), new Fields(odd))).as(odd).isNull();
            LoggingEvent inMessage = event("message " + odd);
            assertThat(direct(inMessage, new Fields("/api/chat"))).as("in the message: " + odd).isNull();
        }
        // the thread's line is clean again afterwards
        Fields fields = new Fields("/api/tags");
        LoggingEvent e = event("{}", fields);
        assertThat(direct(e, fields)).isEqualTo(new String(logstash.encode(e), StandardCharsets.UTF_8));
    }

    @Test
    void longLinesGrowTheBuffer() {
        String longText = "x\"y".repeat(2_000);
        Fields fields = new Fields(longText);
        LoggingEvent e = event("{}", fields);
        assertThat(direct(e, fields)).isEqualTo(new String(logstash.encode(e), StandardCharsets.UTF_8));
    }
}
