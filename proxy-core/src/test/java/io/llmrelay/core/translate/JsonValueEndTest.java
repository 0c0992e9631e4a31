package io.llmrelay.core.translate;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonValueEndTest {

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"a\": 1}", " {\"a\": {\"b\": [1, {\"c\": 2}]}} ", "{\"s\": \"}\\\"{\"}", "[1, 2]\n"})
    void aWholeValueIsClosedOnEveryCut(String json) {
        for (int cut = 0; cut <= json.length(); cut++) {
            JsonValueEnd end = new JsonValueEnd();
            end.feed(json.substring(0, cut));
            end.feed(json.substring(cut));
            assertThat(end.closed()).as("%s cut at %d", json, cut).isTrue();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "{", "{\"a\": 1", "{\"s\": \"}\"", "{\"s\": \"\\\"}", "\"text\"", "42", "{\"a\": [1, 2]"})
    void anUnfinishedValueOrAScalarIsNot(String json) {
        JsonValueEnd end = new JsonValueEnd();
        end.feed(json);
        assertThat(end.closed()).as(json).isFalse();
    }

    @Test
    void somethingAfterTheValueIsNotAWholeValue() {
        JsonValueEnd end = new JsonValueEnd();
        end.feed("{\"a\":1}");
        assertThat(end.closed()).isTrue();
        end.feed("  \n");
        assertThat(end.closed()).isTrue();
        end.feed("{");
        assertThat(end.closed()).isFalse();
    }
}
