package io.llmrelay.core.resilience;

import io.llmrelay.testing.FakeClock;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrelay.core.config.ResilienceConfig;
import io.llmrelay.core.config.ResilienceConfig.On;
import java.time.Duration;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class FailoverTest {

    private final FakeClock clock = new FakeClock();
    /** the pause is always its ceiling, so the tests can name it */
    private final Backoff highest = new Backoff(Duration.ofMillis(10), Duration.ofSeconds(1), bound -> bound - 1);

    private Failover failover(int attempts, int budgetPercent, int minPerSecond) {
        ResilienceConfig.Retry retry = new ResilienceConfig.Retry(attempts, EnumSet.allOf(On.class), budgetPercent, Duration.ofMillis(10));
        return new Failover(new RetryPolicy(retry),
                new RetryBudget(budgetPercent, Duration.ofSeconds(10), Duration.ofSeconds(1), minPerSecond, clock), highest);
    }

    @Test
    void aRetryWaitsTheBackoffAndTakesFromTheBudget() {
        Failover failover = failover(3, 100, 0);
        failover.requestStarted();
        assertThat(failover.retryDelayNanos(FailureKind.CONNECT, 1, false)).isEqualTo(10_000_000L);
        assertThat(failover.budget().retries()).isEqualTo(1);
        failover.requestStarted();
        assertThat(failover.retryDelayNanos(FailureKind.UNAVAILABLE, 2, false)).isEqualTo(20_000_000L);
    }

    @Test
    void whatThePolicyRefusesCostsNoBudget() {
        Failover failover = failover(2, 100, 0);
        failover.requestStarted();
        assertThat(failover.retryDelayNanos(FailureKind.REJECTED, 1, false)).isEqualTo(Failover.NOT_RETRIED);
        assertThat(failover.retryDelayNanos(FailureKind.CONNECT, 1, true)).isEqualTo(Failover.NOT_RETRIED);
        assertThat(failover.retryDelayNanos(FailureKind.CONNECT, 2, false)).isEqualTo(Failover.NOT_RETRIED);
        assertThat(failover.budget().retries()).isZero();
        assertThat(failover.retryDelayNanos(FailureKind.CONNECT, 1, false)).isNotNegative();
    }

    @Test
    void aSpentBudgetStopsRetries() {
        Failover failover = failover(3, 10, 0);
        for (int i = 0; i < 20; i++) {
            failover.requestStarted();
        }
        assertThat(failover.retryDelayNanos(FailureKind.SERVER_ERROR, 1, false)).isNotNegative();
        assertThat(failover.retryDelayNanos(FailureKind.SERVER_ERROR, 1, false)).isNotNegative();
        assertThat(failover.retryDelayNanos(FailureKind.SERVER_ERROR, 1, false)).isEqualTo(Failover.OVER_BUDGET);
    }

    @Test
    void theFleetsFailoverFollowsItsConfig() {
        FleetResilience fleet = new FleetResilience(ResilienceConfig.defaults(), clock.clocks(), ResilienceEvents.NONE);
        Failover failover = fleet.failover();
        assertThat(failover.policy().attempts()).isEqualTo(3);
        assertThat(failover.backoff().ceilingNanos(1)).isEqualTo(25_000_000L);
        assertThat(failover.budget().allowed()).isEqualTo(100);
        long pause = failover.retryDelayNanos(FailureKind.FIRST_BYTE_TIMEOUT, 1, false);
        assertThat(pause).isBetween(0L, 25_000_000L);
    }
}
