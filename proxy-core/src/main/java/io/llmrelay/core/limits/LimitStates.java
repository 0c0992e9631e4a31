package io.llmrelay.core.limits;

import io.llmrelay.core.config.SecurityConfig.KeyLimits;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The states of one scope's subjects (client addresses, keys), bounded: an attacker cycling addresses
 * must not grow it without end.
 *
 * <ul>
 *   <li>A state back at "full and idle" ({@link LimitState#idle}) is what a new one would be, so
 *       {@link #sweep} drops it. The server sweeps on a schedule; a lookup that finds the map at its
 *       cap sweeps too (at most once a second).</li>
 *   <li>At {@code maxEntries} after that sweep, a new subject shares one <em>overflow</em> state
 *       with every other subject that found the map full: addresses already tracked keep their own
 *       limits, and a flood of new ones is limited as if it were one client. Counted in
 *       {@link #overflowed()}.</li>
 * </ul>
 *
 * <p>A sweep and a check racing on one state: the sweep marks the state {@link LimitState#retired},
 * then looks again; a check takes what it needs, then reads the mark. Both are volatile accesses, so
 * at least one sees the other: the sweep sees the check's take (the state is no longer idle: the mark
 * is lifted, nothing dropped), or the check sees the mark (it gives back what it took and looks the
 * subject up again). No count is lost and nobody waits on a lock.
 */
final class LimitStates {

    /** A sweep at the cap runs at most this often; the rest of the time a full map overflows at once. */
    static final long CLEANUP_GAP_NANOS = Seconds.NANOS;

    private final Scope scope;
    private final int maxEntries;
    private final ConcurrentHashMap<String, LimitState> states = new ConcurrentHashMap<>();
    private final AtomicLong lastCleanup;
    /** one sweep at a time: two racing sweeps could each undo the other's mark */
    private final AtomicBoolean sweeping = new AtomicBoolean();
    private final LongAdder overflowed = new LongAdder();
    private volatile LimitState overflow;

    LimitStates(Scope scope, int maxEntries, long now) {
        if (maxEntries <= 0) {
            throw new IllegalArgumentException("maxEntries must be positive: " + maxEntries);
        }
        this.scope = scope;
        this.maxEntries = maxEntries;
        this.lastCleanup = new AtomicLong(now - CLEANUP_GAP_NANOS);
    }

    /** {@code subject}'s state under {@code spec} (a state built from other limits is replaced). */
    LimitState get(String subject, KeyLimits spec, long now) {
        LimitState s = states.get(subject);
        if (s != null) {
            if (s.spec == spec || s.spec.equals(spec)) {
                return s;
            }
            LimitState fresh = new LimitState(scope, spec, now);
            return states.replace(subject, s, fresh) ? fresh : get(subject, spec, now);
        }
        if (states.size() >= maxEntries && (!cleanup(now) || states.size() >= maxEntries)) {
            overflowed.increment();
            return overflowState(spec, now);
        }
        return states.computeIfAbsent(subject, k -> new LimitState(scope, spec, now));
    }

    private boolean cleanup(long now) {
        long last = lastCleanup.get();
        if (now - last < CLEANUP_GAP_NANOS || !lastCleanup.compareAndSet(last, now)) {
            return false;
        }
        sweep(now);
        return true;
    }

    private LimitState overflowState(KeyLimits spec, long now) {
        LimitState o = overflow;
        if (o == null || !o.spec.equals(spec)) {
            o = new LimitState(scope, spec, now);
            overflow = o;
        }
        return o;
    }

    /** Drops every full and idle state; returns how many went (0 when another sweep is running). */
    int sweep(long now) {
        if (!sweeping.compareAndSet(false, true)) {
            return 0;
        }
        try {
            return sweepAlone(now);
        } finally {
            sweeping.set(false);
        }
    }

    private int sweepAlone(long now) {
        int dropped = 0;
        for (Iterator<Map.Entry<String, LimitState>> it = states.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, LimitState> e = it.next();
            LimitState s = e.getValue();
            if (!s.idle(now)) {
                continue;
            }
            s.retired = true;
            if (s.idle(now)) {
                states.remove(e.getKey(), s);
                dropped++;
            } else {
                s.retired = false;
            }
        }
        return dropped;
    }

    int size() {
        return states.size();
    }

    int maxEntries() {
        return maxEntries;
    }

    /** Lookups that found the map full and used the shared overflow state. */
    long overflowed() {
        return overflowed.sum();
    }
}
