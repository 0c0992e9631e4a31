package io.llmrelay.core.resilience;

import io.llmrelay.testing.FakeClock;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrelay.core.balance.AttemptOutcome;
import io.llmrelay.core.balance.BackendGroup;
import io.llmrelay.core.balance.BackendStats;
import io.llmrelay.core.balance.Balanced;
import io.llmrelay.core.config.BackendOptions;
import io.llmrelay.core.config.ResilienceConfig;
import io.llmrelay.core.config.RoutingConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Predicate;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The pieces wired as the server wires them: backends whose {@code share()} and {@code admit()} are
 * their {@link BackendResilience}'s, a {@link GroupHealth} as the selection's filter, outcomes fed
 * back. One backend is ejected; when its ejection ends it ramps up over the slow-start window.
 */
class SlowStartRoutingTest {

    private static final Duration WINDOW = Duration.ofSeconds(10);

    /** A backend as the server's would be. */
    record Backend(String name, BackendOptions options, BackendStats stats, BackendResilience resilience) implements Balanced {
        @Override
        public double share() {
            return resilience.share();
        }

        @Override
        public boolean admit() {
            return resilience.admit();
        }
    }

    @ParameterizedTest
    @EnumSource(RoutingConfig.Strategy.class)
    void aBackendBackFromEjectionRampsFromATenthToItsWholeShare(RoutingConfig.Strategy strategy) {
        FakeClock clock = new FakeClock();
        ResilienceConfig d = ResilienceConfig.defaults();
        ResilienceConfig config = new ResilienceConfig(
                new ResilienceConfig.Health(null, null, 2, 1, WINDOW, ResilienceConfig.Ready.EVERY_MODEL), d.breaker(),
                new ResilienceConfig.Outlier(3, Duration.ofSeconds(5), Duration.ofSeconds(30), 50), d.retry());
        FleetResilience fleet = new FleetResilience(config, clock.clocks(), ResilienceEvents.NONE);
        List<Backend> backends = new ArrayList<>();
        for (String name : List.of("a", "b", "c", "d")) {
            Backend b = new Backend(name, BackendOptions.defaults(), new BackendStats(clock), fleet.backend(name));
            b.stats().recordFirstByte(40_000_000);
            backends.add(b);
        }
        GroupHealth health = fleet.group(backends.stream().map(Backend::resilience).toList());
        Random random = new Random(2024);
        BackendGroup<Backend> group = BackendGroup.of(backends, new RoutingConfig(strategy, RoutingConfig.Sticky.OFF),
                random::nextInt);
        Predicate<Backend> unroutable = b -> !health.routable(b.resilience());
        Backend d0 = backends.get(3);

        for (int i = 0; i < 3; i++) {
            d0.resilience().record(AttemptOutcome.SERVER_ERROR);
        }
        assertThat(tally(group, unroutable, d0, 4000)).as("ejected").isZero();

        clock.advance(Duration.ofSeconds(5)); // the ejection is over; the ramp starts
        double[] expected = {0.1, 0.325, 0.55, 0.775, 1.0};
        for (double share : expected) {
            int hits = tally(group, unroutable, d0, 8000);
            double ratio = hits / ((8000 - hits) / 3.0); // against a full backend's count
            assertThat(ratio).as("%s at share %.3f", strategy, share).isBetween(share * 0.75, share * 1.25 + 0.02);
            clock.advance(WINDOW.dividedBy(4));
        }
    }

    /** Selects {@code n} times, each slot given back with an {@code OK}; how many went to {@code watched}. */
    private static int tally(BackendGroup<Backend> group, Predicate<Backend> unroutable, Backend watched, int n) {
        int hits = 0;
        for (int i = 0; i < n; i++) {
            Backend b = group.select(unroutable).member();
            b.stats().release();
            b.resilience().record(AttemptOutcome.OK);
            hits += b == watched ? 1 : 0;
        }
        return hits;
    }
}
