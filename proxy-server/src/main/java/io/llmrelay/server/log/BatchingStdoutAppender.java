package io.llmrelay.server.log;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.encoder.Encoder;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * Log lines to stdout at a few microseconds each, never blocking the thread that logs. The line is
 * encoded where it is logged (the event need not outlive the call) and queued; one writer thread
 * wakes every {@code flushMillis}, takes whatever is queued and writes it with one buffered write,
 * so a burst of lines costs one system call, and no line wakes a thread. A full queue drops the line
 * and counts it ({@link #dropped()}, exported as {@code llm_relay_log_lines_dropped_total}).
 *
 * <p>Logback's {@code AsyncAppender} signals its worker for every line and its console appender
 * writes every line on its own: a wake-up and a {@code write(2)} per request, which cost more than
 * the rest of the proxy's work.
 */
public final class BatchingStdoutAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {

    private static final LongAdder DROPPED = new LongAdder();

    private Encoder<ILoggingEvent> encoder;
    private int queueSize = 16_384;
    private int flushMillis = 10;
    private OutputStream target;

    private ArrayBlockingQueue<byte[]> queue;
    private Thread writer;
    private volatile boolean running;

    /** Lines dropped because the queue was full, by every instance since the process started. */
    public static long dropped() {
        return DROPPED.sum();
    }

    public void setEncoder(Encoder<ILoggingEvent> encoder) {
        this.encoder = encoder;
    }

    /** Lines that may wait for the writer; beyond them lines are dropped. */
    public void setQueueSize(int queueSize) {
        this.queueSize = queueSize;
    }

    /** How long a line may wait before it is written. */
    public void setFlushMillis(int flushMillis) {
        this.flushMillis = flushMillis;
    }

    /** Where the lines go instead of stdout (tests). */
    void setTarget(OutputStream target) {
        this.target = target;
    }

    @Override
    public void start() {
        if (encoder == null) {
            addError("no encoder for appender " + name);
            return;
        }
        if (queueSize < 1 || flushMillis < 1) {
            addError("queueSize and flushMillis must be positive");
            return;
        }
        // System.out rather than a stream of its own on file descriptor 1: whoever redirects the JVM's
        // stdout (a test runner keeping each test's output) gets these lines too. Its flush on every write
        // costs nothing here, since the writer hands it one buffered batch per write.
        OutputStream out = target != null ? target : System.out;
        queue = new ArrayBlockingQueue<>(queueSize);
        running = true;
        writer = new Thread(() -> writeUntilStopped(new BufferedOutputStream(out, 64 * 1024)), "log-writer");
        writer.setDaemon(true);
        writer.start();
        super.start();
    }

    @Override
    protected void append(ILoggingEvent event) {
        offer(encoder.encode(event));
    }

    /** Queues a line encoded without an event ({@link DirectLines}); a full queue drops it, counted. */
    void offer(byte[] line) {
        if (!queue.offer(line)) {
            DROPPED.increment();
        }
    }

    @Override
    public void stop() {
        if (!isStarted()) {
            return;
        }
        super.stop();
        running = false;
        LockSupport.unpark(writer);
        try {
            writer.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void writeUntilStopped(OutputStream out) {
        List<byte[]> batch = new ArrayList<>(Math.min(queueSize, 4096));
        long parkNanos = TimeUnit.MILLISECONDS.toNanos(flushMillis);
        boolean more = true;
        while (more) {
            more = running; // read before draining: nothing logged before stop() is left behind
            batch.clear();
            queue.drainTo(batch);
            if (!batch.isEmpty()) {
                try {
                    for (byte[] line : batch) {
                        out.write(line);
                    }
                    out.flush();
                } catch (IOException e) {
                    addError("cannot write log lines", e); // stdout closed: nothing better to do with them
                }
            }
            if (more) {
                LockSupport.parkNanos(this, parkNanos);
            }
        }
        try {
            out.flush();
        } catch (IOException e) {
            addError("cannot flush log lines", e);
        }
    }
}
