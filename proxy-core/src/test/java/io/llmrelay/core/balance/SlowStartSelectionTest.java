package io.llmrelay.core.balance;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrelay.core.config.RoutingConfig;
import io.llmrelay.core.config.RoutingConfig.Sticky;
import io.llmrelay.core.config.RoutingConfig.Strategy;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Slow start as {@link BackendGroup#select} applies it: a member whose {@link Balanced#share()} is
 * below 1 gets about that share of a full member's requests, under every strategy, and never causes
 * a refusal. Seeded randomness; the counts are checked against what the share predicts.
 */
class SlowStartSelectionTest {

    private static final Predicate<Gated> NONE = g -> false;
    private static final int SELECTIONS = 40_000;

    private static BackendGroup<Gated> group(Strategy strategy, Sticky sticky, long seed, Gated... members) {
        Random random = new Random(seed);
        return new BackendGroup<>(List.of(members), new RoutingConfig(strategy, sticky), random::nextInt);
    }

    /** Selects {@code times} times, each slot released at once; counts by member. */
    private static Map<String, Integer> tally(BackendGroup<Gated> g, int times) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < times; i++) {
            Gated chosen = g.select(NONE).member();
            chosen.stats().release();
            counts.merge(chosen.name(), 1, Integer::sum);
        }
        return counts;
    }

    @ParameterizedTest
    @EnumSource(Strategy.class)
    void aMemberAtATenthShareGetsATenthOfAFullMembersRequests(Strategy strategy) {
        Gated ramping = Gated.of("ramping").share(0.1);
        Gated[] members = {Gated.of("a"), ramping, Gated.of("b"), Gated.of("c")};
        for (Gated m : members) {
            m.stats().recordFirstByte(50_000_000); // latency: equal averages, so the draw of two decides
        }
        Map<String, Integer> counts = tally(group(strategy, Sticky.OFF, 42, members), SELECTIONS);

        double full = (counts.get("a") + counts.get("b") + counts.get("c")) / 3.0;
        assertThat(counts.get("ramping") / full).as("%s: %s", strategy, counts).isBetween(0.08, 0.12);
        assertThat(counts.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(SELECTIONS);
        for (Gated m : members) {
            assertThat(m.stats().inFlight()).as("every slot taken for a refused member was given back").isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(value = Strategy.class, names = {"LEAST_CONNECTIONS", "LATENCY"})
    void underLoadTheLoadAwareStrategiesDoNotMakeUpForTheTurnsItLoses(Strategy strategy) {
        Gated ramping = Gated.of("ramping").share(0.1);
        Gated[] members = {Gated.of("a"), ramping, Gated.of("b"), Gated.of("c")};
        for (Gated m : members) {
            m.stats().recordFirstByte(50_000_000);
        }
        BackendGroup<Gated> g = group(strategy, Sticky.OFF, 7, members);
        // a closed loop: 40 requests in flight, each held for the next 40 selections
        ArrayDeque<Gated> inFlight = new ArrayDeque<>();
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < SELECTIONS; i++) {
            if (inFlight.size() == 40) {
                inFlight.removeFirst().stats().release();
            }
            Gated chosen = g.select(NONE).member();
            inFlight.addLast(chosen);
            counts.merge(chosen.name(), 1, Integer::sum);
        }
        double full = (counts.get("a") + counts.get("b") + counts.get("c")) / 3.0;
        // inFlight / share as its load: it holds about a tenth of a full member's requests
        assertThat(counts.get("ramping") / full).as("%s: %s", strategy, counts).isBetween(0.05, 0.2);
    }

    @Test
    void theShareGrowsAsTheRampGoesOn() {
        Gated ramping = Gated.of("ramping");
        BackendGroup<Gated> g = group(Strategy.ROUND_ROBIN, Sticky.OFF, 3, Gated.of("a"), ramping);
        double[] shares = {0.1, 0.4, 0.7, 1.0};
        double[] ratios = new double[shares.length];
        for (int k = 0; k < shares.length; k++) {
            ramping.share = shares[k];
            Map<String, Integer> counts = tally(g, 20_000);
            ratios[k] = counts.get("ramping") / (double) counts.get("a");
        }
        for (int k = 0; k < shares.length; k++) {
            assertThat(ratios[k]).as("share %.1f", shares[k]).isCloseTo(shares[k], org.assertj.core.api.Assertions.within(0.03));
        }
    }

    @Test
    void anOnlyMemberIsNeverRefused() {
        Gated only = Gated.of("only").share(0.1);
        BackendGroup<Gated> g = group(Strategy.LEAST_CONNECTIONS, Sticky.OFF, 1, only);
        assertThat(tally(g, 1000)).containsExactlyEntriesOf(Map.of("only", 1000));
    }

    @ParameterizedTest
    @EnumSource(Strategy.class)
    void whenTheOthersAreAtTheirCapTheRampingMemberServes(Strategy strategy) {
        Gated capped = new Gated("capped", 100, 1, 1);
        Gated ramping = Gated.of("ramping").share(0.1);
        BackendGroup<Gated> g = group(strategy, Sticky.OFF, 5, capped, ramping);
        assertThat(capped.stats().tryAcquire(1)).isTrue(); // its one slot is taken
        assertThat(tally(g, 200)).containsExactlyEntriesOf(Map.of("ramping", 200));
        capped.stats().release();
    }

    @Test
    void whenTheOthersAreExcludedTheRampingMemberServes() {
        Gated other = Gated.of("other");
        Gated ramping = Gated.of("ramping").share(0.1);
        BackendGroup<Gated> g = group(Strategy.ROUND_ROBIN, Sticky.OFF, 5, other, ramping);
        for (int i = 0; i < 100; i++) {
            Selection<Gated> s = g.select(m -> m == other);
            assertThat(s.member()).isSameAs(ramping);
            ramping.stats().release();
        }
    }

    @Test
    void aRampingMembersStickyConversationsComeBackAGrowingShareAtATimeEachForGood() {
        Gated a = Gated.of("a");
        Gated b = Gated.of("b");
        BackendGroup<Gated> g = group(Strategy.ROUND_ROBIN, Sticky.HEADER, 9, a, b);
        Map<Long, Gated> pins = new HashMap<>();
        for (long key = 1; key <= 4000; key++) {
            Gated pin = g.select(key, NONE).member();
            pin.stats().release();
            pins.put(key, pin);
        }
        long pinnedToB = pins.values().stream().filter(p -> p == b).count();
        assertThat(pinnedToB).isBetween(1800L, 2200L);

        b.share = 0.3;
        int stayed = 0;
        for (Map.Entry<Long, Gated> e : pins.entrySet()) {
            if (e.getValue() != b) {
                continue;
            }
            Gated first = g.select(e.getKey(), NONE).member();
            first.stats().release();
            for (int again = 0; again < 3; again++) {
                Gated next = g.select(e.getKey(), NONE).member();
                next.stats().release();
                assertThat(next).as("a conversation does not flip between members").isSameAs(first);
            }
            stayed += first == b ? 1 : 0;
        }
        assertThat(stayed / (double) pinnedToB).isBetween(0.25, 0.35);

        b.share = 0.6; // those that came back stay; more join them
        for (Map.Entry<Long, Gated> e : pins.entrySet()) {
            if (e.getValue() == b) {
                Gated now = g.select(e.getKey(), NONE).member();
                now.stats().release();
            }
        }
        int stayedAt60 = 0;
        for (Map.Entry<Long, Gated> e : pins.entrySet()) {
            if (e.getValue() == b) {
                Gated now = g.select(e.getKey(), NONE).member();
                now.stats().release();
                stayedAt60 += now == b ? 1 : 0;
            }
        }
        assertThat(stayedAt60 / (double) pinnedToB).isBetween(0.55, 0.65);
    }
}
