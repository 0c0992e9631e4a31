package io.llmrelay.core.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmrelay.core.balance.AttemptOutcome;
import io.llmrelay.core.config.ResilienceConfig;
import io.llmrelay.core.config.ResilienceConfig.On;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RetryPolicyTest {

    private static RetryPolicy policy(int attempts, Set<On> on) {
        return new RetryPolicy(new ResilienceConfig.Retry(attempts, on, 20, Duration.ofMillis(25)));
    }

    @Test
    void eachKindHasItsConditionAndItsOutcome() {
        assertThat(Map.of(
                FailureKind.CONNECT, On.CONNECT, FailureKind.RESET, On.CONNECT,
                FailureKind.FIRST_BYTE_TIMEOUT, On.TIMEOUT, FailureKind.IDLE_TIMEOUT, On.TIMEOUT,
                FailureKind.SERVER_ERROR, On.SERVER_ERROR, FailureKind.ERROR_EVENT, On.SERVER_ERROR,
                FailureKind.MALFORMED, On.SERVER_ERROR, FailureKind.TOO_MANY_REQUESTS, On.TOO_MANY_REQUESTS,
                FailureKind.UNAVAILABLE, On.UNAVAILABLE))
                .allSatisfy((kind, on) -> assertThat(kind.on()).as(kind.name()).isEqualTo(on));
        assertThat(FailureKind.REJECTED.on()).isNull();
        assertThat(FailureKind.CONNECT.outcome()).isEqualTo(AttemptOutcome.UNREACHABLE);
        assertThat(FailureKind.RESET.outcome()).isEqualTo(AttemptOutcome.BROKEN);
        assertThat(FailureKind.FIRST_BYTE_TIMEOUT.outcome()).isEqualTo(AttemptOutcome.TIMEOUT);
        assertThat(FailureKind.TOO_MANY_REQUESTS.outcome()).isEqualTo(AttemptOutcome.OVERLOADED);
        assertThat(FailureKind.UNAVAILABLE.outcome()).isEqualTo(AttemptOutcome.OVERLOADED);
        assertThat(FailureKind.ERROR_EVENT.outcome()).isEqualTo(AttemptOutcome.SERVER_ERROR);
        assertThat(FailureKind.REJECTED.outcome()).isEqualTo(AttemptOutcome.REJECTED);
        for (FailureKind kind : FailureKind.values()) {
            assertThat(kind.outcome().failure()).as(kind.name()).isEqualTo(kind != FailureKind.REJECTED);
        }
    }

    @Test
    void statusesHaveKinds() {
        assertThat(FailureKind.ofStatus(429)).isEqualTo(FailureKind.TOO_MANY_REQUESTS);
        assertThat(FailureKind.ofStatus(503)).isEqualTo(FailureKind.UNAVAILABLE);
        assertThat(FailureKind.ofStatus(500)).isEqualTo(FailureKind.SERVER_ERROR);
        assertThat(FailureKind.ofStatus(502)).isEqualTo(FailureKind.SERVER_ERROR);
        assertThat(FailureKind.ofStatus(400)).isEqualTo(FailureKind.REJECTED);
        assertThat(FailureKind.ofStatus(404)).isEqualTo(FailureKind.REJECTED);
        assertThatThrownBy(() -> FailureKind.ofStatus(200)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @EnumSource(value = FailureKind.class, mode = EnumSource.Mode.EXCLUDE, names = "REJECTED")
    void byDefaultEveryFailureIsRetriedWhileAttemptsRemain(FailureKind kind) {
        RetryPolicy policy = new RetryPolicy(ResilienceConfig.Retry.defaults()); // 3 attempts
        assertThat(policy.mayRetry(kind, 1, false)).isTrue();
        assertThat(policy.mayRetry(kind, 2, false)).isTrue();
        assertThat(policy.mayRetry(kind, 3, false)).isFalse();
    }

    @ParameterizedTest
    @EnumSource(FailureKind.class)
    void nothingIsRetriedOnceCommitted(FailureKind kind) {
        assertThat(new RetryPolicy(ResilienceConfig.Retry.defaults()).mayRetry(kind, 1, true)).isFalse();
    }

    @Test
    void aRejectedRequestIsNeverRetried() {
        RetryPolicy policy = policy(5, EnumSet.allOf(On.class));
        assertThat(policy.retries(FailureKind.REJECTED)).isFalse();
        assertThat(policy.mayRetry(FailureKind.REJECTED, 1, false)).isFalse();
    }

    @Test
    void onlyTheListedConditionsAreRetried() {
        RetryPolicy policy = policy(3, EnumSet.of(On.CONNECT, On.UNAVAILABLE));
        assertThat(EnumSet.allOf(FailureKind.class)).filteredOn(policy::retries)
                .containsExactlyInAnyOrder(FailureKind.CONNECT, FailureKind.RESET, FailureKind.UNAVAILABLE);
    }

    @Test
    void oneAttemptMeansNoRetry() {
        RetryPolicy policy = policy(1, EnumSet.allOf(On.class));
        assertThat(policy.mayRetry(FailureKind.CONNECT, 1, false)).isFalse();
        assertThat(policy(3, EnumSet.noneOf(On.class)).mayRetry(FailureKind.CONNECT, 1, false)).isFalse();
    }
}
