package io.llmrelay.core.balance;

import java.util.function.Predicate;

/** {@code round-robin}: every member in turn, in config order. */
final class RoundRobin<T extends Balanced> implements Balancer<T> {

    private final Members<T> members;
    private final Rotation rotation = new Rotation();

    RoundRobin(Members<T> members) {
        this.members = members;
    }

    @Override
    public int choose(Predicate<? super T> excluded) {
        return rotation.choose(members, 0, members.size(), excluded);
    }
}
