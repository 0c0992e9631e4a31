package io.llmrelay.server.log;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import io.llmrelay.testing.SeenSecrets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Logs a canary through the proxy's own logging, as any proxy log line is written, and records it: the
 * suite's scan for secrets (SuiteLogScan) must find it in the captured output, which proves the proxy's
 * log lines are among what it scans (were they not, the scan would pass whatever they held). With
 * {@code -Dsecrets.scan.selfcheck=true} the canary is also recorded as a secret: the scan must then fail
 * the build, naming this test's output (docs/SECURITY.md#secrets).
 */
class LogCanaryTest {

    /** {@code -Dsecrets.scan.selfcheck=true}: the canary is recorded as a secret too, and the build must fail. */
    static final String SELF_CHECK = "secrets.scan.selfcheck";

    @Test
    void aLineLoggedThroughTheProxysAppenderIsWrittenWhereTheScanReads() throws InterruptedException {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        List<Appender<ILoggingEvent>> appenders = new ArrayList<>();
        for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
            appenders.add(it.next());
        }
        assertThat(appenders).as("the proxy's logging is what the tests run with")
                .anyMatch(a -> a instanceof BatchingStdoutAppender && a.isStarted());

        String canary = "log-scan-canary-" + UUID.randomUUID();
        SeenSecrets.canary(canary);
        if (Boolean.getBoolean(SELF_CHECK)) {
            SeenSecrets.key(canary); // the self-check: a "secret" that is logged, which the scan must fail on
        }
        LoggerFactory.getLogger("llm_relay.log_canary").warn("secrets scan canary {}", canary);
        Thread.sleep(200); // the writer thread writes within its flush period (10 ms); leave it ample time
    }
}
