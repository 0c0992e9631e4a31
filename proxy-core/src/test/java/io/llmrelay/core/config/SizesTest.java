package io.llmrelay.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SizesTest {

    @ParameterizedTest
    @CsvSource({"65536, 65536", "512B, 512", "64KiB, 65536", "64kib, 65536", "10MiB, 10485760", "1GiB, 1073741824",
        "1.5MiB, 1572864", "500KB, 500000", "10MB, 10000000", "2GB, 2000000000", "1TiB, 1099511627776", "' 4 KiB ', 4096",
        "0, 0"})
    void writtenAsUsersWriteThem(String text, long bytes) {
        assertThat(Sizes.parse("x", text)).isEqualTo(bytes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-1", "10 megabytes", "KiB", "1.KiB", "10k", "1PiB"})
    void anythingElseNamesTheSetting(String text) {
        assertThatThrownBy(() -> Sizes.parse("max_request_size", text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("max_request_size must be a size such as 64KiB, 10MiB, 1GiB, 500KB or 65536 (bytes), not '"
                        + text + "'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.1KiB", "0.5", "99999999999TiB"})
    void aFractionOfAByteOrMoreThanALongHoldsIsRefused(String text) {
        assertThatThrownBy(() -> Sizes.parse("max_request_size", text))
                .hasMessage("max_request_size must be a whole number of bytes, not '" + text + "'");
    }
}
