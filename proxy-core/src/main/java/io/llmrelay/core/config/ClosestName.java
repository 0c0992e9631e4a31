package io.llmrelay.core.config;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/** The allowed name a mistyped one was probably meant to be ({@code wieght} → {@code weight}). */
final class ClosestName {

    private ClosestName() {}

    static Optional<String> to(String typed, Collection<String> allowed) {
        String wanted = normalize(typed);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : allowed) {
            int d = distance(wanted, normalize(candidate));
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        // a third of the name may be wrong, at least one letter: more is a different word, not a typo
        int tolerated = Math.max(1, wanted.length() / 3);
        return bestDistance <= tolerated ? Optional.of(best) : Optional.empty();
    }

    /** Case and separators are the commonest slips ({@code maxConcurrency}, {@code api-key-env}): they cost nothing. */
    private static String normalize(String name) {
        return name.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
    }

    /** Levenshtein distance. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
