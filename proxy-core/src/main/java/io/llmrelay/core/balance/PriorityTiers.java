package io.llmrelay.core.balance;

import java.util.function.Predicate;

/**
 * {@code priority}: the members of the highest {@code priority} in turn; a lower tier only when every
 * member of the tiers above is excluded or at its cap.
 */
final class PriorityTiers<T extends Balanced> implements Balancer<T> {

    private final Members<T> members;
    private final Rotation[] rotations;

    PriorityTiers(Members<T> members) {
        this.members = members;
        this.rotations = new Rotation[members.tiers()];
        for (int t = 0; t < rotations.length; t++) {
            rotations[t] = new Rotation();
        }
    }

    @Override
    public int choose(Predicate<? super T> excluded) {
        boolean anyEligible = false;
        for (int t = 0; t < rotations.length; t++) {
            int chosen = rotations[t].choose(members, members.tierFrom(t), members.tierTo(t), excluded);
            if (chosen >= 0) {
                return chosen;
            }
            anyEligible |= chosen == AT_CAPACITY;
        }
        return anyEligible ? AT_CAPACITY : NONE_ELIGIBLE;
    }
}
