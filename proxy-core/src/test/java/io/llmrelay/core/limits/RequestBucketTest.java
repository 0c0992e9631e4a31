package io.llmrelay.core.limits;

import io.llmrelay.testing.FakeClock;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RequestBucketTest {

    private final FakeClock clock = new FakeClock();

    @Test
    void aFullBucketLetsItsSizeThroughAtOnceThenRefillsAtTheRate() {
        RequestBucket b = new RequestBucket(10, 5, clock.getAsLong());
        for (int i = 0; i < 5; i++) {
            assertThat(b.take(clock.getAsLong())).as("request %d", i).isGreaterThanOrEqualTo(0);
        }
        long refused = b.take(clock.getAsLong());
        assertThat(refused).isNegative();
        assertThat(-refused).as("one interval until one more passes").isEqualTo(100_000_000L);

        clock.advanceMillis(99);
        assertThat(b.take(clock.getAsLong())).isNegative();
        clock.advanceMillis(1);
        assertThat(b.take(clock.getAsLong())).isGreaterThanOrEqualTo(0);
        assertThat(b.take(clock.getAsLong())).isNegative();
    }

    @Test
    void theBacklogGivesRemainingAndReset() {
        RequestBucket b = new RequestBucket(2, 4, clock.getAsLong());
        long backlog = b.take(clock.getAsLong());
        assertThat(b.remaining(backlog)).isEqualTo(3);
        assertThat(RequestBucket.resetSeconds(backlog)).as("half a second, rounded up").isEqualTo(1);
        b.take(clock.getAsLong());
        b.take(clock.getAsLong());
        backlog = b.take(clock.getAsLong());
        assertThat(b.remaining(backlog)).isZero();
        assertThat(RequestBucket.resetSeconds(backlog)).as("four requests at 2/s: 2 s to refill").isEqualTo(2);

        long wait = -b.take(clock.getAsLong());
        assertThat(wait).isEqualTo(500_000_000L);
        assertThat(Seconds.retryAfter(wait)).isEqualTo(1);
        assertThat(RequestBucket.resetSeconds(b.backlogOfRefusal(wait))).isEqualTo(2);
    }

    @Test
    void aRefusalTakesNothing() {
        RequestBucket b = new RequestBucket(1, 1, clock.getAsLong());
        assertThat(b.take(clock.getAsLong())).isGreaterThanOrEqualTo(0);
        for (int i = 0; i < 100; i++) {
            assertThat(b.take(clock.getAsLong())).isNegative();
        }
        clock.advanceMillis(1000);
        assertThat(b.take(clock.getAsLong())).as("refusals did not push the bucket back").isGreaterThanOrEqualTo(0);
    }

    @Test
    void aGivenBackRequestPassesAgain() {
        RequestBucket b = new RequestBucket(1, 2, clock.getAsLong());
        b.take(clock.getAsLong());
        b.take(clock.getAsLong());
        assertThat(b.take(clock.getAsLong())).isNegative();
        b.giveBack();
        assertThat(b.take(clock.getAsLong())).isGreaterThanOrEqualTo(0);
    }

    @Test
    void anIdleBucketIsFullAndAnIdleBucketDoesNotSaveUpMoreThanItsSize() {
        RequestBucket b = new RequestBucket(100, 3, clock.getAsLong());
        assertThat(b.full(clock.getAsLong())).isTrue();
        b.take(clock.getAsLong());
        assertThat(b.full(clock.getAsLong())).isFalse();
        clock.advanceMillis(10);
        assertThat(b.full(clock.getAsLong())).isTrue();

        clock.advanceMillis(60_000);
        int passed = 0;
        while (b.take(clock.getAsLong()) >= 0) {
            passed++;
        }
        assertThat(passed).isEqualTo(3);
    }

    @Test
    void theClockWrappingAroundChangesNothing() {
        // FakeClock starts 30 s before Long.MAX_VALUE: 40 s of steady traffic crosses the wrap
        RequestBucket b = new RequestBucket(5, 5, clock.getAsLong());
        int passed = 0;
        for (int ms = 0; ms < 40_000; ms += 50) {
            if (b.take(clock.getAsLong()) >= 0) {
                passed++;
            }
            clock.advanceMillis(50);
        }
        assertThat(passed).as("5 at once, then 5 a second for 40 s").isBetween(200, 205);
    }

    @Test
    void concurrentTakersNeverGetMoreThanTheBucketHolds() throws Exception {
        RequestBucket b = new RequestBucket(1, 1000, clock.getAsLong());
        java.util.concurrent.atomic.AtomicInteger passed = new java.util.concurrent.atomic.AtomicInteger();
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = new Thread(() -> {
                for (int i = 0; i < 5000; i++) {
                    if (b.take(clock.getAsLong()) >= 0) {
                        passed.incrementAndGet();
                    }
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(passed.get()).isEqualTo(1000);
    }
}
