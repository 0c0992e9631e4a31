package io.llmrelay.server.fuzz;

import java.util.OptionalInt;
import java.util.Random;

/**
 * How long and where the fuzzer runs: each property's own tries and the fixed seed by default, so a
 * build is reproducible and quick; {@code -Dfuzz.scale=N} multiplies the tries, {@code -Dfuzz.seed=N}
 * sets the seed and {@code -Dfuzz.seed=random} draws one (printed, so {@code -Dfuzz.seed=<it>} replays
 * the run); {@code -Dfuzz.case=I} runs case {@code I} of each property alone, to replay a failure.
 */
final class FuzzBudget {

    static final String SCALE = "fuzz.scale";
    static final String SEED = "fuzz.seed";
    static final String CASE = "fuzz.case";
    static final long DEFAULT_SEED = 20261130L;

    private static final long RUN_SEED = runSeed();

    private FuzzBudget() {}

    /** The seed of this run: one for the whole JVM, so every property of a random run shares it. */
    static long seed() {
        return RUN_SEED;
    }

    /** A property's tries, scaled. */
    static int tries(int base) {
        int scale = Integer.getInteger(SCALE, 1);
        return base * Math.max(1, scale);
    }

    /** The one case to run, when a failure is replayed. */
    static OptionalInt onlyCase() {
        String only = System.getProperty(CASE, "").trim();
        return only.isEmpty() ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(only));
    }

    private static long runSeed() {
        String seed = System.getProperty(SEED, "").trim();
        if (seed.isEmpty()) {
            return DEFAULT_SEED;
        }
        if (seed.equals("random")) {
            long drawn = new Random().nextLong();
            System.out.println("fuzz: -D" + SEED + "=random drew seed " + drawn + " (-D" + SEED + "=" + drawn
                    + " replays this run)");
            return drawn;
        }
        return Long.parseLong(seed);
    }
}
