package io.llmrelay.core.resilience;

import io.llmrelay.testing.FakeClock;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class HoldOffTest {

    private final FakeClock clock = new FakeClock();
    private final HoldOff holdOff = new HoldOff(clock);

    @Test
    void aBackendIsHeldUntilTheTimeItGave() {
        assertThat(holdOff.held()).isFalse();
        long end = holdOff.holdFor(Duration.ofSeconds(2).toNanos());
        assertThat(end).isEqualTo(clock.getAsLong() + 2_000_000_000L);
        assertThat(holdOff.held()).isTrue();
        assertThat(holdOff).hasToString("held off for 2.0 s");
        clock.advanceMillis(1999);
        assertThat(holdOff.held()).isTrue();
        assertThat(holdOff.remainingNanos()).isEqualTo(1_000_000);
        clock.advanceMillis(1);
        assertThat(holdOff.held()).isFalse();
        assertThat(holdOff.remainingNanos()).isZero();
        assertThat(holdOff).hasToString("not held");
    }

    @Test
    void aLaterHoldExtendsItAndAShorterOneDoesNotShortenIt() {
        holdOff.holdFor(Duration.ofSeconds(10).toNanos());
        clock.advance(Duration.ofSeconds(1));
        holdOff.holdFor(Duration.ofSeconds(1).toNanos());
        assertThat(holdOff.remainingNanos()).isEqualTo(Duration.ofSeconds(9).toNanos());
        holdOff.holdFor(Duration.ofSeconds(20).toNanos());
        assertThat(holdOff.remainingNanos()).isEqualTo(Duration.ofSeconds(20).toNanos());
    }

    @Test
    void aHoldIsCappedAtFiveMinutes() {
        holdOff.holdFor(Duration.ofHours(1).toNanos());
        assertThat(holdOff.remainingNanos()).isEqualTo(HoldOff.MAX.toNanos());
    }

    @Test
    void noWaitHoldsNothing() {
        holdOff.holdFor(0);
        holdOff.holdFor(-5);
        assertThat(holdOff.held()).isFalse();
    }

    @Test
    void theCheckCanTakeTheCallersReadingOfTheClock() {
        holdOff.holdFor(1_000);
        long now = clock.getAsLong();
        assertThat(holdOff.held(now)).isTrue();
        assertThat(holdOff.held(now + 1_000)).isFalse();
        assertThat(holdOff.held(now)).as("a hold found over is gone").isFalse();
    }
}
