package io.llmrelay.server.fuzz;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

/**
 * The parts of one fuzz case, drawn from a {@link Random} seeded for that case alone: so case
 * {@code i} of a run with seed {@code s} is the same input every time, whatever ran before it.
 */
final class Draw {

    /** One choice of a weighted pick: drawn {@code weight} times in the sum of the weights. */
    record Weighted<T>(int weight, Supplier<T> value) {}

    private final Random random;

    private Draw(Random random) {
        this.random = random;
    }

    /** Case {@code index} of the run seeded {@code seed}. */
    static Draw forCase(long seed, int index) {
        return new Draw(new Random(seed * 1_000_003 + index));
    }

    static <T> Weighted<T> weight(int weight, Supplier<T> value) {
        return new Weighted<>(weight, value);
    }

    /** An int in {@code [min, max]}, both included. */
    int between(int min, int max) {
        return min + random.nextInt(max - min + 1);
    }

    boolean bool() {
        return random.nextBoolean();
    }

    /** True with probability {@code p}. */
    boolean chance(double p) {
        return random.nextDouble() < p;
    }

    <T> T pick(List<T> options) {
        return options.get(random.nextInt(options.size()));
    }

    @SafeVarargs
    final <T> T pick(T... options) {
        return pick(List.of(options));
    }

    <E extends Enum<E>> E pick(Class<E> type) {
        return pick(List.of(type.getEnumConstants()));
    }

    /** One of {@code options}, each as likely as its weight; only the chosen one is drawn. */
    @SafeVarargs
    final <T> T weighted(Weighted<T>... options) {
        int total = 0;
        for (Weighted<T> o : options) {
            total += o.weight();
        }
        int at = random.nextInt(total);
        for (Weighted<T> o : options) {
            at -= o.weight();
            if (at < 0) {
                return o.value().get();
            }
        }
        throw new AssertionError("unreachable: the weights sum to " + total);
    }

    /** Between {@code min} and {@code max} elements (both included), each drawn by {@code element}. */
    <T> List<T> list(int min, int max, Supplier<T> element) {
        int size = between(min, max);
        List<T> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            out.add(element.get());
        }
        return out;
    }
}
