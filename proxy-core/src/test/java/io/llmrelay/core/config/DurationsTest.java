package io.llmrelay.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

    @ParameterizedTest
    @CsvSource({"300ms, 300", "2s, 2000", "1.5s, 1500", "0.5, 500", "1m, 60000", "1h, 3600000", "' 2 S ', 2000", "0ms, 0"})
    void writtenAsUsersWriteThem(String text, long millis) {
        assertThat(Durations.parse("x", text)).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-1s", "2 seconds", "s", "1.s", "1d"})
    void anythingElseNamesTheSetting(String text) {
        assertThatThrownBy(() -> Durations.parse("--health-interval", text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--health-interval must be a duration");
    }

    @ParameterizedTest
    @CsvSource({"0, 0s", "25, 25ms", "1000, 1s", "1500, 1500ms", "90000, 90s", "120000, 2m", "7200000, 2h"})
    void formattedInTheShortestExactForm(long millis, String text) {
        assertThat(Durations.format(Duration.ofMillis(millis))).isEqualTo(text);
        assertThat(Durations.parse("x", text)).isEqualTo(Duration.ofMillis(millis));
    }

    @Test
    void aFractionOfAMillisecondIsWrittenInSeconds() {
        Duration d = Durations.parse("x", "1.0005s");
        assertThat(Durations.format(d)).isEqualTo("1.0005s");
    }
}
