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
 * <p>Once a member is chosen and its slot taken, two checks may still pass it over for this selection
 * (the slot given back, the strategy asked again without it): slow start, which lets a member whose
 * {@link Balanced#share()} is below 1 through with that probability (drawn per selection; for a sticky
 * key, fixed per conversation, so a growing share of conversations moves back to it, each once); and
 * {@link Balanced#admit()} (a breaker's half-open trial). Slow start never refuses a request that only
 * its member could serve: when nothing else can, a member it passed over is taken after all. So under
 * {@code round-robin} and {@code priority} a member in slow start gets about {@code share} times a full
 * member's requests; {@code least-connections} and {@code latency} also weigh its requests in flight
 * by {@code 1 / share}, so under load they do not make up for the turns it loses; {@code weighted}
 * applies the share to its weight instead of drawing.
 *
 * @param <T> the server's backend type
 */
public final class BackendGroup<T extends Balanced> {

    private static final IntUnaryOperator THREAD_LOCAL_RANDOM = bound -> ThreadLocalRandom.current().nextInt(bound);
    /** slow start's draw: a share is compared with a random fraction of this many steps */
    private static final int DRAW_STEPS = 1 << 24;
    /** keeps slow start's draw for a sticky key apart from the key's rendezvous scores */
    private static final long DRAW_SALT = 0x5DEECE66DL;

    private static final int ADMITTED = 0;
    private static final int SLOW_START = 1;
    private static final int NOT_ADMITTED = 2;

    private final Members<T> members;
    private final RoutingConfig routing;
    private final Balancer<T> balancer;
    private final Selection<T>[] chosen;
    private final Selection<T>[] pinned;
    private final IntUnaryOperator randomBelow;

    /**
     * @param members the backends serving the route, in config order; names unique
     * @throws IllegalArgumentException when {@code members} is empty or names a backend twice
     */
    public static <T extends Balanced> BackendGroup<T> of(List<T> members, RoutingConfig routing) {
        return new BackendGroup<>(members, routing, THREAD_LOCAL_RANDOM);
    }

    /**
     * {@link #of(List, RoutingConfig)} with its own source of randomness (the latency strategy's draw of
     * two, slow start's draw).
     *
     * @param randomBelow {@code bound -> a random int in [0, bound)}, thread-safe (tests seed it)
     */
    public static <T extends Balanced> BackendGroup<T> of(List<T> members, RoutingConfig routing,
            IntUnaryOperator randomBelow) {
        return new BackendGroup<>(members, routing, randomBelow);
    }

    /** @param randomBelow {@code bound -> a random int in [0, bound)}, thread-safe (tests pin it) */
    @SuppressWarnings("unchecked")
    BackendGroup(List<T> members, RoutingConfig routing, IntUnaryOperator randomBelow) {
        this.routing = routing;
        this.members = new Members<>(members, routing.strategy() == RoutingConfig.Strategy.PRIORITY);
        this.balancer = Balancer.of(routing.strategy(), this.members, randomBelow);
        this.randomBelow = randomBelow;
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
     *     when every member is excluded or refuses {@link Balanced#admit()}, {@link Selection.Result#AT_CAPACITY}
     *     when every eligible member is at its {@code max_concurrency}
     */
    public Selection<T> select(long stickyKey, Predicate<? super T> excluded) {
        return select(stickyKey, excluded, true);
    }

    /**
     * {@link #select(long, Predicate)} without asking the chosen member's {@link Balanced#admit()}: for
     * when no member of the group may be routed to and the caller would rather try one than refuse the
     * request (Envoy's panic routing). Slow start still applies.
     */
    public Selection<T> selectInPanic(long stickyKey, Predicate<? super T> excluded) {
        return select(stickyKey, excluded, false);
    }

    private Selection<T> select(long stickyKey, Predicate<? super T> excluded, boolean admitting) {
        if (stickyKey != 0 && routing.sticky() != RoutingConfig.Sticky.OFF) {
            int pin = Rendezvous.pin(members, stickyKey, excluded);
            if (pin < 0) {
                return Selection.noneEligible();
            }
            if (members.tryAcquire(pin)) {
                int check = check(pin, stickyKey, false, admitting);
                return check == ADMITTED ? pinned[pin] : chooseAgain(pin, check, excluded, admitting);
            }
        }
        int i = balancer.choose(excluded);
        if (i < 0) {
            return none(i);
        }
        int check = check(i, 0, balancer.honoursShare(), admitting);
        return check == ADMITTED ? chosen[i] : chooseAgain(i, check, excluded, admitting);
    }

    /**
     * Slow start's draw, then the member's admission, for member {@code i} whose slot is taken; a
     * refusal gives the slot back.
     *
     * @param stickyKey the draw's key when the member is a sticky pin; 0: a random draw
     * @param shareGiven the strategy has applied the member's share itself: no draw
     */
    private int check(int i, long stickyKey, boolean shareGiven, boolean admitting) {
        double share = shareGiven ? 1.0 : members.share(i);
        if (share < 1.0 && !draw(i, share, stickyKey)) {
            members.release(i);
            return SLOW_START;
        }
        if (admitting && !members.admit(i)) {
            members.release(i);
            return NOT_ADMITTED;
        }
        return ADMITTED;
    }

    private boolean draw(int i, double share, long stickyKey) {
        int step = stickyKey != 0
                ? (int) (Hash64.mix(Hash64.mix(stickyKey ^ DRAW_SALT) ^ members.nameHash(i)) >>> 40)
                : randomBelow.applyAsInt(DRAW_STEPS);
        return step < share * DRAW_STEPS;
    }

    /**
     * The rare path, after member {@code refused} was passed over: the strategy chooses again without
     * the members passed over so far, until one is let through or none is left.
     */
    private Selection<T> chooseAgain(int refused, int why, Predicate<? super T> excluded, boolean admitting) {
        PassedOver passed = PassedOver.begin(excluded, members.size());
        try {
            passed.add(members.get(refused), refused, why == SLOW_START);
            while (true) {
                int i = balancer.choose(passed);
                if (i < 0) {
                    return lastResort(passed, i, admitting);
                }
                int check = check(i, 0, balancer.honoursShare(), admitting);
                if (check == ADMITTED) {
                    return chosen[i];
                }
                passed.add(members.get(i), i, check == SLOW_START);
            }
        } finally {
            passed.end();
        }
    }

    /** Nothing else can serve: a member that only slow start's draw passed over serves after all. */
    private Selection<T> lastResort(PassedOver passed, int result, boolean admitting) {
        boolean atCapacity = result == Balancer.AT_CAPACITY;
        for (int k = 0; k < passed.count; k++) {
            if (!passed.bySlowStart[k]) {
                continue;
            }
            int i = passed.indices[k];
            if (!members.tryAcquire(i)) {
                atCapacity = true;
            } else if (!admitting || members.admit(i)) {
                return chosen[i];
            } else {
                members.release(i);
            }
        }
        return atCapacity ? Selection.atCapacity() : Selection.noneEligible();
    }

    private static <T extends Balanced> Selection<T> none(int result) {
        return result == Balancer.AT_CAPACITY ? Selection.atCapacity() : Selection.noneEligible();
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
