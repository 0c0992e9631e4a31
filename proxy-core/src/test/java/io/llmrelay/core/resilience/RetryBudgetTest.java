package io.llmrelay.core.resilience;

import io.llmrelay.testing.FakeClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RetryBudgetTest {

    private final FakeClock clock = new FakeClock();

    @Test
    void aQuietProxyMayStillRetryUpToTheFloor() {
        RetryBudget budget = RetryBudget.of(20, clock);
        int granted = 0;
        while (budget.tryRetry()) {
            granted++;
        }
        assertThat(granted).isEqualTo(RetryBudget.MIN_PER_SECOND * 10); // 10 a second over 10 s
        assertThat(budget.retries()).isEqualTo(100);
        assertThat(budget.allowed()).isEqualTo(100);
    }

    @Test
    void aBusyProxyRetriesAtMostItsShareOfRequests() {
        RetryBudget budget = new RetryBudget(20, Duration.ofSeconds(10), Duration.ofSeconds(1), 0, clock);
        for (int i = 0; i < 1000; i++) {
            budget.requestStarted();
        }
        assertThat(budget.requests()).isEqualTo(1000);
        assertThat(takeAll(budget)).isEqualTo(200);
        budget.requestStarted();
        budget.requestStarted();
        budget.requestStarted();
        budget.requestStarted();
        budget.requestStarted();
        assertThat(takeAll(budget)).as("five more requests, one more retry").isEqualTo(1);
    }

    @Test
    void requestsAndRetriesAgeOutOfTheWindow() {
        RetryBudget budget = new RetryBudget(50, Duration.ofSeconds(10), Duration.ofSeconds(1), 0, clock);
        for (int i = 0; i < 100; i++) {
            budget.requestStarted();
        }
        assertThat(takeAll(budget)).isEqualTo(50);
        clock.advance(Duration.ofSeconds(5));
        for (int i = 0; i < 100; i++) {
            budget.requestStarted();
        }
        assertThat(takeAll(budget)).isEqualTo(50);
        clock.advance(Duration.ofSeconds(5)); // the first second's requests and retries are gone
        assertThat(budget.requests()).isEqualTo(100);
        assertThat(budget.retries()).isEqualTo(50);
        assertThat(takeAll(budget)).isZero();
        clock.advance(Duration.ofSeconds(5));
        assertThat(budget.requests()).isZero();
        assertThat(budget.retries()).isZero();
    }

    @Test
    void aBucketIsReusedAWindowLater() {
        RetryBudget budget = new RetryBudget(100, Duration.ofSeconds(2), Duration.ofSeconds(1), 0, clock);
        for (int second = 0; second < 50; second++) {
            budget.requestStarted();
            budget.requestStarted();
            assertThat(budget.tryRetry()).isTrue();
            assertThat(budget.requests()).as("second %d", second).isEqualTo(second == 0 ? 2 : 4);
            clock.advance(Duration.ofSeconds(1));
        }
    }

    @Test
    void aZeroShareLeavesOnlyTheFloor() {
        RetryBudget budget = new RetryBudget(0, Duration.ofSeconds(10), Duration.ofSeconds(1), 1, clock);
        for (int i = 0; i < 10_000; i++) {
            budget.requestStarted();
        }
        assertThat(takeAll(budget)).isEqualTo(10);
    }

    @Test
    void concurrentCallersNeverTakeMoreThanTheBudget() throws Exception {
        RetryBudget budget = new RetryBudget(10, Duration.ofSeconds(10), Duration.ofSeconds(1), 0, clock);
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Integer>> granted = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                granted.add(pool.submit(() -> {
                    go.await();
                    int mine = 0;
                    for (int i = 0; i < 1000; i++) {
                        budget.requestStarted();
                        mine += budget.tryRetry() ? 1 : 0;
                    }
                    return mine;
                }));
            }
            go.countDown();
            int total = 0;
            for (Future<Integer> f : granted) {
                total += f.get(10, TimeUnit.SECONDS);
            }
            assertThat(budget.requests()).isEqualTo(8000);
            assertThat(total).isEqualTo(budget.retries()).isLessThanOrEqualTo(800).isGreaterThan(700);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theWindowMustBeWholeBuckets() {
        assertThatThrownBy(() -> new RetryBudget(20, Duration.ofMillis(1500), Duration.ofSeconds(1), 0, clock))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RetryBudget(120, Duration.ofSeconds(10), Duration.ofSeconds(1), 0, clock))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static int takeAll(RetryBudget budget) {
        int n = 0;
        while (budget.tryRetry()) {
            n++;
        }
        return n;
    }
}
