package io.llmrelay.server.log;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.LoggingEvent;
import io.llmrelay.core.metrics.RelayMetrics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BatchingStdoutAppenderTest {

    private final LoggerContext context = new LoggerContext();

    private BatchingStdoutAppender appender(OutputStream out, int queueSize) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%msg%n");
        encoder.start();
        BatchingStdoutAppender appender = new BatchingStdoutAppender();
        appender.setContext(context);
        appender.setEncoder(encoder);
        appender.setQueueSize(queueSize);
        appender.setFlushMillis(5);
        appender.setTarget(out);
        appender.start();
        return appender;
    }

    private LoggingEvent event(String message) {
        return new LoggingEvent("test", context.getLogger("test"), Level.INFO, message, null, null);
    }

    @Test
    void linesArriveInOrderAndStopWritesWhatIsQueued() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BatchingStdoutAppender appender = appender(out, 1024);
        for (int i = 0; i < 500; i++) {
            appender.doAppend(event("line " + i));
        }
        appender.stop();
        String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
        assertThat(lines).hasSize(500);
        assertThat(lines[0]).isEqualTo("line 0");
        assertThat(lines[499]).isEqualTo("line 499");
    }

    /**
     * The lines go to System.out as it is when the appender starts, so a test runner that captures each
     * test's output (surefire) captures the proxy's log lines too: the suite's scan for secrets reads them.
     */
    @Test
    void withoutATargetLinesGoToSystemOutAsTheJvmHasIt() {
        java.io.PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new java.io.PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            BatchingStdoutAppender appender = appender(null, 16);
            appender.doAppend(event("to whoever holds stdout"));
            appender.stop();
        } finally {
            System.setOut(original);
        }
        assertThat(captured.toString(StandardCharsets.UTF_8)).isEqualTo("to whoever holds stdout\n");
    }

    @Test
    void aBurstIsOneWrite() throws Exception {
        CountingStream out = new CountingStream();
        BatchingStdoutAppender appender = appender(out, 1024);
        Thread.sleep(20); // the writer is parked now
        for (int i = 0; i < 200; i++) {
            appender.doAppend(event("x"));
        }
        appender.stop();
        assertThat(out.bytes).isEqualTo(400);
        // one write per 10 ms batch: a handful for 200 lines, however a busy machine schedules the threads
        assertThat(out.flushes).isLessThanOrEqualTo(10);
    }

    @Test
    void aStalledOutputDropsLinesAndCountsThemWithoutBlocking() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        OutputStream stalled = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                await(release);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                await(release);
            }
        };
        BatchingStdoutAppender appender = appender(stalled, 8);
        long before = BatchingStdoutAppender.dropped();
        long start = System.nanoTime();
        for (int i = 0; i < 100; i++) {
            appender.doAppend(event("line " + i));
        }
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        // at most 8 queued and a batch the writer holds; the rest are dropped, none waited for
        assertThat(BatchingStdoutAppender.dropped() - before).isGreaterThanOrEqualTo(100 - 8 - 8);
        assertThat(tookMillis).isLessThan(1_000);
        RelayMetrics metrics = new RelayMetrics();
        metrics.logLinesDropped(BatchingStdoutAppender::dropped);
        String scrape = metrics.scrape();
        assertThat(scrape).contains("# TYPE llm_relay_log_lines_dropped_total counter");
        String sample = scrape.lines().filter(l -> l.startsWith("llm_relay_log_lines_dropped_total ")).findFirst()
                .orElseThrow();
        assertThat(Double.parseDouble(sample.substring(sample.indexOf(' ') + 1)))
                .isGreaterThanOrEqualTo(100 - 8 - 8);
        release.countDown();
        appender.stop();
    }

    private static void await(CountDownLatch latch) throws IOException {
        try {
            latch.await();
        } catch (InterruptedException e) {
            throw new IOException(e);
        }
    }

    private static final class CountingStream extends OutputStream {
        int bytes;
        int flushes;

        @Override
        public void write(int b) {
            bytes++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            bytes += len;
        }

        @Override
        public void flush() {
            flushes++;
        }
    }
}
