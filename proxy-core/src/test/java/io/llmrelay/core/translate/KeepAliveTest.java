package io.llmrelay.core.translate;

import static io.llmrelay.core.translate.TestJson.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmrelay.core.api.RelayException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class KeepAliveTest {

    @Test
    void theDefaultIsFiveMinutes() {
        assertThat(KeepAlive.DEFAULT).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void absentOrNullIsUnset() {
        assertThat(KeepAlive.parse(null)).isNull();
        assertThat(KeepAlive.parse(json("null"))).isNull();
    }

    @ParameterizedTest
    @CsvSource({
        "300,      PT5M",
        "0,        PT0S",
        "0.0,      PT0S",
        "-1,       PT-1S",
        "1.5,      PT1.5S",
        "0.001,    PT0.001S",
        "86400,    PT24H",
    })
    void numbersAreSeconds(String number, String expected) {
        assertThat(KeepAlive.parse(json(number))).isEqualTo(Duration.parse(expected));
    }

    @ParameterizedTest
    @CsvSource({
        "5m,          PT5M",
        "1h30m,       PT1H30M",
        "300ms,       PT0.3S",
        "0,           PT0S",
        "0s,          PT0S",
        "-0,          PT0S",
        "-1,          PT-1S",
        "-1s,         PT-1S",
        "-1m,         PT-1M",
        "-1h5m,       PT-1H-5M",
        "+10s,        PT10S",
        "120,         PT2M",
        "1.5h,        PT1H30M",
        ".5s,         PT0.5S",
        "2.s,         PT2S",
        "1h0m0.5s,    PT1H0.5S",
        "250us,       PT0.00025S",
        "250\u00b5s,  PT0.00025S",
        "250\u03bcs,  PT0.00025S",
        "42ns,        PT0.000000042S",
        "'  24h  ',   PT24H",
    })
    void stringsAreGoDurations(String text, String expected) {
        assertThat(KeepAlive.parseGoDuration(text)).isEqualTo(Duration.parse(expected));
        assertThat(KeepAlive.parse(Json2.text(text))).isEqualTo(Duration.parse(expected));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "m", "5", "5x", "5 m", "1h 30m", "h1", "5m-", "--5m", "1d", "five", "5M", "1.2.3s", "-"})
    void malformedDurationsAre400(String text) {
        if (text.equals("5")) {
            assertThat(KeepAlive.parseGoDuration(text)).isEqualTo(Duration.ofSeconds(5)); // lenient: bare seconds
            return;
        }
        assertThatThrownBy(() -> KeepAlive.parseGoDuration(text))
                .isInstanceOf(RelayException.class)
                .hasMessage("invalid keep_alive duration \"" + text + "\"")
                .satisfies(e -> assertThat(((RelayException) e).status()).isEqualTo(400));
    }

    @ParameterizedTest
    @ValueSource(strings = {"true", "false", "[]", "{}", "['5m']"})
    void otherJsonTypesAre400(String value) {
        assertThatThrownBy(() -> KeepAlive.parse(json(value)))
                .isInstanceOf(RelayException.class)
                .hasMessage("invalid keep_alive: expected a number of seconds or a duration string such as \"5m\"");
    }

    /** Text nodes without going through JSON quoting. */
    private static final class Json2 {
        static com.fasterxml.jackson.databind.JsonNode text(String s) {
            return io.llmrelay.core.json.Json.NODES.textNode(s);
        }
    }
}
