package io.llmrelay.core.resilience;

import io.llmrelay.core.api.Clocks;
import io.llmrelay.core.balance.AttemptOutcome;
import io.llmrelay.core.config.ResilienceConfig;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Everything that decides whether one backend may be routed to now, in one place: its active health
 * ({@link ActiveHealth}: probes, fall and rise), its {@link CircuitBreaker}, a {@link HoldOff} from
 * {@code Retry-After}, its {@link OutlierEjection}, and its {@link SlowStart} ramp, started whenever
 * it recovers from one of the others. One per backend, shared by every model it serves and every event
 * loop; made by {@link FleetResilience#backend}.
 *
 * <p>How the server wires it:
 * <ul>
 *   <li>selection: exclude the backends for which {@link GroupHealth#routable} is false (the group
 *       applies the ejection cap; {@link #routable()} alone honours every ejection); the backend's
 *       {@code Balanced.admit()} is {@link #admit()} (the breaker's half-open trial, taken only by the
 *       backend actually chosen) and {@code Balanced.share()} is {@link #share()} (slow start);</li>
 *   <li>every attempt that {@link #admit()} let through ends in exactly one {@link #record}, with the
 *       outcome {@code BackendStats} gets;</li>
 *   <li>a 429 or 503 carrying {@code Retry-After}: {@link #holdOff(CharSequence)};</li>
 *   <li>each active probe: {@link #probe(boolean)};</li>
 *   <li>{@code /internal/status}: {@link #status()}.</li>
 * </ul>
 *
 * <p>Thread-safe. A backend in good standing (healthy or not yet probed, breaker closed, not held
 * off, not ejected, not ramping up) is marked <em>clean</em> in one word, so {@link #routable()},
 * {@link #admit()} and {@link #share()} read that word alone: no clock, no lock, no allocation. Every
 * change away from good standing happens here and marks the word dirty once it has happened (moving
 * its version on); a full check that finds everything good marks it clean again by compare-and-set on
 * the version it read, so a change that races with the check always wins. Everything that ends with
 * time (an ejection, a hold, an open period, a ramp) is seen by the full check, which reads the clock
 * once (or takes the caller's reading). The full check also notes the slow-start share (in steps of
 * 1/1000), so {@link #share()}, which every strategy asks only of members that passed the caller's
 * filter in the same selection, reads no clock either.
 */
public final class BackendResilience {

    /**
     * One backend's resilience state for {@code /internal/status}.
     *
     * @param routable whether it may be chosen now (every ejection honoured; a group may route to a
     *     backend it does not count as ejected)
     * @param reason why it is not routable, or null
     * @param heldOffNanos what is left of a {@code Retry-After} hold; 0: none
     * @param ejectedNanos what is left of an ejection; 0: none
     * @param ejectionLevel ejections so far, after decay
     * @param consecutiveErrors errors in a row counted towards an ejection
     * @param share its share of selections, below 1 while slow start ramps it up
     */
    public record Status(String backend, boolean routable, String reason, ActiveHealth.State health,
            CircuitBreaker.Status breaker, long heldOffNanos, long ejectedNanos, int ejectionLevel,
            int consecutiveErrors, double share) {}

    private final String name;
    private final Clocks clocks;
    private final ResilienceEvents events;
    private final ActiveHealth health;
    private final CircuitBreaker breaker;
    private final HoldOff holdOff;
    private final OutlierEjection ejection;
    private final SlowStart slowStart;
    /** {@code version << 1 | clean}: the version moves at every change away from good standing */
    @SuppressWarnings("unused") // through STANDING: a field, not an AtomicLong, saves a hop on every check
    private volatile long standing = CLEAN;
    /** the slow-start share at the last full check, in 1/{@link #SHARE_STEPS}; written only when it changes */
    private volatile int shareSteps = SHARE_STEPS;

    private static final long CLEAN = 1;
    private static final int SHARE_STEPS = 1000;
    private static final int FIRST_SHARE_STEPS = (int) (SlowStart.FIRST_SHARE * SHARE_STEPS);
    private static final VarHandle STANDING;

    static {
        try {
            STANDING = MethodHandles.lookup().findVarHandle(BackendResilience.class, "standing", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    BackendResilience(String name, ResilienceConfig config, EjectionLedger ledger, Clocks clocks,
            ResilienceEvents events) {
        this.name = name;
        this.clocks = clocks;
        this.events = events;
        this.health = new ActiveHealth(config.health());
        this.breaker = new CircuitBreaker(config.breaker(), clocks.nanos());
        this.holdOff = new HoldOff(clocks.nanos());
        this.ejection = new OutlierEjection(config.outlier(), ledger, clocks.nanos());
        this.slowStart = new SlowStart(config.health().slowStart(), clocks.nanos());
    }

    public String name() {
        return name;
    }

    /** True when nothing keeps the backend from being chosen now, every ejection honoured. */
    public boolean routable() {
        return clean() || routable(clocks.nanoTime());
    }

    /** {@link #routable()} at {@code now}, the caller's reading of the nano clock (one reading for a whole selection). */
    public boolean routable(long now) {
        return clean() || routableApartFromEjection(now) && ejection.number(now) == 0;
    }


    /**
     * How long until the backend may be tried again, for a client's {@code Retry-After}: the longest of
     * its breaker's wait for a trial, its hold-off and its ejection; 0 when it may be tried now.
     */
    public long backInNanos() {
        if (clean()) {
            return 0;
        }
        long breakerWait = Math.max(0, breaker.status().trialInNanos());
        return Math.max(breakerWait, Math.max(holdOff.remainingNanos(), ejection.remainingNanos()));
    }

    /** True while the backend is in good standing: routable, whole share, breaker closed. One volatile read. */
    boolean clean() {
        return (standing & CLEAN) != 0;
    }

    /**
     * Health, breaker and hold-off at {@code now}; the ejection is the group's call ({@link GroupHealth}).
     * Marks the backend clean when it finds it in good standing.
     */
    boolean routableApartFromEjection(long now) {
        long word = standing;
        if ((word & CLEAN) != 0) {
            return true;
        }
        boolean routable = health.routable() && breaker.allows(now) && !holdOff.held(now);
        if (routable) {
            double share = slowStart.share(now);
            int steps = (int) (share * SHARE_STEPS);
            if (steps != shareSteps) {
                shareSteps = steps;
            }
            if (share >= 1.0 && breaker.closed() && ejection.number(now) == 0) {
                STANDING.compareAndSet(this, word, word | CLEAN);
            }
        }
        return routable;
    }

    /** After a change away from good standing (made first): moves the version on and clears the clean bit. */
    private void troubled() {
        long word;
        do {
            word = standing;
        } while (!STANDING.compareAndSet(this, word, ((word >>> 1) + 1) << 1));
    }

    /**
     * Once the backend has been chosen for an attempt: whether the attempt may go. False only when its
     * breaker is not closed and the one half-open trial is not this attempt's to make. A true answer
     * must be followed by {@link #record} when the attempt ends.
     */
    public boolean admit() {
        return clean() || breaker.tryPass();
    }

    /**
     * Its share of selections: below 1 while it ramps up after recovering ({@link SlowStart}), as of the
     * last routability check (each selection's filter makes one before a strategy asks), so no clock
     * is read; {@link #status()} has the exact value.
     */
    public double share() {
        return clean() ? 1.0 : shareSteps / (double) SHARE_STEPS;
    }

    /** Starts a ramp at {@code start} (a recovery), the share noted at its first step until the next check. */
    private void rampFrom(long start) {
        slowStart.beginAt(start);
        if (slowStart.ramping()) {
            shareSteps = FIRST_SHARE_STEPS;
        }
    }

    /** Counts the outcome of an attempt {@link #admit()} let through: breaker and outlier detection. */
    public void record(AttemptOutcome outcome) {
        CircuitBreaker.Change change = breaker.record(outcome);
        if (change != CircuitBreaker.Change.NONE) {
            if (change == CircuitBreaker.Change.CLOSED) {
                rampFrom(clocks.nanoTime());
            }
            troubled();
            events.breakerChanged(name, change, breaker.status());
        }
        if (ejection.record(outcome)) {
            rampFrom(ejection.endsAt());
            troubled();
            events.ejected(name, ejection.remainingNanos(), ejection.level());
        }
    }

    /**
     * A 429 or 503 said when to come back: holds the backend off until then (capped at
     * {@link HoldOff#MAX}) and ramps it up afterwards.
     *
     * @param retryAfter the {@code Retry-After} header's value, seconds or an HTTP date; null or
     *     unreadable: nothing happens
     * @return the hold in nanoseconds, or {@link RetryAfter#NONE}
     */
    public long holdOff(CharSequence retryAfter) {
        long nanos = RetryAfter.nanos(retryAfter, clocks.wall().millis());
        if (nanos > 0) {
            holdOffNanos(nanos);
        }
        return nanos;
    }

    /** Holds the backend off for {@code nanos} (capped at {@link HoldOff#MAX}; an existing longer hold stays). */
    public void holdOffNanos(long nanos) {
        if (nanos <= 0) {
            return;
        }
        rampFrom(holdOff.holdFor(nanos));
        troubled();
        events.heldOff(name, nanos);
    }

    /**
     * Records one active probe; a backend the probes bring back from unhealthy ramps up (the first
     * verdict after start-up does not).
     *
     * @return its health after the probe
     */
    public ActiveHealth.State probe(boolean ok) {
        ActiveHealth.State before = health.state();
        ActiveHealth.State after = health.record(ok);
        if (after != before) {
            if (before == ActiveHealth.State.UNHEALTHY) {
                rampFrom(clocks.nanoTime());
            }
            if (after == ActiveHealth.State.UNHEALTHY || before == ActiveHealth.State.UNHEALTHY) {
                troubled(); // not for the first verdict, healthy: nothing changes for routing
            }
            events.healthChanged(name, after);
        }
        return after;
    }

    public ActiveHealth.State health() {
        return health.state();
    }

    public CircuitBreaker.Status breaker() {
        return breaker.status();
    }

    /**
     * True while a {@code Retry-After} holds the backend off: the backend itself asked to be left alone,
     * so unlike the proxy's own inferences (probes, an ejection, an open breaker) it is honoured even when
     * no other backend can serve.
     */
    public boolean heldOff() {
        return holdOff.held();
    }

    public boolean ejected() {
        return ejection.ejected();
    }

    OutlierEjection ejection() {
        return ejection;
    }

    /**
     * Why the backend is not routable (the first reason of: health, a hold-off the backend asked for,
     * breaker, ejection), or null.
     */
    public String reason() {
        if (!health.routable()) {
            return "unhealthy: its health probes fail";
        }
        if (holdOff.held()) {
            return "held off by Retry-After for " + NanoText.of(holdOff.remainingNanos());
        }
        if (!breaker.allows()) {
            CircuitBreaker.Status b = breaker.status();
            return b.state() != CircuitBreaker.State.OPEN ? "breaker half-open: its trial request is under way"
                    : (b.consecutiveFailures() > 0 ? "breaker open after " + b.consecutiveFailures() + " failures in a row"
                            : "breaker open: its trial request failed") + "; a trial in " + NanoText.of(b.trialInNanos());
        }
        if (ejection.ejected()) {
            return "ejected for " + NanoText.of(ejection.remainingNanos()) + " after errors in a row (ejection "
                    + ejection.level() + ")";
        }
        return null;
    }

    public Status status() {
        String reason = reason();
        return new Status(name, reason == null, reason, health.state(), breaker.status(), holdOff.remainingNanos(),
                ejection.remainingNanos(), ejection.level(), ejection.consecutiveErrors(), slowStart.share());
    }

    @Override
    public String toString() {
        String reason = reason();
        return name + ": " + (reason != null ? reason : slowStart.ramping() ? slowStart.toString() : "routable");
    }
}
