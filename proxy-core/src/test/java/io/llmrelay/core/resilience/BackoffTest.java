package io.llmrelay.core.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private static final long MS = 1_000_000L;

    @Test
    void theCeilingDoublesFromTheBaseUpToTheCap() {
        Backoff backoff = Backoff.of(Duration.ofMillis(25));
        assertThat(new long[] {backoff.ceilingNanos(1), backoff.ceilingNanos(2), backoff.ceilingNanos(3),
                backoff.ceilingNanos(6), backoff.ceilingNanos(7), backoff.ceilingNanos(100)})
                .containsExactly(25 * MS, 50 * MS, 100 * MS, 800 * MS, 1000 * MS, 1000 * MS);
    }

    @Test
    void aBaseLongerThanTheDefaultCapIsItsOwnCap() {
        Backoff backoff = Backoff.of(Duration.ofSeconds(2));
        assertThat(backoff.ceilingNanos(1)).isEqualTo(2000 * MS);
        assertThat(backoff.ceilingNanos(5)).isEqualTo(2000 * MS);
    }

    @Test
    void fullJitterDrawsFromZeroToTheCeiling() {
        SplittableRandom random = new SplittableRandom(7);
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), bound -> random.nextLong(bound));
        long min = Long.MAX_VALUE;
        long max = 0;
        double sum = 0;
        int n = 20_000;
        for (int i = 0; i < n; i++) {
            long pause = backoff.nanosBefore(2);
            min = Math.min(min, pause);
            max = Math.max(max, pause);
            sum += pause;
        }
        assertThat(min).isGreaterThanOrEqualTo(0).isLessThan(2 * MS);
        assertThat(max).isLessThanOrEqualTo(200 * MS).isGreaterThan(198 * MS);
        assertThat(sum / n).isBetween(95.0 * MS, 105.0 * MS); // uniform: mean half the ceiling
    }

    @Test
    void aZeroBaseMeansNoPause() {
        Backoff backoff = Backoff.of(Duration.ZERO);
        assertThat(backoff.nanosBefore(1)).isZero();
        assertThat(backoff.nanosBefore(40)).isZero();
    }

    @Test
    void retriesCountFromOne() {
        assertThatThrownBy(() -> Backoff.of(Duration.ofMillis(25)).nanosBefore(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
