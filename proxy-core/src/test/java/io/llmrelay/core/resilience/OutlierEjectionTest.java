package io.llmrelay.core.resilience;

import io.llmrelay.testing.FakeClock;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrelay.core.balance.AttemptOutcome;
import io.llmrelay.core.config.ResilienceConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class OutlierEjectionTest {

    /** three errors in a row; 1 s, 2 s, 3 s, ... at most 5 s */
    private static final ResilienceConfig.Outlier CONFIG =
            new ResilienceConfig.Outlier(3, Duration.ofSeconds(1), Duration.ofSeconds(5), 50);

    private final FakeClock clock = new FakeClock();
    private final EjectionLedger ledger = new EjectionLedger();
    private final OutlierEjection ejection = new OutlierEjection(CONFIG, ledger, clock);

    @ParameterizedTest
    @EnumSource(value = AttemptOutcome.class, names = {"UNREACHABLE", "TIMEOUT", "SERVER_ERROR", "BROKEN"})
    void connectErrorsTimeOutsFiveHundredsAndBrokenAnswersInARowEject(AttemptOutcome error) {
        assertThat(ejection.record(error)).isFalse();
        assertThat(ejection.record(error)).isFalse();
        assertThat(ejection.ejected()).isFalse();
        assertThat(ejection.record(error)).isTrue();
        assertThat(ejection.ejected()).isTrue();
        assertThat(ejection.remainingNanos()).isEqualTo(1_000_000_000L);
        assertThat(ejection.level()).isEqualTo(1);
        assertThat(ejection.consecutiveErrors()).as("a new run starts").isZero();
    }

    @ParameterizedTest
    @EnumSource(value = AttemptOutcome.class, names = {"OVERLOADED", "CANCELLED"})
    void overloadAndCancellationNeitherCountNorEndTheRun(AttemptOutcome neutral) {
        ejection.record(AttemptOutcome.SERVER_ERROR);
        ejection.record(AttemptOutcome.SERVER_ERROR);
        for (int i = 0; i < 10; i++) {
            assertThat(ejection.record(neutral)).isFalse();
        }
        assertThat(ejection.consecutiveErrors()).isEqualTo(2);
        assertThat(ejection.record(AttemptOutcome.SERVER_ERROR)).isTrue();
    }

    @ParameterizedTest
    @EnumSource(value = AttemptOutcome.class, names = {"OK", "REJECTED"})
    void anAnswerEndsTheRun(AttemptOutcome answered) {
        ejection.record(AttemptOutcome.TIMEOUT);
        ejection.record(AttemptOutcome.TIMEOUT);
        ejection.record(answered);
        ejection.record(AttemptOutcome.TIMEOUT);
        ejection.record(AttemptOutcome.TIMEOUT);
        assertThat(ejection.ejected()).isFalse();
        assertThat(ejection.consecutiveErrors()).isEqualTo(2);
    }

    @Test
    void anEjectionEndsOnTime() {
        eject();
        clock.advanceMillis(999);
        assertThat(ejection.ejected()).isTrue();
        clock.advanceMillis(1);
        assertThat(ejection.ejected()).isFalse();
        assertThat(ejection.number()).isZero();
        assertThat(ejection).hasToString("not ejected");
    }

    @Test
    void errorsOfAttemptsUnderWayWhenItWasEjectedAreNotCounted() {
        eject();
        for (int i = 0; i < 10; i++) {
            assertThat(ejection.record(AttemptOutcome.UNREACHABLE)).isFalse();
        }
        assertThat(ejection.consecutiveErrors()).isZero();
        assertThat(ejection.remainingNanos()).as("not extended").isEqualTo(1_000_000_000L);
    }

    @Test
    void eachEjectionLastsLongerUpToTheMaximum() {
        long[] seconds = new long[7];
        for (int i = 0; i < seconds.length; i++) {
            eject();
            seconds[i] = ejection.remainingNanos() / 1_000_000_000L;
            clock.advanceMillis(ejection.remainingNanos() / 1_000_000); // back at once: no time to decay
        }
        assertThat(seconds).containsExactly(1, 2, 3, 4, 5, 5, 5);
        assertThat(ejection.level()).isEqualTo(7);
    }

    @Test
    void theCountDecaysByOneForEachMaximumEjectionSpentClean() {
        for (int i = 0; i < 4; i++) {
            eject();
            clock.advanceMillis(ejection.remainingNanos() / 1_000_000);
        }
        assertThat(ejection.level()).isEqualTo(4);
        clock.advance(Duration.ofSeconds(5).multipliedBy(2).minusMillis(1)); // one full period of 5 s, not two
        eject();
        assertThat(ejection.level()).as("4 - 1 + 1").isEqualTo(4);
        assertThat(ejection.remainingNanos()).isEqualTo(4_000_000_000L);
        clock.advanceMillis(ejection.remainingNanos() / 1_000_000);

        clock.advance(Duration.ofMinutes(10));
        eject();
        assertThat(ejection.level()).as("long clean: back to the first step").isEqualTo(1);
        assertThat(ejection.remainingNanos()).isEqualTo(1_000_000_000L);
    }

    @Test
    void ejectionsAreNumberedInTheOrderTheyHappenAndTheLedgerNotesEveryChange() {
        OutlierEjection other = new OutlierEjection(CONFIG, ledger, clock);
        long before = ledger.version();
        eject();
        long first = ejection.number();
        for (int i = 0; i < 3; i++) {
            other.record(AttemptOutcome.TIMEOUT);
        }
        assertThat(other.number()).isGreaterThan(first);
        assertThat(ledger.version()).isEqualTo(before + 2);
        clock.advance(Duration.ofSeconds(1));
        assertThat(ejection.ejected()).isFalse();
        assertThat(other.ejected()).isFalse();
        assertThat(ledger.version()).as("both ends noticed, once each").isEqualTo(before + 4);
        assertThat(ejection.ejected()).isFalse();
        assertThat(ledger.version()).isEqualTo(before + 4);
    }

    private void eject() {
        for (int i = 0; i < 3; i++) {
            ejection.record(AttemptOutcome.SERVER_ERROR);
        }
        assertThat(ejection.ejected()).isTrue();
    }
}
