package io.llmrelay.core.balance;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Predicate;

/**
 * {@code least-connections}: the member with the fewest requests in flight. Ties go to the member
 * chosen least recently, so idle members take turns, fairly even when some are excluded. A member in
 * slow start counts its requests as {@code inFlight / share} ({@link Members#load}), so under load it
 * carries about its share of a full member's requests instead of being filled up to theirs.
 */
final class LeastConnections<T extends Balanced> implements Balancer<T> {

    private final Members<T> members;
    /** when each member was last chosen, on {@link #choices} */
    private final AtomicLongArray lastChosen;
    private final AtomicLong choices = new AtomicLong();

    LeastConnections(Members<T> members) {
        this.members = members;
        this.lastChosen = new AtomicLongArray(members.size());
    }

    @Override
    public int choose(Predicate<? super T> excluded) {
        int n = members.size();
        // a member that fills up between the look and the take is looked past in the next round
        for (int round = 0; round <= n; round++) {
            int best = -1;
            long bestLoad = Long.MAX_VALUE;
            long bestLast = Long.MAX_VALUE;
            boolean anyEligible = false;
            for (int i = 0; i < n; i++) {
                if (members.excluded(i, excluded)) {
                    continue;
                }
                anyEligible = true;
                if (members.atCap(i)) {
                    continue;
                }
                long load = members.load(i);
                long last = lastChosen.get(i);
                if (load < bestLoad || load == bestLoad && last < bestLast) {
                    best = i;
                    bestLoad = load;
                    bestLast = last;
                }
            }
            if (best < 0) {
                return anyEligible ? AT_CAPACITY : NONE_ELIGIBLE;
            }
            if (members.tryAcquire(best)) {
                lastChosen.set(best, choices.incrementAndGet());
                return best;
            }
        }
        return AT_CAPACITY;
    }
}
