package io.llmrelay.core.balance;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * Round-robin over one tier of a group, lock-free. Each call takes the next turn; when the member
 * whose turn it is cannot serve (excluded or at its cap), the turn is handed on by a second rotation
 * over the members that are eligible now. So an unhealthy member's share is spread evenly over the
 * others instead of falling on its neighbour, which plain "next in line" would do.
 */
final class Rotation {

    private final AtomicLong turns = new AtomicLong();
    private final AtomicLong handOvers = new AtomicLong();

    /**
     * @return the index of the member whose slot was taken, {@link Balancer#NONE_ELIGIBLE} or
     *     {@link Balancer#AT_CAPACITY}
     */
    <T extends Balanced> int choose(Members<T> m, int from, int to, Predicate<? super T> excluded) {
        int n = to - from;
        int first = m.at(from + (int) Math.floorMod(turns.getAndIncrement(), (long) n));
        if (!m.excluded(first, excluded) && m.tryAcquire(first)) {
            return first;
        }
        int eligible = 0;
        for (int p = from; p < to; p++) {
            eligible += m.excluded(m.at(p), excluded) ? 0 : 1;
        }
        if (eligible == 0) {
            return Balancer.NONE_ELIGIBLE;
        }
        int skip = (int) Math.floorMod(handOvers.getAndIncrement(), (long) eligible);
        int start = from;
        for (int p = from, seen = 0; p < to; p++) {
            if (!m.excluded(m.at(p), excluded) && seen++ == skip) {
                start = p;
                break;
            }
        }
        boolean anyEligible = false;
        for (int k = 0; k < n; k++) {
            int i = m.at(from + (start - from + k) % n);
            if (m.excluded(i, excluded)) {
                continue;
            }
            anyEligible = true;
            if (m.tryAcquire(i)) {
                return i;
            }
        }
        return anyEligible ? Balancer.AT_CAPACITY : Balancer.NONE_ELIGIBLE;
    }
}
