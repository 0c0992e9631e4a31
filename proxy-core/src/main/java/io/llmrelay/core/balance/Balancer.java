package io.llmrelay.core.balance;

import io.llmrelay.core.config.RoutingConfig;
import java.util.function.IntUnaryOperator;
import java.util.function.Predicate;

/**
 * One strategy's choice among a group's members, with the state it keeps between choices. Called
 * concurrently from any thread.
 */
interface Balancer<T extends Balanced> {

    /** No member is eligible: all are excluded. */
    int NONE_ELIGIBLE = -1;
    /** Some member is eligible, but every eligible one is at its cap. */
    int AT_CAPACITY = -2;

    /**
     * Chooses a member that {@code excluded} does not reject and takes its slot; a member at its cap is
     * passed over for the strategy's next choice.
     *
     * @return the member's index (its slot taken), {@link #NONE_ELIGIBLE} or {@link #AT_CAPACITY}
     */
    int choose(Predicate<? super T> excluded);

    /**
     * True when the strategy gives a member in slow start its {@link Balanced#share()} itself (as a
     * weight), so {@link BackendGroup} must not also draw for it.
     */
    default boolean honoursShare() {
        return false;
    }

    static <T extends Balanced> Balancer<T> of(RoutingConfig.Strategy strategy, Members<T> members,
            IntUnaryOperator randomBelow) {
        return switch (strategy) {
            case PRIORITY -> new PriorityTiers<>(members);
            case ROUND_ROBIN -> new RoundRobin<>(members);
            case LEAST_CONNECTIONS -> new LeastConnections<>(members);
            case WEIGHTED -> new SmoothWeighted<>(members);
            case LATENCY -> new LeastLatency<>(members, randomBelow);
        };
    }
}
