package io.llmrelay.core.balance;

import io.llmrelay.core.config.RoutingConfig;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntUnaryOperator;
import java.util.function.Predicate;

/**
 * The backends that serve one model route, in config order, and the routing strategy's state for
 * them. Immutable membership (a new fleet builds new groups); {@link #select} may be called from any
 * number of threads at once and allocates nothing.
 *
 * <p>With a sticky key (and {@code sticky} not {@code off}), the member is chosen by rendezvous
 * hashing over the eligible members (under {@code priority}, those of the highest tier with one), so
 * a conversation keeps its backend while others come and go. When that member is at its cap, the
 * strategy chooses for this request.
 *
 * @param <T> the server's backend type
 */
public final class BackendGroup<T extends Balanced> {

    private static final IntUnaryOperator THREAD_LOCAL_RANDOM = bound -> ThreadLocalRandom.current().nextInt(bound);

    private final Members<T> members;
    private final RoutingConfig routing;
    private final Balancer<T> balancer;
    private final Selection<T>[] chosen;
    private final Selection<T>[] pinned;

    /**
     * @param members the backends serving the route, in config order; names unique
     * @throws IllegalArgumentException when {@code members} is empty or names a backend twice
     */
    public static <T extends Balanced> BackendGroup<T> of(List<T> members, RoutingConfig routing) {
        return new BackendGroup<>(members, routing, THREAD_LOCAL_RANDOM);
    }

    /** @param randomBelow {@code bound -> a random int in [0, bound)}, thread-safe (tests pin it) */
    @SuppressWarnings("unchecked")
    BackendGroup(List<T> members, RoutingConfig routing, IntUnaryOperator randomBelow) {
        this.routing = routing;
        this.members = new Members<>(members, routing.strategy() == RoutingConfig.Strategy.PRIORITY);
        this.balancer = Balancer.of(routing.strategy(), this.members, randomBelow);
        int n = this.members.size();
        chosen = new Selection[n];
        pinned = new Selection[n];
        for (int i = 0; i < n; i++) {
            chosen[i] = Selection.chosen(this.members.get(i), false);
            pinned[i] = Selection.chosen(this.members.get(i), true);
        }
    }

    /**
     * Chooses a member for one attempt and takes its slot.
     *
     * @param stickyKey from {@link StickyKeys}; 0 = none (ignored when {@code sticky} is {@code off})
     * @param excluded members that must not be chosen: already tried for this request, or unhealthy.
     *     Called on the selecting thread, possibly more than once per member and under a short lock:
     *     it must be cheap and must not block.
     * @return {@link Selection.Result#CHOSEN} with the member (release its slot with
     *     {@code member.stats().release()} when the attempt ends), {@link Selection.Result#NONE_ELIGIBLE}
     *     when every member is excluded, {@link Selection.Result#AT_CAPACITY} when every eligible member
     *     is at its {@code max_concurrency}
     */
    public Selection<T> select(long stickyKey, Predicate<? super T> excluded) {
        if (stickyKey != 0 && routing.sticky() != RoutingConfig.Sticky.OFF) {
            int pin = Rendezvous.pin(members, stickyKey, excluded);
            if (pin < 0) {
                return Selection.noneEligible();
            }
            if (members.tryAcquire(pin)) {
                return pinned[pin];
            }
        }
        int i = balancer.choose(excluded);
        return switch (i) {
            case Balancer.NONE_ELIGIBLE -> Selection.noneEligible();
            case Balancer.AT_CAPACITY -> Selection.atCapacity();
            default -> chosen[i];
        };
    }

    /** {@link #select(long, Predicate)} without a sticky key. */
    public Selection<T> select(Predicate<? super T> excluded) {
        return select(0, excluded);
    }

    /** The members in config order. */
    public List<T> members() {
        return members.asList();
    }

    public RoutingConfig routing() {
        return routing;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(routing.strategy().id()).append(" [");
        for (int i = 0; i < members.size(); i++) {
            s.append(i == 0 ? "" : ", ").append(members.get(i).name());
        }
        return s.append(']').toString();
    }
}
