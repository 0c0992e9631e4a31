package io.llmrelay.core.balance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AttemptOutcomeTest {

    @ParameterizedTest
    @CsvSource({"200, OK", "204, OK", "301, OK", "400, REJECTED", "404, REJECTED", "429, OVERLOADED",
        "500, SERVER_ERROR", "502, SERVER_ERROR", "503, OVERLOADED", "504, SERVER_ERROR"})
    void anAnswersStatusSaysHowTheAttemptEnded(int status, AttemptOutcome expected) {
        assertThat(AttemptOutcome.ofStatus(status)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 99, 600, -1})
    void anythingButAnHttpStatusIsRefused(int status) {
        assertThatThrownBy(() -> AttemptOutcome.ofStatus(status))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(String.valueOf(status));
    }

    @ParameterizedTest
    @CsvSource({"OK, false", "REJECTED, false", "CANCELLED, false", "OVERLOADED, true", "SERVER_ERROR, true",
        "UNREACHABLE, true", "TIMEOUT, true", "BROKEN, true"})
    void onlyTheBackendsOwnFaultsCountAgainstIt(AttemptOutcome outcome, boolean failure) {
        assertThat(outcome.failure()).isEqualTo(failure);
    }
}
