package io.llmrelay.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class InterpolationTest {

    private final Interpolation env = new Interpolation(Map.of("HOST", "gpu-1", "EMPTY", "", "PORT", "8000"));

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "plain text               | plain text",
        "http://${HOST}:${PORT}   | http://gpu-1:8000",
        "${MISSING:-fallback}     | fallback",
        "${EMPTY:-fallback}       | fallback",
        "${HOST:-fallback}        | gpu-1",
        "x${EMPTY}y               | xy",
        "${MISSING:-}             | ''",
        "price $$5                | price $5",
        "$${HOST}                 | ${HOST}",
        "a $ b $x                 | a $ b $x",
        "${MISSING:-a:-b}         | a:-b",
    })
    void replacesVariablesAndKeepsEverythingElse(String text, String expected) {
        assertThat(env.apply(text)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "${MISSING}     | environment variable MISSING is not set (write ${MISSING:-default} to give a default)",
        "${HOST         | '${' is not closed with '}' (write $$ for a literal dollar)",
        "${}            | '${}' does not name an environment variable (letters, digits and _; write $$ for a literal dollar)",
        "${1X}          | '${1X}' does not name an environment variable (letters, digits and _; write $$ for a literal dollar)",
    })
    void mistakesAreNamed(String text, String message) {
        assertThatThrownBy(() -> env.apply(text)).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }
}
