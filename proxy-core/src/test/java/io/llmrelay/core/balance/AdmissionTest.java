package io.llmrelay.core.balance;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrelay.core.config.RoutingConfig;
import io.llmrelay.core.config.RoutingConfig.Sticky;
import io.llmrelay.core.config.RoutingConfig.Strategy;
import java.util.List;
import java.util.Random;
import java.util.function.Predicate;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@link Balanced#admit()}: asked once per choice, after the slot is taken; a refusal passes the member over. */
class AdmissionTest {

    private static final Predicate<Gated> NONE = g -> false;

    private static BackendGroup<Gated> group(Strategy strategy, Sticky sticky, Gated... members) {
        Random random = new Random(1);
        return new BackendGroup<>(List.of(members), new RoutingConfig(strategy, sticky), random::nextInt);
    }

    @ParameterizedTest
    @EnumSource(Strategy.class)
    void aMemberThatDoesNotAdmitIsPassedOverAndItsSlotGivenBack(Strategy strategy) {
        Gated refusing = Gated.of("refusing");
        refusing.admits = false;
        Gated other = Gated.of("other");
        BackendGroup<Gated> g = group(strategy, Sticky.OFF, refusing, other);
        for (int i = 0; i < 50; i++) {
            Selection<Gated> s = g.select(NONE);
            assertThat(s.member()).isSameAs(other);
            other.stats().release();
            assertThat(refusing.stats().inFlight()).isZero();
        }
        assertThat(refusing.admitted).as("asked only when chosen").isBetween(1, 50);
    }

    @ParameterizedTest
    @EnumSource(Strategy.class)
    void whenNoMemberAdmitsNoneIsEligible(Strategy strategy) {
        Gated a = Gated.of("a");
        Gated b = Gated.of("b");
        a.admits = false;
        b.admits = false;
        Selection<Gated> s = group(strategy, Sticky.OFF, a, b).select(NONE);
        assertThat(s.result()).isEqualTo(Selection.Result.NONE_ELIGIBLE);
        assertThat(a.admitted).isEqualTo(1);
        assertThat(b.admitted).isEqualTo(1);
        assertThat(a.stats().inFlight() + b.stats().inFlight()).isZero();
    }

    @ParameterizedTest
    @EnumSource(value = Sticky.class, names = {"HEADER", "PREFIX"})
    void aPinnedMemberThatDoesNotAdmitHandsTheRequestToTheStrategy(Sticky sticky) {
        Gated a = Gated.of("a");
        Gated b = Gated.of("b");
        BackendGroup<Gated> g = group(Strategy.ROUND_ROBIN, sticky, a, b);
        Gated pin = g.select(12345L, NONE).member();
        pin.stats().release();
        pin.admits = false;
        Selection<Gated> s = g.select(12345L, NONE);
        assertThat(s.member()).isNotSameAs(pin);
        assertThat(s.pinned()).isFalse();
        s.member().stats().release();
        assertThat(pin.stats().inFlight()).isZero();
    }

    @ParameterizedTest
    @EnumSource(Strategy.class)
    void aMemberPassedOverBySlowStartButNotAdmittingIsNotTheLastResort(Strategy strategy) {
        Gated ramping = Gated.of("ramping").share(0.000001);
        ramping.admits = false;
        Gated capped = new Gated("capped", 100, 1, 1);
        assertThat(capped.stats().tryAcquire(1)).isTrue();
        Selection<Gated> s = group(strategy, Sticky.OFF, capped, ramping).select(NONE);
        assertThat(s.result()).isEqualTo(Selection.Result.AT_CAPACITY);
        assertThat(ramping.stats().inFlight()).isZero();
    }
}
