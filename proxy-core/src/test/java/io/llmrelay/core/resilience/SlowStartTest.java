package io.llmrelay.core.resilience;

import io.llmrelay.testing.FakeClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SlowStartTest {

    private final FakeClock clock = new FakeClock();
    private final SlowStart slowStart = new SlowStart(Duration.ofSeconds(10), clock);

    @Test
    void withoutARampTheShareIsWhole() {
        assertThat(slowStart.share()).isEqualTo(1.0);
        assertThat(slowStart.ramping()).isFalse();
        assertThat(slowStart).hasToString("full share");
    }

    @Test
    void theShareRampsLinearlyFromATenthToWholeOverTheWindow() {
        slowStart.begin();
        assertThat(slowStart.share()).isEqualTo(SlowStart.FIRST_SHARE);
        clock.advance(Duration.ofSeconds(5));
        assertThat(slowStart.share()).isCloseTo(0.55, within(1e-9));
        assertThat(slowStart).hasToString("slow start at 55 %");
        clock.advance(Duration.ofMillis(4999));
        assertThat(slowStart.share()).isCloseTo(1.0, within(1e-3)).isLessThan(1.0);
        clock.advanceMillis(1);
        assertThat(slowStart.share()).isEqualTo(1.0);
        assertThat(slowStart.ramping()).isFalse();
    }

    @Test
    void aRampCanStartWhenAnEjectionWillEnd() {
        slowStart.beginAt(clock.getAsLong() + Duration.ofSeconds(3).toNanos());
        assertThat(slowStart.share()).isEqualTo(SlowStart.FIRST_SHARE);
        clock.advance(Duration.ofSeconds(3));
        assertThat(slowStart.share()).isEqualTo(SlowStart.FIRST_SHARE);
        clock.advance(Duration.ofSeconds(10));
        assertThat(slowStart.share()).isEqualTo(1.0);
    }

    @Test
    void aSecondRecoveryRestartsTheRampFromTheLaterStart() {
        slowStart.begin();
        clock.advance(Duration.ofSeconds(8));
        slowStart.begin();
        assertThat(slowStart.share()).isEqualTo(SlowStart.FIRST_SHARE);
        slowStart.beginAt(clock.getAsLong() - Duration.ofSeconds(5).toNanos()); // an earlier start changes nothing
        assertThat(slowStart.share()).isEqualTo(SlowStart.FIRST_SHARE);
    }

    @Test
    void aZeroWindowMeansNoSlowStart() {
        SlowStart none = new SlowStart(Duration.ZERO, clock);
        none.begin();
        assertThat(none.share()).isEqualTo(1.0);
    }
}
