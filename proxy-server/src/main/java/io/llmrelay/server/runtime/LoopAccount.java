package io.llmrelay.server.runtime;

import io.netty.util.concurrent.FastThreadLocal;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One event loop's CPU time, charged to the requests it served, so that the overhead llm-relay
 * reports adds up to what its event loop really spent.
 *
 * <p>An exchange's sections time the work done for it, but a loop also spends CPU that no section
 * sees: going to sleep in {@code epoll_wait} and being woken for the next request (the dearest part
 * on a virtual machine), dispatching ready channels, flushing in {@code channelReadComplete}, running
 * timers. The loop calls {@link #closePass} at the start of each of its passes; the CPU its thread
 * used since the previous call (the kernel's per-thread clock) minus the sections timed in between
 * is shared among the exchanges served in that pass, in proportion to their sections. A pass in
 * which no exchange was served (a health check, an idle connection closing) charges no one.
 *
 * <p>An exchange that finishes is settled (its metrics and access log written) when its last pass
 * closes, so its figure holds its share of that pass. For whole answers the account also keeps the
 * mean of what an exchange accrues after its head was written (the write that sends the answer,
 * and that pass's share), which the overhead header adds as an estimate because it cannot time the
 * write that carries it.
 *
 * <p>Confined to its loop's thread. Where a thread has no account (a test's {@code EmbeddedChannel}),
 * {@link #current} gives {@link #NONE}: it charges nothing and settles at once.
 */
public final class LoopAccount {

    private static final Logger LOG = LoggerFactory.getLogger(LoopAccount.class);
    private static final FastThreadLocal<LoopAccount> CURRENT = new FastThreadLocal<>();
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** Charges nothing, settles at once. */
    static final LoopAccount NONE = new LoopAccount(null);

    /** CPU time of every account's loop, for {@code llm_relay_event_loop_cpu_seconds_total}. */
    private static final LongAdder ALL_LOOPS_CPU = new LongAdder();

    /** Weight of the newest tail in the running mean: 1/16, a few dozen answers of memory. */
    private static final int TAIL_SHIFT = 4;

    /** One exchange's line in the account. */
    public static final class Line {
        private long charged;
        private long passSections;
        private long pass = -1;
        private Runnable settle;

        /** CPU charged to the exchange beyond its own sections. */
        public long charged() {
            return charged;
        }
    }

    private final LongSupplier threadCpu;
    private final ArrayList<Line> served = new ArrayList<>();
    private final ArrayList<Line> finished = new ArrayList<>();
    private long pass;
    private long passSections;
    private long lastCpu;
    private long tailMean;

    LoopAccount(LongSupplier threadCpu) {
        this.threadCpu = threadCpu;
    }

    /**
     * An account for the calling thread, reading its CPU time from the JVM; {@link #NONE} where the
     * JVM cannot (or was told not to) read a thread's CPU time.
     */
    public static LoopAccount forCurrentThread() {
        if (!THREADS.isCurrentThreadCpuTimeSupported() || !THREADS.isThreadCpuTimeEnabled()) {
            return NONE;
        }
        LoopAccount account = new LoopAccount(THREADS::getCurrentThreadCpuTime);
        CURRENT.set(account);
        account.startClock();
        return account;
    }

    /** The CPU time the event loops with an account have used, in nanoseconds. */
    public static long allLoopsCpuNanos() {
        return ALL_LOOPS_CPU.sum();
    }

    /** The calling thread's account, or {@link #NONE}. */
    public static LoopAccount current() {
        LoopAccount account = CURRENT.getIfExists();
        return account == null ? NONE : account;
    }

    /** Starts counting the thread's CPU time from now. */
    void startClock() {
        lastCpu = threadCpu.getAsLong();
    }

    /** A section of {@code nanos} for the exchange of {@code line} ended in this pass. */
    public void served(Line line, long nanos) {
        if (threadCpu == null || line.settle != null) {
            return;
        }
        if (line.pass != pass) {
            line.pass = pass;
            line.passSections = 0;
            served.add(line);
        }
        line.passSections += nanos;
        passSections += nanos;
    }

    /** The exchange of {@code line} is complete: {@code settle} runs once its last pass is charged. */
    public void finished(Line line, Runnable settle) {
        if (threadCpu == null) {
            settle.run();
            return;
        }
        line.settle = settle;
        finished.add(line);
    }

    /** The mean overhead whole answers accrued after their head was written on this loop. */
    public long tailEstimate() {
        return tailMean;
    }

    /** What one whole answer accrued after its head was written. */
    public void tail(long nanos) {
        tailMean += (nanos - tailMean) >> TAIL_SHIFT;
    }

    /**
     * Ends a pass of the event loop: shares the CPU spent outside sections among the exchanges it
     * served, then settles those that finished. Called by the loop before it waits for I/O again.
     */
    public void closePass() {
        if (threadCpu == null) {
            return;
        }
        long now = threadCpu.getAsLong();
        long spent = now - lastCpu;
        long unseen = spent - passSections;
        lastCpu = now;
        ALL_LOOPS_CPU.add(spent);
        if (unseen > 0 && passSections > 0) {
            double perSectionNano = (double) unseen / passSections;
            for (int i = 0; i < served.size(); i++) {
                Line line = served.get(i);
                line.charged += (long) (line.passSections * perSectionNano);
            }
        }
        served.clear();
        passSections = 0;
        pass++;
        for (int i = 0; i < finished.size(); i++) {
            try {
                finished.get(i).settle.run();
            } catch (RuntimeException e) {
                LOG.error("recording a finished request failed", e);
            }
        }
        finished.clear();
    }
}
