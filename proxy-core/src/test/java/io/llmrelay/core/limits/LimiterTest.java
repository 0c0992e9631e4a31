package io.llmrelay.core.limits;

import io.llmrelay.testing.FakeClock;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrelay.core.config.SecurityConfig.KeyLimits;
import io.llmrelay.core.config.SecurityConfig.Limits;
import io.llmrelay.core.config.SecurityConfig.RateLimit;
import io.llmrelay.core.config.SecurityConfig.RedisDown;
import io.llmrelay.core.security.ApiKeys.ApiKey;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class LimiterTest {

    private final FakeClock clock = new FakeClock();

    private static Limits limits(RateLimit global, RateLimit perIp, KeyLimits perKey) {
        return new Limits(global, perIp, perKey, null, RedisDown.OPEN);
    }

    private Limiter limiter(RateLimit global, RateLimit perIp) {
        return new Limiter(limits(global, perIp, KeyLimits.OFF), clock);
    }

    @Test
    void withEveryLimitOffEachCheckIsTheOneSharedDecision() {
        Limiter l = limiter(RateLimit.OFF, RateLimit.OFF);
        ApiKey unlimited = TestKeys.key("carol", KeyLimits.OFF);
        for (int i = 0; i < 1000; i++) {
            assertThat(l.check("10.0.0." + (i % 7), i % 2 == 0 ? null : unlimited)).isSameAs(Decision.UNLIMITED);
        }
        assertThat(Decision.UNLIMITED.allowed()).isTrue();
        assertThat(Decision.UNLIMITED.hasHeaders()).isFalse();
        assertThat(Decision.UNLIMITED.permit()).isSameAs(Permit.NONE);
        assertThat(l.trackedAddresses()).isZero();
    }

    @Test
    void aGlobalRateLetsTheBucketThroughThenRefusesWithTheHeaderNumbers() {
        Limiter l = limiter(new RateLimit(10, 0, 0), RateLimit.OFF);
        for (int i = 0; i < 10; i++) {
            Decision d = l.check("10.0.0.1", null);
            assertThat(d.allowed()).isTrue();
            assertThat(d.limit()).isEqualTo(Limit.GLOBAL_RPS);
            assertThat(d.limitValue()).as("burst 0: one second's worth").isEqualTo(10);
            assertThat(d.remaining()).isEqualTo(9 - i);
            assertThat(d.resetSeconds()).isEqualTo(1);
        }
        Decision refused = l.check("10.0.0.2", null);
        assertThat(refused.verdict()).isEqualTo(Decision.Verdict.LIMITED);
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.limitName()).isEqualTo("global rps");
        assertThat(refused.limitValue()).isEqualTo(10);
        assertThat(refused.remaining()).isZero();
        assertThat(refused.retryAfterSeconds()).isEqualTo(1);
        assertThat(refused.resetSeconds()).isEqualTo(1);
        assertThat(refused.message()).contains("global rps").contains("retry after 1 s");
        assertThat(l.counters().refused(Limit.GLOBAL_RPS)).isEqualTo(1);

        clock.advanceMillis(100);
        assertThat(l.check("10.0.0.2", null).allowed()).as("one interval later, one more").isTrue();
        assertThat(l.check("10.0.0.2", null).allowed()).isFalse();
    }

    @Test
    void aSlowRateSaysHowManySecondsToWait() {
        Limiter l = limiter(RateLimit.OFF, new RateLimit(1, 3, 0));
        for (int i = 0; i < 3; i++) {
            assertThat(l.check("10.0.0.1", null).allowed()).isTrue();
        }
        Decision refused = l.check("10.0.0.1", null);
        assertThat(refused.limitName()).isEqualTo("per_ip rps");
        assertThat(refused.limitValue()).isEqualTo(3);
        assertThat(refused.retryAfterSeconds()).isEqualTo(1);
        assertThat(refused.resetSeconds()).as("three requests at 1/s").isEqualTo(3);
        clock.advanceMillis(2500);
        Decision d = l.check("10.0.0.1", null);
        assertThat(d.allowed()).isTrue();
        assertThat(d.remaining()).as("2.5 s refilled two and a half; one taken").isEqualTo(1);
    }

    @Test
    void eachAddressHasItsOwnBucket() {
        Limiter l = limiter(RateLimit.OFF, new RateLimit(2, 0, 0));
        assertThat(l.check("10.0.0.1", null).allowed()).isTrue();
        assertThat(l.check("10.0.0.1", null).allowed()).isTrue();
        assertThat(l.check("10.0.0.1", null).limit()).isEqualTo(Limit.PER_IP_RPS);
        assertThat(l.check("10.0.0.2", null).allowed()).isTrue();
        assertThat(l.check("2001:db8::1", null).allowed()).isTrue();
        assertThat(l.trackedAddresses()).isEqualTo(3);
    }

    @Test
    void aKeysOwnLimitIsCheckedFirstAndSpendsNothingShared() {
        Limiter l = new Limiter(limits(new RateLimit(2, 2, 0), RateLimit.OFF, KeyLimits.OFF), clock);
        ApiKey alice = TestKeys.key("alice", new KeyLimits(1, 1, 0, 0));
        ApiKey bob = TestKeys.key("bob", KeyLimits.OFF);

        assertThat(l.check("10.0.0.1", alice).allowed()).isTrue();
        Decision refused = l.check("10.0.0.1", alice);
        assertThat(refused.limit()).isEqualTo(Limit.PER_KEY_RPS);
        assertThat(refused.limitName()).isEqualTo("key alice rps");
        assertThat(refused.keyName()).isEqualTo("alice");

        assertThat(l.check("10.0.0.2", bob).allowed()).as("alice's refusal took nothing global").isTrue();
        assertThat(l.check("10.0.0.2", bob).limitName()).isEqualTo("global rps");
    }

    @Test
    void allowedHeadersDescribeTheRequestLimitWithTheFewestLeft() {
        Limiter l = new Limiter(limits(new RateLimit(100, 0, 5), new RateLimit(10, 3, 0), KeyLimits.OFF), clock);
        ApiKey alice = TestKeys.key("alice", new KeyLimits(50, 0, 2, 1000));
        Decision d = l.check("10.0.0.1", alice);
        assertThat(d.limit()).isEqualTo(Limit.PER_IP_RPS);
        assertThat(d.limitValue()).isEqualTo(3);
        assertThat(d.remaining()).isEqualTo(2);

        Limiter caps = new Limiter(limits(new RateLimit(0, 0, 5), new RateLimit(0, 0, 3), KeyLimits.OFF), clock);
        Decision c = caps.check("10.0.0.1", null);
        assertThat(c.limit()).as("no request rate: the cap with the fewest slots left").isEqualTo(Limit.PER_IP_CONCURRENT);
        assertThat(c.remaining()).isEqualTo(2);

        Limiter tokens = new Limiter(limits(RateLimit.OFF, RateLimit.OFF, KeyLimits.OFF), clock);
        Decision t = tokens.check("10.0.0.1", TestKeys.key("dave", new KeyLimits(0, 0, 0, 6000)));
        assertThat(t.limitName()).isEqualTo("key dave tokens_per_minute");
        assertThat(t.limitValue()).isEqualTo(6000);
        assertThat(t.remaining()).isEqualTo(6000);
    }

    @Test
    void aConcurrencyCapHoldsUntilThePermitIsReleasedOnce() {
        Limiter l = limiter(RateLimit.OFF, new RateLimit(0, 0, 2));
        Decision a = l.check("10.0.0.1", null);
        Decision b = l.check("10.0.0.1", null);
        assertThat(a.allowed()).isTrue();
        assertThat(b.allowed()).isTrue();
        Decision refused = l.check("10.0.0.1", null);
        assertThat(refused.limitName()).isEqualTo("per_ip concurrent");
        assertThat(refused.limitValue()).isEqualTo(2);
        assertThat(refused.retryAfterSeconds()).isEqualTo(1);
        assertThat(refused.resetSeconds()).isEqualTo(1);

        a.permit().release();
        a.permit().release();
        a.permit().release();
        assertThat(l.check("10.0.0.1", null).allowed()).as("one slot back").isTrue();
        assertThat(l.check("10.0.0.1", null).allowed()).as("released three times, given back once").isFalse();
    }

    @Test
    void aLaterRefusalGivesBackWhatEarlierLimitsTook() {
        Limiter l = new Limiter(limits(new RateLimit(0, 0, 1), new RateLimit(5, 5, 1), KeyLimits.OFF), clock);
        ApiKey alice = TestKeys.key("alice", new KeyLimits(1, 1, 1, 0));
        Decision first = l.check("10.0.0.1", null);
        assertThat(first.allowed()).isTrue();

        Decision refused = l.check("10.0.0.2", alice);
        assertThat(refused.limitName()).isEqualTo("global concurrent");

        first.permit().release();
        Decision again = l.check("10.0.0.2", alice);
        assertThat(again.allowed()).as("alice's slot and request, and the address's, were given back").isTrue();
        assertThat(again.limit()).isEqualTo(Limit.PER_KEY_RPS);
        assertThat(again.remaining()).isZero();
    }

    @Test
    void tokensPerMinuteAreChargedAtTheEndAndRefuseWhileTheBucketIsEmpty() {
        Limiter l = limiter(RateLimit.OFF, RateLimit.OFF);
        ApiKey alice = TestKeys.key("alice", new KeyLimits(0, 0, 0, 1200));
        Decision a = l.check("10.0.0.1", alice);
        Decision b = l.check("10.0.0.1", alice);
        assertThat(b.allowed()).as("nothing charged yet").isTrue();
        a.permit().charge(700, 400);
        a.permit().release();
        assertThat(l.check("10.0.0.1", alice).allowed()).as("100 tokens left").isTrue();
        b.permit().charge(150, 150);
        b.permit().release();

        Decision refused = l.check("10.0.0.1", alice);
        assertThat(refused.limitName()).isEqualTo("key alice tokens_per_minute");
        assertThat(refused.limitValue()).isEqualTo(1200);
        assertThat(refused.remaining()).isZero();
        assertThat(refused.retryAfterSeconds()).as("200 tokens of debt at 20/s: 10 s, and a hair (empty is not positive)")
                .isEqualTo(11);
        assertThat(refused.resetSeconds()).as("1400 tokens to refill at 20/s").isEqualTo(70);
        assertThat(l.counters().refused(Limit.PER_KEY_TOKENS)).isEqualTo(1);

        clock.advanceMillis(9_999);
        assertThat(l.check("10.0.0.1", alice).allowed()).isFalse();
        clock.advanceMillis(2);
        assertThat(l.check("10.0.0.1", alice).allowed()).isTrue();
    }

    @Test
    void anotherKeysTokensAreItsOwn() {
        Limiter l = new Limiter(limits(RateLimit.OFF, RateLimit.OFF, KeyLimits.OFF), clock);
        ApiKey alice = TestKeys.key("alice", new KeyLimits(0, 0, 0, 100));
        ApiKey bob = TestKeys.key("bob", new KeyLimits(0, 0, 0, 100));
        Decision a = l.check(null, alice);
        a.permit().charge(1000, 0);
        assertThat(l.check(null, alice).allowed()).isFalse();
        assertThat(l.check(null, bob).allowed()).isTrue();
        l.charge(bob, 500);
        assertThat(l.check(null, bob).limitName()).isEqualTo("key bob tokens_per_minute");
    }

    @Test
    void tokensChargedAfterTheReleaseAndASweepStillCount() {
        Limiter l = limiter(RateLimit.OFF, RateLimit.OFF);
        ApiKey alice = TestKeys.key("alice", new KeyLimits(0, 0, 0, 100));
        Decision d = l.check(null, alice);
        d.permit().release();
        assertThat(l.sweep()).as("nothing in flight, the bucket full: the key's state goes").isEqualTo(1);
        d.permit().charge(150, 0);
        assertThat(l.check(null, alice).limitName()).isEqualTo("key alice tokens_per_minute");
    }

    @Test
    void aKeyWhoseLimitsChangedStartsAfresh() {
        Limiter l = limiter(RateLimit.OFF, RateLimit.OFF);
        ApiKey before = TestKeys.key("alice", new KeyLimits(1, 1, 0, 0));
        assertThat(l.check(null, before).allowed()).isTrue();
        assertThat(l.check(null, before).allowed()).isFalse();
        ApiKey after = TestKeys.key("alice", new KeyLimits(1, 5, 0, 0));
        assertThat(l.check(null, after).allowed()).isTrue();
        assertThat(l.check(null, after).remaining()).isEqualTo(3);
    }

    @Test
    void refusalsAreCountedByLimit() {
        Limiter l = new Limiter(limits(new RateLimit(0, 0, 1), new RateLimit(1, 1, 0), KeyLimits.OFF), clock);
        l.check("10.0.0.1", null);
        l.check("10.0.0.1", null);
        l.check("10.0.0.2", null);
        l.check("10.0.0.3", null);
        assertThat(l.counters().refused(Limit.PER_IP_RPS)).isEqualTo(1);
        assertThat(l.counters().refused(Limit.GLOBAL_CONCURRENT)).isEqualTo(2);
        assertThat(l.counters().byLabel()).containsEntry("per_ip_rps", 1L).containsEntry("global_concurrent", 2L)
                .containsEntry("global_rps", 0L).containsEntry(LimitCounters.UNAVAILABLE_LABEL, 0L).hasSize(8);
    }

    @Test
    void idleAddressesAreSweptAndBusyOnesKept() {
        Limiter l = limiter(RateLimit.OFF, new RateLimit(10, 0, 2));
        List<Decision> held = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            Decision d = l.check("10.1." + (i / 256) + "." + (i % 256), null);
            if (i < 10) {
                held.add(d);
            } else {
                d.permit().release();
            }
        }
        assertThat(l.trackedAddresses()).isEqualTo(1000);
        assertThat(l.sweep()).as("buckets not yet refilled").isZero();
        clock.advanceMillis(100);
        assertThat(l.sweep()).isEqualTo(990);
        assertThat(l.trackedAddresses()).isEqualTo(10);
        held.forEach(d -> d.permit().release());
        assertThat(l.sweep()).isEqualTo(10);
        assertThat(l.trackedAddresses()).isZero();
    }

    @Test
    void pastTheCapNewAddressesShareOneOverflowState() {
        Limiter l = new Limiter(limits(RateLimit.OFF, new RateLimit(0, 0, 1), KeyLimits.OFF), clock,
                new LimitCounters(), 3);
        for (int i = 1; i <= 3; i++) {
            assertThat(l.check("10.0.0." + i, null).allowed()).isTrue();
        }
        assertThat(l.check("10.0.0.4", null).allowed()).as("overflow state: first comer").isTrue();
        assertThat(l.check("10.0.0.5", null).allowed()).as("the same overflow state, cap 1").isFalse();
        assertThat(l.trackedAddresses()).isEqualTo(3);
        assertThat(l.overflowedChecks()).isEqualTo(2);
        assertThat(l.check("10.0.0.1", null).limitName()).as("tracked addresses keep their own").isEqualTo(
                "per_ip concurrent");
    }

    @Test
    void aFullMapSweepsItselfBeforeOverflowing() {
        Limiter l = new Limiter(limits(RateLimit.OFF, new RateLimit(100, 1, 0), KeyLimits.OFF), clock,
                new LimitCounters(), 3);
        for (int i = 1; i <= 3; i++) {
            l.check("10.0.0." + i, null);
        }
        clock.advanceMillis(10);
        assertThat(l.check("10.0.0.4", null).allowed()).isTrue();
        assertThat(l.overflowedChecks()).isZero();
        assertThat(l.trackedAddresses()).isEqualTo(1);
    }

    @Test
    void concurrentChecksAndSweepsNeverExceedACapNorLoseASlot() throws Exception {
        int cap = 3;
        int addresses = 4;
        Limiter l = new Limiter(limits(new RateLimit(0, 0, 50), new RateLimit(0, 0, cap), KeyLimits.OFF), clock);
        AtomicIntegerArray inFlight = new AtomicIntegerArray(addresses);
        AtomicInteger over = new AtomicInteger();
        AtomicInteger allowed = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        Thread sweeper = new Thread(() -> {
            while (!stop.get()) {
                l.sweep();
            }
        });
        sweeper.start();
        Thread[] workers = new Thread[4];
        for (int w = 0; w < workers.length; w++) {
            int seed = w;
            workers[w] = new Thread(() -> {
                for (int i = 0; i < 50_000; i++) {
                    int a = (i + seed) % addresses;
                    Decision d = l.check("10.0.0." + a, null);
                    if (d.allowed()) {
                        allowed.incrementAndGet();
                        if (inFlight.incrementAndGet(a) > cap) {
                            over.incrementAndGet();
                        }
                        inFlight.decrementAndGet(a);
                        d.permit().release();
                    }
                }
            });
            workers[w].start();
        }
        for (Thread w : workers) {
            w.join();
        }
        stop.set(true);
        sweeper.join();
        assertThat(over.get()).as("never more than the cap in flight per address").isZero();
        assertThat(allowed.get()).isPositive();
        l.sweep();
        assertThat(l.trackedAddresses()).as("every slot came back: every state idle").isZero();
        for (int a = 0; a < addresses; a++) {
            for (int i = 0; i < cap; i++) {
                assertThat(l.check("10.0.0." + a, null).allowed()).isTrue();
            }
        }
    }
}
