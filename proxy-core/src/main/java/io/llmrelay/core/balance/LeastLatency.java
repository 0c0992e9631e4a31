package io.llmrelay.core.balance;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntUnaryOperator;
import java.util.function.Predicate;

/**
 * {@code latency}: the power of two choices. Two members drawn at random; the one with the lower
 * {@code EWMA of time to first byte × (requests in flight + 1)} is chosen, so a fast backend is
 * preferred until its queue makes it slower than the other.
 *
 * <p>A member in slow start counts its requests in flight as {@code inFlight / share}
 * ({@link Members#load}), so under load it wins fewer comparisons.
 *
 * <p>A member never tried (no sample, no attempt recorded, nothing in flight) is chosen before any
 * draw, so every member gets measured. A member without a sample otherwise (its first request under
 * way, or failed before a first byte) competes on requests in flight alone: it has no latency to
 * compare, and neither a start-up burst nor a backend that fails fast piles onto it.
 */
final class LeastLatency<T extends Balanced> implements Balancer<T> {

    private final Members<T> members;
    private final IntUnaryOperator randomBelow;
    private final AtomicLong coldTurns = new AtomicLong();
    /** set once no member is cold: a sample, once taken, never goes away */
    private volatile boolean allSampled;

    LeastLatency(Members<T> members, IntUnaryOperator randomBelow) {
        this.members = members;
        this.randomBelow = randomBelow;
    }

    @Override
    public int choose(Predicate<? super T> excluded) {
        for (int round = 0; round <= members.size(); round++) {
            int pick = pick(excluded);
            if (pick < 0 || members.tryAcquire(pick)) {
                return pick;
            }
        }
        return AT_CAPACITY;
    }

    private int pick(Predicate<? super T> excluded) {
        if (!allSampled) {
            int untried = untried(excluded);
            if (untried >= 0) {
                return untried;
            }
        }
        int n = members.size();
        if (n == 1) {
            return usable(0, excluded) ? 0 : bestOfAll(excluded);
        }
        int a = randomBelow.applyAsInt(n);
        int b = randomBelow.applyAsInt(n - 1);
        b += b >= a ? 1 : 0;
        boolean useA = usable(a, excluded);
        boolean useB = usable(b, excluded);
        if (useA && useB) {
            return better(a, b);
        }
        if (useA || useB) {
            return useA ? a : b;
        }
        return bestOfAll(excluded);
    }

    /** A never-tried, eligible member (taking turns among them), or -1; notes when no member is cold. */
    private int untried(Predicate<? super T> excluded) {
        int n = members.size();
        int start = (int) Math.floorMod(coldTurns.getAndIncrement(), (long) n);
        boolean anyCold = false;
        for (int k = 0; k < n; k++) {
            int i = (start + k) % n;
            BackendStats s = members.stats(i);
            if (!s.cold()) {
                continue;
            }
            anyCold = true;
            if (s.inFlight() == 0 && s.attempts() == 0 && !members.excluded(i, excluded)) {
                return i;
            }
        }
        if (!anyCold) {
            allSampled = true;
        }
        return -1;
    }

    /** The best usable member over all of them, when the draw found none. */
    private int bestOfAll(Predicate<? super T> excluded) {
        int best = -1;
        boolean anyEligible = false;
        for (int i = 0; i < members.size(); i++) {
            if (members.excluded(i, excluded)) {
                continue;
            }
            anyEligible = true;
            if (!members.atCap(i)) {
                best = best < 0 ? i : better(best, i);
            }
        }
        return best >= 0 ? best : anyEligible ? AT_CAPACITY : NONE_ELIGIBLE;
    }

    private boolean usable(int i, Predicate<? super T> excluded) {
        return !members.excluded(i, excluded) && !members.atCap(i);
    }

    private int better(int a, int b) {
        BackendStats sa = members.stats(a);
        BackendStats sb = members.stats(b);
        long inA = members.load(a);
        long inB = members.load(b);
        if (sa.cold() || sb.cold()) {
            return inA <= inB ? a : b;
        }
        // (in flight + 1) in 1/SCALE
        return sa.firstByteEwmaNanos() * (inA + Members.SCALE) <= sb.firstByteEwmaNanos() * (inB + Members.SCALE) ? a : b;
    }
}
