package io.llmrelay.core.balance;

import java.util.function.Predicate;

/**
 * {@code weighted}: nginx's smooth weighted round-robin. At each choice every eligible member's
 * current weight grows by its {@code weight}, the largest is chosen and loses the sum of the weights
 * added. Weights 5:1:1 give {@code a a b a c a a}, not five a's in a row. Excluded and capped members
 * sit the round out, so the others share in proportion to their weights. A member in slow start
 * takes part with its weight times its {@link Balanced#share()}: its share of turns, exactly.
 *
 * <p>The current weights change together, so one choice holds a lock for a loop over the members (no
 * allocation, no blocking call; measured by {@code RoutingBenchmark}).
 */
final class SmoothWeighted<T extends Balanced> implements Balancer<T> {

    private final Members<T> members;
    /** guarded by itself */
    private final long[] current;

    SmoothWeighted(Members<T> members) {
        this.members = members;
        this.current = new long[members.size()];
    }

    @Override
    public int choose(Predicate<? super T> excluded) {
        int n = members.size();
        for (int round = 0; round <= n; round++) {
            int best = pick(excluded);
            if (best < 0 || members.tryAcquire(best)) {
                return best;
            }
            // it filled up since the look: it has had its turn, take the next
        }
        return AT_CAPACITY;
    }

    @Override
    public boolean honoursShare() {
        return true;
    }

    private int pick(Predicate<? super T> excluded) {
        int best = -1;
        long total = 0;
        boolean anyEligible = false;
        synchronized (current) {
            for (int i = 0; i < current.length; i++) {
                if (members.excluded(i, excluded)) {
                    continue;
                }
                anyEligible = true;
                if (members.atCap(i)) {
                    continue;
                }
                long w = members.scaledWeight(i);
                current[i] += w;
                total += w;
                if (best < 0 || current[i] > current[best]) {
                    best = i;
                }
            }
            if (best >= 0) {
                current[best] -= total;
            }
        }
        return best >= 0 ? best : anyEligible ? AT_CAPACITY : NONE_ELIGIBLE;
    }
}
