package io.llmrelay.core.balance;

import io.llmrelay.core.config.BackendOptions;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.IntStream;

/**
 * A group's members as flat arrays, read once when the group is built (options never change under a
 * group; a new config builds new groups), plus their order in tiers: by descending {@code priority}
 * when the group is tiered, else one tier in config order. Immutable.
 */
final class Members<T extends Balanced> {

    /** loads and weights are kept in 1/SCALE, so a slow-start share can take a fraction of one */
    static final int SCALE_BITS = 10;
    static final int SCALE = 1 << SCALE_BITS;

    private final List<T> list;
    private final Object[] members;
    /** the same members, typed, so asking one for its share needs no cast */
    private final Balanced[] balanced;
    private final BackendStats[] stats;
    private final int[] caps;
    private final long[] scaledWeights;
    private final long[] nameHashes;
    /** member indices, tier by tier; config order within a tier */
    private final int[] order;
    /** tier {@code t} is {@code order[tierStart[t]] .. order[tierStart[t + 1] - 1]} */
    private final int[] tierStart;

    Members(List<T> list, boolean tiered) {
        if (list.isEmpty()) {
            throw new IllegalArgumentException("a backend group needs at least one backend");
        }
        this.list = List.copyOf(list);
        int n = list.size();
        members = this.list.toArray();
        balanced = this.list.toArray(new Balanced[0]);
        stats = new BackendStats[n];
        caps = new int[n];
        scaledWeights = new long[n];
        nameHashes = new long[n];
        int[] priorities = new int[n];
        Set<String> names = new HashSet<>();
        for (int i = 0; i < n; i++) {
            T m = list.get(i);
            if (!names.add(m.name())) {
                throw new IllegalArgumentException("backend '" + m.name() + "' is listed twice in one group");
            }
            BackendOptions o = m.options();
            stats[i] = Objects.requireNonNull(m.stats(), () -> "backend '" + m.name() + "' has no stats");
            caps[i] = o.maxConcurrency();
            scaledWeights[i] = (long) o.weight() << SCALE_BITS;
            priorities[i] = tiered ? o.priority() : 0;
            nameHashes[i] = Hash64.chars(m.name(), 0);
        }
        order = IntStream.range(0, n).boxed()
                .sorted((a, b) -> Integer.compare(priorities[b], priorities[a])) // stable: config order within a tier
                .mapToInt(Integer::intValue).toArray();
        int tiers = 1;
        for (int k = 1; k < n; k++) {
            tiers += priorities[order[k]] != priorities[order[k - 1]] ? 1 : 0;
        }
        tierStart = new int[tiers + 1];
        for (int k = 1, t = 1; k < n; k++) {
            if (priorities[order[k]] != priorities[order[k - 1]]) {
                tierStart[t++] = k;
            }
        }
        tierStart[tiers] = n;
    }

    int size() {
        return members.length;
    }

    @SuppressWarnings("unchecked")
    T get(int i) {
        return (T) members[i];
    }

    List<T> asList() {
        return list;
    }

    boolean excluded(int i, Predicate<? super T> excluded) {
        return excluded.test(get(i));
    }

    /** Takes a slot on member {@code i} unless it is at its cap. */
    boolean tryAcquire(int i) {
        return stats[i].tryAcquire(caps[i]);
    }

    /** Gives back a slot taken by {@link #tryAcquire(int)}. */
    void release(int i) {
        stats[i].release();
    }

    /** Member {@code i}'s {@link Balanced#share()}. */
    double share(int i) {
        return balanced[i].share();
    }

    /** Member {@code i}'s {@link Balanced#admit()}. */
    boolean admit(int i) {
        return balanced[i].admit();
    }

    /**
     * Requests in flight on member {@code i} as the load-aware strategies weigh them, divided by its
     * share, in 1/{@link #SCALE}: exactly {@code inFlight << 10} for a member not in slow start, so
     * comparing two loads stays an integer comparison.
     */
    long load(int i) {
        int inFlight = stats[i].inFlight();
        if (inFlight == 0) {
            return 0; // whatever its share: no need to ask
        }
        long load = (long) inFlight << SCALE_BITS;
        double share = share(i);
        return share >= 1.0 ? load : (long) (load / share);
    }

    /** Member {@code i}'s weight times its share, in 1/{@link #SCALE} (at least 1). */
    long scaledWeight(int i) {
        long w = scaledWeights[i];
        double share = share(i);
        return share >= 1.0 ? w : Math.max(1, (long) (w * share));
    }

    boolean atCap(int i) {
        return stats[i].atCap(caps[i]);
    }

    BackendStats stats(int i) {
        return stats[i];
    }


    long nameHash(int i) {
        return nameHashes[i];
    }

    int tiers() {
        return tierStart.length - 1;
    }

    /** First position in {@link #at(int)} order of tier {@code t}. */
    int tierFrom(int t) {
        return tierStart[t];
    }

    /** One past the last position of tier {@code t}. */
    int tierTo(int t) {
        return tierStart[t + 1];
    }

    /** The member index at {@code position} in tier order. */
    int at(int position) {
        return order[position];
    }
}
