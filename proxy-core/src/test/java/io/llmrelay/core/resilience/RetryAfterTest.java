package io.llmrelay.core.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RetryAfterTest {

    /** Sun, 06 Nov 1994 08:49:37 GMT, the RFC's example, less 90 seconds */
    private static final long NOW = Instant.parse("1994-11-06T08:48:07Z").toEpochMilli();
    private static final long NINETY_SECONDS = TimeUnit.SECONDS.toNanos(90);
    private static final long CAP = HoldOff.MAX.toNanos();

    @Test
    void aNumberIsSeconds() {
        assertThat(RetryAfter.nanos("120", NOW)).isEqualTo(TimeUnit.SECONDS.toNanos(120));
        assertThat(RetryAfter.nanos(" 3 ", NOW)).isEqualTo(TimeUnit.SECONDS.toNanos(3));
        assertThat(RetryAfter.nanos("0", NOW)).isZero();
        assertThat(RetryAfter.nanos("1.5", NOW)).as("not RFC, but taken").isEqualTo(1_500_000_000L);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "Sun, 06 Nov 1994 08:49:37 GMT",  // IMF-fixdate
        "Sunday, 06-Nov-94 08:49:37 GMT", // RFC 850
        "Sun Nov  6 08:49:37 1994",       // asctime
        "Mon, 06 Nov 1994 08:49:37 GMT",  // a wrong weekday is ignored
        "sun, 6 nov 1994 08:49:37 gmt"    // case and a one-digit day
    })
    void aDateIsTheTimeLeftUntilIt(String date) {
        assertThat(RetryAfter.nanos(date, NOW)).isEqualTo(NINETY_SECONDS);
    }

    @Test
    void aDateInThePastIsNoWait() {
        assertThat(RetryAfter.nanos("Sun, 06 Nov 1994 08:00:00 GMT", NOW)).isZero();
    }

    @Test
    void aLongWaitIsCappedAtFiveMinutes() {
        assertThat(RetryAfter.nanos("301", NOW)).isEqualTo(CAP);
        assertThat(RetryAfter.nanos("86400", NOW)).isEqualTo(CAP);
        assertThat(RetryAfter.nanos("99999999999999999999999", NOW)).as("no overflow").isEqualTo(CAP);
        assertThat(RetryAfter.nanos("Mon, 07 Nov 1994 08:49:37 GMT", NOW)).isEqualTo(CAP);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  ", "-5", "soon", "12s", "1e3", "Sun, 32 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994", "1.2.3"})
    void anythingElseIsNone(String value) {
        assertThat(RetryAfter.nanos(value, NOW)).isEqualTo(RetryAfter.NONE);
    }

    @Test
    void noHeaderIsNone() {
        assertThat(RetryAfter.nanos(null, NOW)).isEqualTo(RetryAfter.NONE);
        assertThat(RetryAfter.millisHeaderNanos(null)).isEqualTo(RetryAfter.NONE);
    }

    @Test
    void openAisRetryAfterMsIsMilliseconds() {
        assertThat(RetryAfter.millisHeaderNanos("250")).isEqualTo(250_000_000L);
        assertThat(RetryAfter.millisHeaderNanos("1.5")).isEqualTo(1_500_000L);
        assertThat(RetryAfter.millisHeaderNanos("999999999")).isEqualTo(CAP);
        assertThat(RetryAfter.millisHeaderNanos("-1")).isEqualTo(RetryAfter.NONE);
        assertThat(RetryAfter.millisHeaderNanos("x")).isEqualTo(RetryAfter.NONE);
    }
}
