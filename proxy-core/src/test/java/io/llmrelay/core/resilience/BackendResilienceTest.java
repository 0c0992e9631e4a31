package io.llmrelay.core.resilience;

import io.llmrelay.testing.FakeClock;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrelay.core.balance.AttemptOutcome;
import io.llmrelay.core.config.ResilienceConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackendResilienceTest {

    private static final Duration SLOW_START = Duration.ofSeconds(10);

    private final FakeClock clock = new FakeClock();
    private final List<String> events = new ArrayList<>();
    private final FleetResilience fleet = new FleetResilience(config(), clock.clocks(), new ResilienceEvents() {
        @Override
        public void healthChanged(String backend, ActiveHealth.State state) {
            events.add(backend + " " + state.id());
        }

        @Override
        public void breakerChanged(String backend, CircuitBreaker.Change change, CircuitBreaker.Status status) {
            events.add(backend + " breaker " + change + " " + status.state().id());
        }

        @Override
        public void ejected(String backend, long nanos, int level) {
            events.add(backend + " ejected " + nanos / 1_000_000 + " ms, level " + level);
        }

        @Override
        public void heldOff(String backend, long nanos) {
            events.add(backend + " held off " + nanos / 1_000_000 + " ms");
        }
    });
    private final BackendResilience backend = fleet.backend("gpu-1");

    /** fall 2, rise 1, slow start 10 s; breaker after 4 failures, 5 s; ejection after 2 errors, 1 s */
    private static ResilienceConfig config() {
        ResilienceConfig d = ResilienceConfig.defaults();
        return new ResilienceConfig(
                new ResilienceConfig.Health(null, null, 2, 1, SLOW_START, ResilienceConfig.Ready.EVERY_MODEL),
                new ResilienceConfig.Breaker(4, Duration.ofSeconds(5)),
                new ResilienceConfig.Outlier(2, Duration.ofSeconds(1), Duration.ofSeconds(30), 50), d.retry());
    }

    @Test
    void aNewBackendIsRoutableWithItsWholeShare() {
        assertThat(backend.routable()).isTrue();
        assertThat(backend.reason()).isNull();
        assertThat(backend.admit()).isTrue();
        assertThat(backend.share()).isEqualTo(1.0);
        assertThat(backend.status()).isEqualTo(new BackendResilience.Status("gpu-1", true, null, ActiveHealth.State.UNKNOWN,
                new CircuitBreaker.Status(CircuitBreaker.State.CLOSED, 0, 0, -1, -1), 0, 0, 0, 0, 1.0));
        assertThat(backend).hasToString("gpu-1: routable");
    }

    @Test
    void probesMarkItDownAndBackUpThenItRampsUp() {
        assertThat(backend.probe(true)).isEqualTo(ActiveHealth.State.HEALTHY);
        assertThat(backend.share()).as("the first verdict is no recovery").isEqualTo(1.0);
        backend.probe(false);
        assertThat(backend.probe(false)).isEqualTo(ActiveHealth.State.UNHEALTHY);
        assertThat(backend.routable()).isFalse();
        assertThat(backend.reason()).isEqualTo("unhealthy: its health probes fail");

        clock.advance(Duration.ofSeconds(30));
        assertThat(backend.probe(true)).isEqualTo(ActiveHealth.State.HEALTHY);
        assertThat(backend.routable()).isTrue();
        assertThat(backend.share()).isEqualTo(SlowStart.FIRST_SHARE);
        assertThat(backend).hasToString("gpu-1: slow start at 10 %");
        clock.advance(SLOW_START);
        assertThat(backend.share()).as("as of the last check").isEqualTo(SlowStart.FIRST_SHARE);
        assertThat(backend.status().share()).as("exact").isEqualTo(1.0);
        assertThat(backend.routable()).isTrue(); // what every selection's filter asks first
        assertThat(backend.share()).isEqualTo(1.0);
        assertThat(events).containsExactly("gpu-1 healthy", "gpu-1 unhealthy", "gpu-1 healthy");
    }

    @Test
    void theBreakerOpensHalfOpensAndClosesThenItRampsUp() {
        for (int i = 0; i < 4; i++) {
            backend.record(i % 2 == 0 ? AttemptOutcome.OVERLOADED : AttemptOutcome.REJECTED); // 429s between 4xx: no ejection
        }
        assertThat(backend.routable()).isTrue();
        backend.record(AttemptOutcome.OVERLOADED);
        backend.record(AttemptOutcome.OVERLOADED);
        assertThat(backend.routable()).isFalse();
        assertThat(backend.reason()).isEqualTo("breaker open after 4 failures in a row; a trial in 5.0 s");

        clock.advance(Duration.ofSeconds(5));
        assertThat(backend.routable()).as("the trial is due").isTrue();
        assertThat(backend.admit()).isTrue();
        assertThat(backend.admit()).isFalse();
        assertThat(backend.routable()).isFalse();
        assertThat(backend.reason()).isEqualTo("breaker half-open: its trial request is under way");

        backend.record(AttemptOutcome.OK);
        assertThat(backend.routable()).isTrue();
        assertThat(backend.share()).isEqualTo(SlowStart.FIRST_SHARE);
        assertThat(events).containsExactly("gpu-1 breaker OPENED open", "gpu-1 breaker CLOSED closed");
    }

    @Test
    void anEjectionEndsOnItsOwnAndTheRampStartsThen() {
        backend.record(AttemptOutcome.SERVER_ERROR);
        backend.record(AttemptOutcome.TIMEOUT);
        assertThat(backend.ejected()).isTrue();
        assertThat(backend.routable()).isFalse();
        assertThat(backend.reason()).isEqualTo("ejected for 1.0 s after errors in a row (ejection 1)");
        assertThat(events).containsExactly("gpu-1 ejected 1000 ms, level 1");

        clock.advance(Duration.ofSeconds(1));
        assertThat(backend.routable()).isTrue();
        assertThat(backend.share()).isEqualTo(SlowStart.FIRST_SHARE);
        clock.advance(SLOW_START.dividedBy(2));
        assertThat(backend.routable()).isTrue();
        assertThat(backend.share()).isCloseTo(0.55, org.assertj.core.api.Assertions.within(1e-3));
        assertThat(backend.status().share()).isCloseTo(0.55, org.assertj.core.api.Assertions.within(1e-9));
    }

    @Test
    void retryAfterHoldsItOffThenItRampsUp() {
        assertThat(backend.holdOff("3")).isEqualTo(3_000_000_000L);
        assertThat(backend.routable()).isFalse();
        assertThat(backend.heldOff()).isTrue();
        assertThat(backend.reason()).isEqualTo("held off by Retry-After for 3.0 s");
        clock.advance(Duration.ofSeconds(3));
        assertThat(backend.routable()).isTrue();
        assertThat(backend.share()).isEqualTo(SlowStart.FIRST_SHARE);
        assertThat(events).containsExactly("gpu-1 held off 3000 ms");
    }

    @Test
    void retryAfterAsADateUsesTheWallClock() {
        assertThat(backend.holdOff("Sun, 01 Jun 2025 12:00:20 GMT")).isEqualTo(20_000_000_000L);
        assertThat(backend.status().heldOffNanos()).isEqualTo(20_000_000_000L);
    }

    @Test
    void anUnreadableRetryAfterHoldsNothing() {
        assertThat(backend.holdOff("later")).isEqualTo(RetryAfter.NONE);
        assertThat(backend.holdOff(null)).isEqualTo(RetryAfter.NONE);
        assertThat(backend.routable()).isTrue();
        assertThat(events).isEmpty();
    }

    @Test
    void aBackendBackInGoodStandingIsCleanAgainAndAnswersWithoutTheClock() {
        backend.holdOffNanos(1_000_000_000L);
        assertThat(backend.clean()).isFalse();
        clock.advance(Duration.ofSeconds(1));
        assertThat(backend.routable()).isTrue();
        assertThat(backend.clean()).as("still ramping up").isFalse();
        clock.advance(SLOW_START);
        assertThat(backend.routable()).isTrue();
        assertThat(backend.clean()).isTrue();
        assertThat(backend.share()).isEqualTo(1.0);
        backend.record(AttemptOutcome.OK);
        backend.record(AttemptOutcome.SERVER_ERROR);
        assertThat(backend.clean()).as("a failure that changes nothing keeps it clean").isTrue();
        backend.record(AttemptOutcome.SERVER_ERROR);
        assertThat(backend.clean()).as("ejected").isFalse();
        assertThat(backend.routable()).isFalse();
    }

    @Test
    void aChangeIsNeverLostToACheckRunningAtTheSameTime() throws Exception {
        for (int round = 0; round < 200; round++) {
            BackendResilience b = fleet.backend("race-" + round);
            b.probe(true);
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            Thread checker = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 200; i++) {
                    b.routable(); // may try to mark it clean
                }
            });
            checker.start();
            go.countDown();
            b.holdOffNanos(Duration.ofMinutes(1).toNanos());
            checker.join();
            assertThat(b.routable()).as("round %d", round).isFalse();
            assertThat(b.clean()).isFalse();
        }
    }

    @Test
    void theStatusShowsEveryPart() {
        backend.record(AttemptOutcome.UNREACHABLE);
        backend.holdOffNanos(2_000_000_000L);
        BackendResilience.Status s = backend.status();
        assertThat(s.routable()).isFalse();
        assertThat(s.reason()).startsWith("held off");
        assertThat(s.breaker().consecutiveFailures()).isEqualTo(1);
        assertThat(s.consecutiveErrors()).isEqualTo(1);
        assertThat(s.heldOffNanos()).isEqualTo(2_000_000_000L);
        assertThat(s.ejectedNanos()).isZero();
        assertThat(s.share()).isEqualTo(SlowStart.FIRST_SHARE);
    }
}
