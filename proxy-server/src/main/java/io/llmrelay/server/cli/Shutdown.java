package io.llmrelay.server.cli;

import io.llmrelay.core.config.Durations;
import io.llmrelay.server.RelayServer;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;

/**
 * How {@code serve} stops. The first SIGTERM or SIGINT turns readiness to 503 at once (on the JVM's
 * signal thread) and wakes the main thread, which drains and then exits with status 0, whether every
 * answer finished or the deadline cut some (the log says how many). A second signal cuts the running
 * answers now; a third halts the JVM with status 1 without waiting for anything. A shutdown hook covers
 * every other way out ({@code System.exit}, SIGHUP, or SIGTERM itself where the signal cannot be taken
 * over); whoever comes first drains, and the drain runs once.
 */
final class Shutdown {

    private final Logger log;
    private final RelayServer server;
    private final Duration deadline;
    private final Runnable stop;
    private final AtomicInteger signals = new AtomicInteger();
    private final CountDownLatch requested = new CountDownLatch(1);
    private final AtomicBoolean claimed = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);

    /** {@code stop}: drains {@code server} within {@code deadline}, then stops what else runs (once). */
    Shutdown(Logger log, RelayServer server, Duration deadline, Runnable stop) {
        this.log = log;
        this.server = server;
        this.deadline = deadline;
        this.stop = stop;
    }

    /** Takes over SIGTERM and SIGINT where the runtime allows, and adds the shutdown hook. */
    void install() {
        for (String signal : new String[] {"TERM", "INT"}) {
            try {
                if (!SignalTrap.install(signal, this::onSignal)) {
                    log.info("SIG{} is ignored: this process was started with it ignored", signal);
                }
            } catch (LinkageError | IllegalArgumentException | UnsupportedOperationException e) {
                log.warn("SIG{} is left to the JVM ({}): a stop still drains, from a shutdown hook, but the exit "
                        + "status is then 128 + the signal's number", signal, e.toString());
            }
        }
        Runtime.getRuntime().addShutdownHook(new Thread(this::onJvmExit, "llm-relay-shutdown"));
    }

    /** Blocks the main thread until a stop is asked for, then drains and stops; the exit status. */
    int awaitAndStop() throws InterruptedException {
        requested.await();
        return stopOnce() ? 0 : 1;
    }

    /** On the JVM's signal-handler thread: must return at once. */
    void onSignal(String name) {
        int n = signals.incrementAndGet();
        if (n == 1) {
            server.beginDrain();
            log.info("{}: stopping. /health/ready answers 503, no new connections; running answers get up to {} to "
                    + "finish (again to cut them now)", name, Durations.format(deadline));
            requested.countDown();
        } else if (n == 2) {
            log.warn("{} during the drain: cutting the running answers now (one more stops at once)", name);
            server.cutDrainNow();
        } else {
            Runtime.getRuntime().halt(1);
        }
    }

    /** The shutdown hook: drains if nothing else has, else waits for the drain under way to end. */
    private void onJvmExit() {
        if (claimed.get()) {
            awaitStopped();
            return;
        }
        server.beginDrain();
        log.info("Stopping: /health/ready answers 503, no new connections; running answers get up to {} to finish",
                Durations.format(deadline));
        stopOnce();
    }

    /** Drains and stops unless that has begun elsewhere; false if it had (or failed). */
    private boolean stopOnce() {
        if (!claimed.compareAndSet(false, true)) {
            awaitStopped();
            return false;
        }
        try {
            stop.run();
            return true;
        } catch (RuntimeException e) {
            log.error("stopping failed: {}", e.toString(), e);
            LogSetup.flush();
            return false;
        } finally {
            stopped.countDown();
        }
    }

    private void awaitStopped() {
        try {
            // the drain's deadline, the grace for cut answers and the event loops' own stop
            stopped.await(deadline.toMillis() + 10_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
