package io.llmrelay.core.translate;

import static io.llmrelay.core.translate.TestJson.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmrelay.core.api.RelayException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ThinkTest {

    @Test
    void unsetIsNull() {
        assertThat(Think.parse(null)).isNull();
        assertThat(Think.parse(json("null"))).isNull();
    }

    @Test
    void boolsAndTheirStrings() {
        assertThat(Think.parse(json("true"))).isEqualTo(new Think(true, null));
        assertThat(Think.parse(json("false"))).isEqualTo(new Think(false, null));
        assertThat(Think.parse(json("'True'"))).isEqualTo(new Think(true, null));
        assertThat(Think.parse(json("'FALSE'"))).isEqualTo(new Think(false, null));
        assertThat(Think.parse(json("'none'"))).isEqualTo(new Think(false, null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"low", "medium", "high", "max"})
    void levelsTurnThinkingOn(String level) {
        assertThat(Think.parse(json("'" + level + "'"))).isEqualTo(new Think(true, level));
        assertThat(Think.parse(json("' " + level.toUpperCase() + " '"))).isEqualTo(new Think(true, level));
    }

    @ParameterizedTest
    @ValueSource(strings = {"'minimal'", "''", "1", "0", "[]", "{}", "'on'"})
    void anythingElseIs400(String value) {
        assertThatThrownBy(() -> Think.parse(json(value))).isInstanceOf(RelayException.class)
                .hasMessageStartingWith("invalid think value ")
                .hasMessageEndingWith("(expected true, false, \"low\", \"medium\", \"high\" or \"max\")");
    }
}
