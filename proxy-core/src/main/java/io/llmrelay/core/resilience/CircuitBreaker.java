package io.llmrelay.core.resilience;

import io.llmrelay.core.balance.AttemptOutcome;
import io.llmrelay.core.config.ResilienceConfig;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * One backend's circuit breaker ({@code breaker:}). <em>Closed</em>: every attempt passes;
 * {@code failures} failed attempts in a row ({@link AttemptOutcome#failure()}: connect errors,
 * time-outs, 5xx, 429 and 503, broken answers) open it. <em>Open</em>: nothing passes for
 * {@code open_for}. Then <em>half-open</em>: exactly one trial attempt passes (of callers racing
 * for it, one wins); its {@code OK} closes the breaker, its failure opens it for another
 * {@code open_for}.
 *
 * <p>What does not count: a {@code REJECTED} attempt (a 4xx other than 429: the request's fault)
 * and a {@code CANCELLED} one (the client left) neither extend nor end a run of failures; as the
 * half-open trial they give the trial back, so the next caller makes it. A trial that never reports
 * (or a long stream still running) lapses after {@code open_for}, and another one may go: at most one
 * trial per {@code open_for}. Attempts that started before the breaker opened and end while it is
 * open are ignored; one that ends {@code OK} while a trial is out closes it like the trial would
 * (either is a fresh answer).
 *
 * <p>Thread-safe and lock-free. The phase is an immutable value swapped by compare-and-set, made only
 * when the breaker changes phase; a closed breaker's {@link #tryPass()} and {@link #record} read one
 * volatile field and allocate nothing (nor read the clock).
 */
public final class CircuitBreaker {

    /** The breaker's phase, as {@code /internal/status} shows it. */
    public enum State {
        CLOSED, OPEN, HALF_OPEN;

        private final String id = name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');

        /** {@code closed}, {@code open}, {@code half-open} */
        public String id() {
            return id;
        }
    }

    /** What one {@link #record} did to the breaker, so the caller can log it and start a slow start. */
    public enum Change {
        NONE,
        /** a run of failures opened it */
        OPENED,
        /** the half-open trial failed: open again */
        REOPENED,
        /** the half-open trial succeeded */
        CLOSED
    }

    /**
     * @param consecutiveFailures failures in a row while closed (0 once it closes)
     * @param timesOpened how often it opened (or re-opened) since start
     * @param openedAgoNanos since it last opened; -1 when closed
     * @param trialInNanos until a trial may pass: 0 when one may now, -1 when closed or a trial is out
     */
    public record Status(State state, int consecutiveFailures, long timesOpened, long openedAgoNanos,
            long trialInNanos) {}

    /**
     * Open (waiting for {@code until}, then a trial may pass) or half-open with a trial out (which
     * lapses at {@code until}).
     */
    private record Phase(boolean trialOut, long openedAt, long until) {}

    /** Identity marks the closed phase. */
    private static final Phase CLOSED = new Phase(false, 0, 0);

    private final int threshold;
    private final long openForNanos;
    private final LongSupplier nanoClock;
    private final AtomicReference<Phase> phase = new AtomicReference<>(CLOSED);
    private final AtomicInteger consecutiveFailures = new AtomicInteger();
    private final AtomicLong timesOpened = new AtomicLong();

    public CircuitBreaker(ResilienceConfig.Breaker config, LongSupplier nanoClock) {
        this.threshold = config.failures();
        this.openForNanos = config.openFor().toNanos();
        this.nanoClock = nanoClock;
    }

    /**
     * Whether an attempt may go to the backend now, taking the half-open trial when it is due. Call it
     * once the backend is chosen for an attempt; a true answer from a half-open breaker is a
     * reservation that the attempt's {@link #record} settles. Closed: always true.
     */
    public boolean tryPass() {
        Phase p = phase.get();
        if (p == CLOSED) {
            return true;
        }
        long now = nanoClock.getAsLong();
        return now - p.until >= 0 && phase.compareAndSet(p, new Phase(true, p.openedAt, now + openForNanos));
    }

    /**
     * Whether {@link #tryPass()} would pass now, without taking anything: for filtering candidates
     * before the balancer chooses (several callers may see the same trial; only one will get it).
     */
    public boolean allows() {
        Phase p = phase.get();
        return p == CLOSED || nanoClock.getAsLong() - p.until >= 0;
    }

    /** {@link #allows()} at {@code now} (the caller's reading of the nano clock). */
    public boolean allows(long now) {
        Phase p = phase.get();
        return p == CLOSED || now - p.until >= 0;
    }

    /** True when closed: every attempt passes, no trial to take. */
    public boolean closed() {
        return phase.get() == CLOSED;
    }

    /** Counts the outcome of an attempt that {@link #tryPass()} let through. */
    public Change record(AttemptOutcome outcome) {
        Phase p = phase.get();
        if (outcome == AttemptOutcome.OK) {
            if (consecutiveFailures.get() != 0) {
                consecutiveFailures.set(0);
            }
            return p != CLOSED && p.trialOut && phase.compareAndSet(p, CLOSED) ? Change.CLOSED : Change.NONE;
        }
        if (outcome.failure()) {
            if (p == CLOSED) {
                if (consecutiveFailures.incrementAndGet() >= threshold && phase.compareAndSet(CLOSED, openAt(nanoClock.getAsLong()))) {
                    timesOpened.incrementAndGet();
                    return Change.OPENED;
                }
            } else if (p.trialOut && phase.compareAndSet(p, openAt(nanoClock.getAsLong()))) {
                timesOpened.incrementAndGet();
                return Change.REOPENED;
            }
            return Change.NONE;
        }
        // REJECTED or CANCELLED: says nothing about the backend; a trial is given back
        if (p != CLOSED && p.trialOut) {
            phase.compareAndSet(p, new Phase(false, p.openedAt, nanoClock.getAsLong()));
        }
        return Change.NONE;
    }

    public State state() {
        Phase p = phase.get();
        if (p == CLOSED) {
            return State.CLOSED;
        }
        return p.trialOut || nanoClock.getAsLong() - p.until >= 0 ? State.HALF_OPEN : State.OPEN;
    }

    /** Failures in a row while closed. */
    public int consecutiveFailures() {
        return consecutiveFailures.get();
    }

    public Status status() {
        Phase p = phase.get();
        if (p == CLOSED) {
            return new Status(State.CLOSED, consecutiveFailures.get(), timesOpened.get(), -1, -1);
        }
        long now = nanoClock.getAsLong();
        State state = p.trialOut || now - p.until >= 0 ? State.HALF_OPEN : State.OPEN;
        long trialIn = p.trialOut ? -1 : Math.max(0, p.until - now);
        return new Status(state, consecutiveFailures.get(), timesOpened.get(), now - p.openedAt, trialIn);
    }

    private Phase openAt(long now) {
        return new Phase(false, now, now + openForNanos);
    }

    @Override
    public String toString() {
        Status s = status();
        return switch (s.state()) {
            case CLOSED -> "closed";
            case OPEN -> "open (trial in " + NanoText.of(s.trialInNanos()) + ")";
            case HALF_OPEN -> s.trialInNanos() < 0 ? "half-open (trial out)" : "half-open";
        };
    }
}
