package io.llmrelay.core.resilience;

import io.llmrelay.testing.FakeClock;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrelay.core.balance.AttemptOutcome;
import io.llmrelay.core.config.ResilienceConfig;
import io.llmrelay.core.resilience.CircuitBreaker.Change;
import io.llmrelay.core.resilience.CircuitBreaker.State;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CircuitBreakerTest {

    private static final Duration OPEN_FOR = Duration.ofSeconds(10);
    private static ExecutorService pool;

    private final FakeClock clock = new FakeClock();
    private final CircuitBreaker breaker = new CircuitBreaker(new ResilienceConfig.Breaker(3, OPEN_FOR), clock);

    @BeforeAll
    static void startPool() {
        pool = Executors.newFixedThreadPool(8);
    }

    @AfterAll
    static void stopPool() {
        pool.shutdownNow();
    }

    @Test
    void theOutcomesThatCountAreConnectErrorsTimeOutsFiveHundredsOverloadAndBrokenAnswers() {
        assertThat(AttemptOutcome.values()).filteredOn(AttemptOutcome::failure).containsExactlyInAnyOrder(
                AttemptOutcome.UNREACHABLE, AttemptOutcome.TIMEOUT, AttemptOutcome.SERVER_ERROR,
                AttemptOutcome.OVERLOADED, AttemptOutcome.BROKEN);
        assertThat(AttemptOutcome.ofStatus(429)).isEqualTo(AttemptOutcome.OVERLOADED);
        assertThat(AttemptOutcome.ofStatus(503)).isEqualTo(AttemptOutcome.OVERLOADED);
        assertThat(AttemptOutcome.ofStatus(500)).isEqualTo(AttemptOutcome.SERVER_ERROR);
        assertThat(AttemptOutcome.ofStatus(404)).isEqualTo(AttemptOutcome.REJECTED);
    }

    @ParameterizedTest
    @EnumSource(value = AttemptOutcome.class, names = {"UNREACHABLE", "TIMEOUT", "SERVER_ERROR", "OVERLOADED", "BROKEN"})
    void failuresInARowOpenIt(AttemptOutcome failure) {
        assertThat(breaker.record(failure)).isEqualTo(Change.NONE);
        assertThat(breaker.record(failure)).isEqualTo(Change.NONE);
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
        assertThat(breaker.tryPass()).isTrue();

        assertThat(breaker.record(failure)).isEqualTo(Change.OPENED);
        assertThat(breaker.state()).isEqualTo(State.OPEN);
        assertThat(breaker.tryPass()).isFalse();
        assertThat(breaker.allows()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(value = AttemptOutcome.class, names = {"REJECTED", "CANCELLED"})
    void aRejectedOrCancelledAttemptNeitherCountsNorEndsTheRun(AttemptOutcome neutral) {
        for (int i = 0; i < 100; i++) {
            breaker.record(neutral);
        }
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
        assertThat(breaker.consecutiveFailures()).isZero();

        breaker.record(AttemptOutcome.SERVER_ERROR);
        breaker.record(AttemptOutcome.SERVER_ERROR);
        breaker.record(neutral);
        assertThat(breaker.consecutiveFailures()).isEqualTo(2);
        assertThat(breaker.record(AttemptOutcome.TIMEOUT)).isEqualTo(Change.OPENED);
    }

    @Test
    void aSuccessEndsTheRun() {
        breaker.record(AttemptOutcome.UNREACHABLE);
        breaker.record(AttemptOutcome.UNREACHABLE);
        breaker.record(AttemptOutcome.OK);
        breaker.record(AttemptOutcome.UNREACHABLE);
        breaker.record(AttemptOutcome.UNREACHABLE);
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
        assertThat(breaker.consecutiveFailures()).isEqualTo(2);
    }

    @Test
    void openThenHalfOpenThenClosedOnAFakeClock() {
        open();
        clock.advance(OPEN_FOR.minusMillis(1));
        assertThat(breaker.state()).isEqualTo(State.OPEN);
        assertThat(breaker.tryPass()).isFalse();
        assertThat(breaker.status().trialInNanos()).isEqualTo(1_000_000);

        clock.advanceMillis(1);
        assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
        assertThat(breaker.allows()).isTrue();
        assertThat(breaker.allows()).as("looking takes nothing").isTrue();
        assertThat(breaker.tryPass()).as("the one trial").isTrue();
        assertThat(breaker.tryPass()).as("no second trial while the first is out").isFalse();
        assertThat(breaker.allows()).isFalse();
        assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
        assertThat(breaker.status().trialInNanos()).isEqualTo(-1);

        assertThat(breaker.record(AttemptOutcome.OK)).isEqualTo(Change.CLOSED);
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
        assertThat(breaker.tryPass()).isTrue();
        assertThat(breaker.consecutiveFailures()).isZero();
        assertThat(breaker.status()).isEqualTo(new CircuitBreaker.Status(State.CLOSED, 0, 1, -1, -1));
    }

    @Test
    void aFailedTrialOpensItForAnotherPeriod() {
        open();
        clock.advance(OPEN_FOR);
        assertThat(breaker.tryPass()).isTrue();
        clock.advanceMillis(300);
        assertThat(breaker.record(AttemptOutcome.TIMEOUT)).isEqualTo(Change.REOPENED);
        assertThat(breaker.state()).isEqualTo(State.OPEN);
        assertThat(breaker.status().openedAgoNanos()).isZero();
        assertThat(breaker.status().timesOpened()).isEqualTo(2);

        clock.advance(OPEN_FOR.minusMillis(1));
        assertThat(breaker.tryPass()).isFalse();
        clock.advanceMillis(1);
        assertThat(breaker.tryPass()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(value = AttemptOutcome.class, names = {"REJECTED", "CANCELLED"})
    void aTrialThatEndsWithoutAVerdictGivesTheTrialBack(AttemptOutcome neutral) {
        open();
        clock.advance(OPEN_FOR);
        assertThat(breaker.tryPass()).isTrue();
        assertThat(breaker.record(neutral)).isEqualTo(Change.NONE);
        assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
        assertThat(breaker.tryPass()).as("the next caller makes the trial").isTrue();
        assertThat(breaker.tryPass()).isFalse();
    }

    @Test
    void aTrialThatNeverReportsLapsesAfterTheOpenPeriod() {
        open();
        clock.advance(OPEN_FOR);
        assertThat(breaker.tryPass()).isTrue();
        clock.advance(OPEN_FOR.minusMillis(1));
        assertThat(breaker.tryPass()).isFalse();
        clock.advanceMillis(1);
        assertThat(breaker.tryPass()).isTrue();
        assertThat(breaker.tryPass()).isFalse();
    }

    @Test
    void attemptsThatWereUnderWayWhenItOpenedChangeNothing() {
        open();
        clock.advance(Duration.ofSeconds(5));
        assertThat(breaker.record(AttemptOutcome.SERVER_ERROR)).isEqualTo(Change.NONE);
        assertThat(breaker.record(AttemptOutcome.OK)).as("not the trial: too early to close").isEqualTo(Change.NONE);
        assertThat(breaker.state()).isEqualTo(State.OPEN);
        clock.advance(Duration.ofSeconds(5));
        assertThat(breaker.state()).as("the late failure did not extend the open period").isEqualTo(State.HALF_OPEN);
        assertThat(breaker.status().timesOpened()).isEqualTo(1);
    }

    @Test
    void concurrentCallersRaceForTheTrialAndExactlyOneWins() throws Exception {
        for (int round = 0; round < 100; round++) {
            open();
            clock.advance(OPEN_FOR);
            assertThat(race(8, breaker::tryPass)).as("round %d", round).isEqualTo(1);
            breaker.record(AttemptOutcome.OK);
            assertThat(breaker.state()).isEqualTo(State.CLOSED);
        }
    }

    @Test
    void concurrentFailuresOpenItOnce() throws Exception {
        AtomicInteger opened = new AtomicInteger();
        race(8, () -> {
            for (int i = 0; i < 100; i++) {
                if (breaker.record(AttemptOutcome.UNREACHABLE) == Change.OPENED) {
                    opened.incrementAndGet();
                }
            }
            return false;
        });
        assertThat(opened).hasValue(1);
        assertThat(breaker.status().timesOpened()).isEqualTo(1);
    }

    @Test
    void itShowsItsStateForTheStatusPage() {
        breaker.record(AttemptOutcome.SERVER_ERROR);
        assertThat(breaker.status()).isEqualTo(new CircuitBreaker.Status(State.CLOSED, 1, 0, -1, -1));
        assertThat(breaker).hasToString("closed");
        breaker.record(AttemptOutcome.SERVER_ERROR);
        breaker.record(AttemptOutcome.SERVER_ERROR);
        clock.advance(Duration.ofMillis(2500));
        assertThat(breaker.status()).isEqualTo(new CircuitBreaker.Status(State.OPEN, 3, 1, 2_500_000_000L, 7_500_000_000L));
        assertThat(breaker).hasToString("open (trial in 7.5 s)");
        clock.advance(Duration.ofMillis(7500));
        assertThat(breaker).hasToString("half-open");
        breaker.tryPass();
        assertThat(breaker).hasToString("half-open (trial out)");
    }

    private void open() {
        for (int i = 0; i < 3; i++) {
            breaker.record(AttemptOutcome.UNREACHABLE);
        }
        assertThat(breaker.state()).isEqualTo(State.OPEN);
    }

    /** Runs {@code task} on {@code threads} threads released together; counts the true answers. */
    private static int race(int threads, java.util.concurrent.Callable<Boolean> task) throws Exception {
        CountDownLatch ready = new CountDownLatch(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Boolean>> answers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            answers.add(pool.submit(() -> {
                ready.countDown();
                go.await();
                return task.call();
            }));
        }
        ready.await();
        go.countDown();
        int yes = 0;
        for (Future<Boolean> f : answers) {
            yes += f.get(10, TimeUnit.SECONDS) ? 1 : 0;
        }
        return yes;
    }
}
