package io.llmrelay.server.log;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.read.ListAppender;
import ch.qos.logback.core.spi.FilterReply;
import com.fasterxml.jackson.core.io.SerializedString;
import io.llmrelay.core.json.Json;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.TimeZone;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Marker;

/**
 * A line goes out without a logging event only where nothing but the proxy's own appender would have
 * seen the event; anywhere else the caller is told to log the event.
 */
class DirectLinesTest {

    private static final SerializedString PATH = new SerializedString("path");

    private final LoggerContext context = new LoggerContext();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final BatchingStdoutAppender appender = new BatchingStdoutAppender();
    private final DirectLines access = DirectLines.of("llm_relay.access");
    private DirectLines.Output before;
    private Logger root;

    @BeforeEach
    void install() {
        before = DirectLines.installed();
        JsonLineEncoder encoder = new JsonLineEncoder(() -> LogConfig.logstashEncoder(context), "\n", Json.FACTORY,
                TimeZone.getDefault().toZoneId());
        encoder.setContext(context);
        encoder.start();
        appender.setContext(context);
        appender.setEncoder(encoder);
        appender.setTarget(out);
        appender.setFlushMillis(1);
        appender.start();
        root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(appender);
        context.getLogger("llm_relay.access"); // as AccessLog's logger exists
        DirectLines.install(context, appender, encoder);
    }

    @AfterEach
    void putBack() {
        DirectLines.restore(before);
        context.stop();
    }

    private static JsonFields path(String path) {
        return sink -> sink.field(PATH, path);
    }

    private String written() {
        appender.stop(); // writes out what is queued
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void withOnlyTheProxysAppenderTheLineIsWrittenWithoutAnEvent() {
        assertThat(access.info("POST /api/chat 200", path("/api/chat"))).isTrue();
        assertThat(written()).startsWith("{\"@timestamp\":\"")
                .endsWith("\"message\":\"POST /api/chat 200\",\"logger_name\":\"llm_relay.access\",\"thread_name\":\""
                        + Thread.currentThread().getName() + "\",\"level\":\"INFO\",\"path\":\"/api/chat\"}\n");
    }

    @Test
    void anotherAppenderAnywhereOnTheWayGetsTheEventInstead() {
        ListAppender<ILoggingEvent> onRoot = new ListAppender<>();
        onRoot.start();
        root.addAppender(onRoot);
        assertThat(access.info("on root", path("/"))).isFalse();
        root.detachAppender(onRoot);

        ListAppender<ILoggingEvent> onParent = new ListAppender<>();
        onParent.start();
        context.getLogger("llm_relay").addAppender(onParent);
        assertThat(access.info("on the parent", path("/"))).isFalse();
        context.getLogger("llm_relay").detachAppender(onParent);

        context.getLogger("llm_relay.access").setAdditive(false); // the root's appender would not see it
        assertThat(access.info("not additive", path("/"))).isFalse();
        context.getLogger("llm_relay.access").setAdditive(true);

        assertThat(access.info("all back", path("/"))).isTrue();
        assertThat(written()).doesNotContain("on root", "on the parent", "not additive").contains("all back");
    }

    @Test
    void aTurboFilterALevelAboveInfoOrAStoppedAppenderRefuse() {
        TurboFilter deciding = new TurboFilter() {
            @Override
            public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params,
                    Throwable t) {
                return FilterReply.NEUTRAL;
            }
        };
        context.addTurboFilter(deciding);
        assertThat(access.info("turbo", path("/"))).isFalse();
        context.resetTurboFilterList();

        context.getLogger("llm_relay.access").setLevel(Level.WARN);
        assertThat(access.info("warn only", path("/"))).isFalse();
        context.getLogger("llm_relay.access").setLevel(null);

        assertThat(written()).isEmpty();
        assertThat(access.info("stopped", path("/"))).isFalse();
    }

    @Test
    void textBeyondPrintableAsciiOrNothingInstalledRefuse() {
        assertThat(access.info("POST /api/chat 200", path("/modèle"))).isFalse();
        assertThat(access.info("POST /api/chat\n200", path("/"))).isFalse();
        DirectLines.clear(); // text lines: LogConfig installs nothing
        assertThat(access.info("POST /api/chat 200", path("/api/chat"))).isFalse();
        assertThat(written()).isEmpty();
    }
}
