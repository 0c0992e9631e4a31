package io.llmrelay.core.balance;

import java.util.function.Predicate;

/**
 * Rendezvous (highest random weight) hashing: a key goes to the eligible member whose
 * {@code hash(key, member name)} is highest. Members joining or leaving move only the keys that
 * were theirs or become theirs; an excluded member's keys move each to its own runner-up, the same
 * one every time. Only the first tier with an eligible member takes part, so a pin never goes
 * below the tier the strategy would use.
 */
final class Rendezvous {

    private Rendezvous() {}

    /** The member {@code key} is pinned to, or -1 when every member is excluded. */
    static <T extends Balanced> int pin(Members<T> m, long key, Predicate<? super T> excluded) {
        for (int t = 0; t < m.tiers(); t++) {
            int best = -1;
            long bestScore = 0;
            for (int p = m.tierFrom(t); p < m.tierTo(t); p++) {
                int i = m.at(p);
                if (m.excluded(i, excluded)) {
                    continue;
                }
                long score = Hash64.mix(key ^ m.nameHash(i));
                if (best < 0 || Long.compareUnsigned(score, bestScore) > 0) {
                    best = i;
                    bestScore = score;
                }
            }
            if (best >= 0) {
                return best;
            }
        }
        return -1;
    }
}
