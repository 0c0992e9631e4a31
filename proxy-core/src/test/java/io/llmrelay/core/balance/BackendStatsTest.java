package io.llmrelay.core.balance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class BackendStatsTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final BackendStats stats = new BackendStats(now::get);

    @Test
    void slotsAreTakenUpToTheCapAndGivenBack() {
        assertThat(stats.tryAcquire(2)).isTrue();
        assertThat(stats.tryAcquire(2)).isTrue();
        assertThat(stats.tryAcquire(2)).isFalse();
        assertThat(stats.inFlight()).isEqualTo(2);
        assertThat(stats.atCap(2)).isTrue();

        stats.release();

        assertThat(stats.atCap(2)).isFalse();
        assertThat(stats.tryAcquire(2)).isTrue();
        assertThat(stats.inFlight()).isEqualTo(2);
    }

    @Test
    void capZeroMeansNoCap() {
        for (int i = 0; i < 1_000; i++) {
            assertThat(stats.tryAcquire(0)).isTrue();
        }
        assertThat(stats.inFlight()).isEqualTo(1_000);
        assertThat(stats.atCap(0)).isFalse();
    }

    @Test
    void aReleaseWithoutASlotIsABugAndLeavesTheCountAlone() {
        assertThatThrownBy(stats::release)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("never taken");
        assertThat(stats.inFlight()).isZero();
    }

    @Test
    void concurrentCallersNeverHoldMoreThanTheCap() throws InterruptedException {
        int cap = 3;
        AtomicInteger holding = new AtomicInteger();
        AtomicInteger mostHeld = new AtomicInteger();
        AtomicInteger taken = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            threads.add(started(() -> {
                await(start);
                for (int i = 0; i < 20_000; i++) {
                    if (stats.tryAcquire(cap)) {
                        mostHeld.accumulateAndGet(holding.incrementAndGet(), Math::max);
                        taken.incrementAndGet();
                        Thread.yield(); // hold the slot a moment, as a request would
                        holding.decrementAndGet();
                        stats.release();
                    }
                }
            }));
        }
        start.countDown();
        for (Thread t : threads) {
            t.join();
        }
        assertThat(mostHeld.get()).isBetween(1, cap);
        assertThat(taken.get()).isPositive();
        assertThat(stats.inFlight()).isZero();
    }

    @Test
    void theFirstSampleIsTheAverageUntilThenItIsCold() {
        assertThat(stats.cold()).isTrue();
        assertThat(stats.firstByteEwmaNanos()).isNaN();

        stats.recordFirstByte(40_000_000);

        assertThat(stats.cold()).isFalse();
        assertThat(stats.firstByteEwmaNanos()).isEqualTo(40_000_000);
    }

    @Test
    void aBusyBackendsAverageMovesAtLeastATenthTowardsEachSample() {
        stats.recordFirstByte(100_000_000);
        stats.recordFirstByte(200_000_000); // no time passed: the minimum weight
        assertThat(stats.firstByteEwmaNanos()).isCloseTo(110_000_000, within(1.0));
    }

    @Test
    void aSampleAfterALongSilenceCountsAlmostAlone() {
        stats.recordFirstByte(100_000_000);
        now.addAndGet(10_000_000_000L); // one decay constant: 1 - 1/e of the weight
        stats.recordFirstByte(200_000_000);
        assertThat(stats.firstByteEwmaNanos()).isCloseTo(100_000_000 + 100_000_000 * (1 - Math.exp(-1)), within(10.0));

        now.addAndGet(600_000_000_000L);
        stats.recordFirstByte(50_000_000);
        assertThat(stats.firstByteEwmaNanos()).isCloseTo(50_000_000, within(1.0));
    }

    /** The floor weight is taken without the exponential below its gap, and the exponential's weight above it. */
    @Test
    void theWeightAroundTheFloorGapIsTheFormulasWeight() {
        for (long gap : new long[] {1, 1_000_000, FirstByteEwma.FLOOR_GAP_NANOS - 1, FirstByteEwma.FLOOR_GAP_NANOS,
            FirstByteEwma.FLOOR_GAP_NANOS + 1, FirstByteEwma.FLOOR_GAP_NANOS + 1_000, 2_000_000_000L}) {
            BackendStats fresh = new BackendStats(now::get);
            fresh.recordFirstByte(100_000_000);
            now.addAndGet(gap);
            fresh.recordFirstByte(200_000_000);
            double weight = Math.max(FirstByteEwma.MIN_WEIGHT, -Math.expm1(-(double) gap / FirstByteEwma.DECAY_NANOS));
            assertThat(fresh.firstByteEwmaNanos()).as("gap %d ns", gap).isEqualTo(100_000_000 * (1 - weight) + 200_000_000 * weight);
        }
        assertThat(FirstByteEwma.FLOOR_GAP_NANOS).isBetween(1_053_000_000L, 1_054_000_000L);
    }

    @Test
    void aNegativeTimeToFirstByteIsRefused() {
        assertThatThrownBy(() -> stats.recordFirstByte(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("negative");
        assertThat(stats.cold()).isTrue();
    }

    @Test
    void concurrentSamplesAreAllTakenIntoTheAverage() throws InterruptedException {
        // two threads sample 1 ms and two 9 ms: whatever the interleaving, every update is a weighted
        // mean of values in [1 ms, 9 ms], so a torn or garbled update would show outside that range
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            long value = t % 2 == 0 ? 1_000_000 : 9_000_000;
            threads.add(started(() -> {
                for (int i = 0; i < 10_000; i++) {
                    stats.recordFirstByte(value);
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(stats.firstByteEwmaNanos()).isBetween(1_000_000.0, 9_000_000.0);
    }

    @Test
    void outcomesAreCountedAndARunOfFailuresEndsWithASuccess() {
        stats.recordOutcome(AttemptOutcome.OK);
        stats.recordOutcome(AttemptOutcome.UNREACHABLE);
        stats.recordOutcome(AttemptOutcome.TIMEOUT);
        stats.recordOutcome(AttemptOutcome.CANCELLED);
        stats.recordOutcome(AttemptOutcome.REJECTED);
        stats.recordOutcome(AttemptOutcome.TIMEOUT);

        assertThat(stats.attempts()).isEqualTo(6);
        assertThat(stats.count(AttemptOutcome.TIMEOUT)).isEqualTo(2);
        assertThat(stats.count(AttemptOutcome.OK)).isEqualTo(1);
        assertThat(stats.count(AttemptOutcome.BROKEN)).isZero();
        assertThat(stats.consecutiveFailures()).isEqualTo(3);

        stats.recordOutcome(AttemptOutcome.OK);

        assertThat(stats.consecutiveFailures()).isZero();
        assertThat(stats.toString()).contains("inFlight=0", "ttfbEwmaMs=cold", "ok=2", "timeout=2", "unreachable=1");
    }

    private static Thread started(Runnable work) {
        Thread t = new Thread(work);
        t.start();
        return t;
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
