package io.llmrelay.core.limits;

import io.llmrelay.testing.FakeClock;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TokenBucketTest {

    private final FakeClock clock = new FakeClock();

    @Test
    void requestsPassWhileTokensAreLeftAndAnAnswerMayOverdrawTheBucket() {
        TokenBucket b = new TokenBucket(600, clock.getAsLong());
        assertThat(b.waitNanos(clock.getAsLong())).isZero();
        assertThat(b.tokens(clock.getAsLong())).isEqualTo(600);

        b.charge(500, clock.getAsLong());
        assertThat(b.tokens(clock.getAsLong())).isEqualTo(100);
        assertThat(b.waitNanos(clock.getAsLong())).as("100 left: may start").isZero();

        b.charge(400, clock.getAsLong());
        assertThat(b.tokens(clock.getAsLong())).as("a debt").isEqualTo(-300);
        long wait = b.waitNanos(clock.getAsLong());
        assertThat(wait).as("300 tokens at 10/s: 30 s until positive").isBetween(30_000_000_000L, 30_000_000_001L);
        assertThat(b.resetSeconds(clock.getAsLong())).as("900 tokens to refill: 90 s").isEqualTo(90);
    }

    @Test
    void anEmptyBucketRefusesUntilItIsPositiveAgain() {
        TokenBucket b = new TokenBucket(60, clock.getAsLong());
        b.charge(90, clock.getAsLong());
        assertThat(b.tokens(clock.getAsLong())).isEqualTo(-30);
        long wait = b.waitNanos(clock.getAsLong());
        assertThat(wait).as("30 tokens at 1/s, and a nanosecond: empty is not positive").isEqualTo(30_000_000_001L);
        assertThat(Seconds.retryAfter(wait)).isEqualTo(31);
        clock.advanceMillis(29_999);
        assertThat(b.waitNanos(clock.getAsLong())).isPositive();
        clock.advanceMillis(1);
        assertThat(b.tokens(clock.getAsLong())).isZero();
        assertThat(b.waitNanos(clock.getAsLong())).as("exactly empty is still refused").isEqualTo(1);
        clock.advance(java.time.Duration.ofNanos(1));
        assertThat(b.waitNanos(clock.getAsLong())).as("any refill makes it positive").isZero();
    }

    @Test
    void theRefillIsContinuousAndStopsAtFull() {
        TokenBucket b = new TokenBucket(120, clock.getAsLong());
        b.charge(120, clock.getAsLong());
        clock.advanceMillis(15_000);
        assertThat(b.tokens(clock.getAsLong())).isEqualTo(30);
        clock.advanceMillis(600_000);
        assertThat(b.tokens(clock.getAsLong())).isEqualTo(120);
        assertThat(b.full(clock.getAsLong())).isTrue();
    }

    @Test
    void absurdUsageLocksAKeyOutForADayAtMost() {
        TokenBucket b = new TokenBucket(1, clock.getAsLong());
        b.charge(Long.MAX_VALUE / 2, clock.getAsLong());
        b.charge(Long.MAX_VALUE / 2, clock.getAsLong());
        assertThat(b.resetSeconds(clock.getAsLong())).isEqualTo(24 * 3600);
    }

    @Test
    void nothingAndNegativeCountsChargeNothing() {
        TokenBucket b = new TokenBucket(100, clock.getAsLong());
        b.charge(0, clock.getAsLong());
        b.charge(-50, clock.getAsLong());
        assertThat(b.full(clock.getAsLong())).isTrue();
    }
}
