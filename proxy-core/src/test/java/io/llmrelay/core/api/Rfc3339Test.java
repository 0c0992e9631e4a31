package io.llmrelay.core.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Rfc3339Test {

    @ParameterizedTest
    @CsvSource({
        "2025-07-07T20:22:19.184789Z,      2025-07-07T20:22:19.184789Z",
        "2025-07-07T20:22:19Z,             2025-07-07T20:22:19Z",
        "2025-07-07T20:22:00Z,             2025-07-07T20:22:00Z",
        "2025-01-01T00:00:00Z,             2025-01-01T00:00:00Z",
        "2025-07-07T20:22:00.5Z,           2025-07-07T20:22:00.5Z",
        "2025-07-07T20:22:19.100000000Z,   2025-07-07T20:22:19.1Z",
        "2025-07-07T20:22:19.120Z,         2025-07-07T20:22:19.12Z",
        "2025-07-07T20:22:19.000005Z,      2025-07-07T20:22:19.000005Z",
        "2025-07-07T20:22:19.000000001Z,   2025-07-07T20:22:19.000000001Z",
        "2025-07-07T20:22:19.123456789Z,   2025-07-07T20:22:19.123456789Z",
        "1970-01-01T00:00:00Z,             1970-01-01T00:00:00Z",
    })
    void utcLikeGo(String instant, String expected) {
        String out = new Rfc3339().utc(Instant.parse(instant));
        assertThat(out).isEqualTo(expected);
        assertThat(Instant.parse(out)).isEqualTo(Instant.parse(instant));
    }

    @Test
    void theCharAndStringFormsAgreeAcrossSeconds() {
        Rfc3339 f = new Rfc3339();
        char[] buf = new char[Rfc3339.MAX_LENGTH];
        for (java.time.Instant t : new java.time.Instant[] {
                java.time.Instant.parse("2025-07-07T20:22:19.184789Z"), java.time.Instant.parse("2025-07-07T20:22:20Z"),
                java.time.Instant.parse("2025-07-07T20:22:20.000000001Z"), java.time.Instant.parse("2025-07-07T20:23:00.5Z")}) {
            String s = f.utc(t);
            assertThat(new String(buf, 0, f.utc(t, buf))).isEqualTo(s).isEqualTo(new Rfc3339().utc(t));
        }
        assertThat(f.utc(java.time.Instant.parse("2025-07-07T20:23:00.5Z"))).isEqualTo("2025-07-07T20:23:00.5Z");
    }

    @Test
    void theCachedSecondNeverLeaksIntoAnother() {
        Rfc3339 stamps = new Rfc3339();
        Instant a = Instant.parse("2025-07-07T20:22:19.1Z");
        assertThat(stamps.utc(a)).isEqualTo("2025-07-07T20:22:19.1Z");
        assertThat(stamps.utc(a.plusMillis(800))).isEqualTo("2025-07-07T20:22:19.9Z");
        assertThat(stamps.utc(a.plusMillis(900))).isEqualTo("2025-07-07T20:22:20Z");
        assertThat(stamps.utc(a.plusSeconds(41).minusMillis(100))).isEqualTo("2025-07-07T20:23:00Z");
        assertThat(stamps.utc(a)).isEqualTo("2025-07-07T20:22:19.1Z");
    }

    @ParameterizedTest
    @CsvSource({
        "2025-05-10T15:06:48.639712648Z, -07:00, 2025-05-10T08:06:48.639712648-07:00",
        "2025-05-10T15:06:48Z,           +05:30, 2025-05-10T20:36:48+05:30",
        "2025-05-10T15:06:00Z,           +02:00, 2025-05-10T17:06:00+02:00",
        "2025-05-10T15:06:00.25Z,        Z,      2025-05-10T15:06:00.25Z",
        "2025-01-01T03:00:00Z,           -05:00, 2024-12-31T22:00:00-05:00",
    })
    void withOffsetLikeOllamaLists(String instant, String offset, String expected) {
        String out = Rfc3339.withOffset(Instant.parse(instant), ZoneOffset.of(offset));
        assertThat(out).isEqualTo(expected);
        assertThat(OffsetDateTime.parse(out).toInstant()).isEqualTo(Instant.parse(instant));
    }
}
