package io.llmrelay.core.balance;

import static io.llmrelay.core.balance.GroupFixtures.NONE_EXCLUDED;
import static io.llmrelay.core.balance.GroupFixtures.excluding;
import static io.llmrelay.core.balance.GroupFixtures.group;
import static io.llmrelay.core.balance.GroupFixtures.sequence;
import static org.assertj.core.api.Assertions.assertThat;

import io.llmrelay.core.config.RoutingConfig;
import io.llmrelay.core.config.RoutingConfig.Sticky;
import io.llmrelay.core.config.RoutingConfig.Strategy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class StickyPinTest {

    private final Node a = Node.of("a");
    private final Node b = Node.capped("b", 1);
    private final Node c = Node.of("c");

    private BackendGroup<Node> sticky(Strategy strategy, Node... members) {
        return BackendGroup.of(List.of(members), new RoutingConfig(strategy, Sticky.HEADER));
    }

    private Node pinOf(BackendGroup<Node> g, long key, Predicate<Node> excluded) {
        Selection<Node> s = g.select(key, excluded);
        s.member().stats().release();
        return s.member();
    }

    @Test
    void aKeyStaysWithItsMemberAndKeysSpreadOverAll() {
        BackendGroup<Node> g = sticky(Strategy.ROUND_ROBIN, a, b, c);
        Map<String, Integer> pins = new HashMap<>();
        for (int k = 0; k < 300; k++) {
            long key = StickyKeys.header("session-" + k);
            Node first = pinOf(g, key, NONE_EXCLUDED);
            for (int again = 0; again < 5; again++) {
                Selection<Node> s = g.select(key, NONE_EXCLUDED);
                assertThat(s.member()).isSameAs(first);
                assertThat(s.pinned()).isTrue();
                s.member().stats().release();
            }
            pins.merge(first.name(), 1, Integer::sum);
        }
        assertThat(pins).containsOnlyKeys("a", "b", "c");
        assertThat(pins.values()).allSatisfy(n -> assertThat(n).isBetween(60, 140));
    }

    @Test
    void anExcludedPinMovesToTheSameRunnerUpEveryTimeAndComesBack() {
        BackendGroup<Node> g = sticky(Strategy.ROUND_ROBIN, a, b, c);
        long key = keyPinnedTo(g, a);
        Node runnerUp = pinOf(g, key, excluding(a));
        for (int i = 0; i < 10; i++) {
            assertThat(pinOf(g, key, excluding(a))).isSameAs(runnerUp);
        }
        assertThat(pinOf(g, key, NONE_EXCLUDED)).isSameAs(a);
    }

    @Test
    void aPinAtItsCapFallsBackToTheStrategyForThatRequest() {
        BackendGroup<Node> g = sticky(Strategy.ROUND_ROBIN, a, b, c);
        long key = keyPinnedTo(g, b);
        Node held = g.select(key, NONE_EXCLUDED).member();
        assertThat(held).isSameAs(b);

        Selection<Node> s = g.select(key, NONE_EXCLUDED);
        assertThat(s.member()).isIn(a, c);
        assertThat(s.pinned()).isFalse();
        s.member().stats().release();

        b.stats().release();
        assertThat(pinOf(g, key, NONE_EXCLUDED)).isSameAs(b);
    }

    @Test
    void pinsSurviveMembersComingAndGoing() {
        Node d = Node.of("d");
        BackendGroup<Node> three = sticky(Strategy.LEAST_CONNECTIONS, a, b, c);
        BackendGroup<Node> four = sticky(Strategy.LEAST_CONNECTIONS, a, b, c, d);
        BackendGroup<Node> withoutB = sticky(Strategy.LEAST_CONNECTIONS, a, c);
        int movedToD = 0;
        for (int k = 0; k < 400; k++) {
            long key = StickyKeys.header("s" + k);
            Node before = pinOf(three, key, NONE_EXCLUDED);
            Node added = pinOf(four, key, NONE_EXCLUDED);
            assertThat(added).isIn(before, d); // a new member takes keys only for itself
            movedToD += added == d ? 1 : 0;
            if (before != b) {
                assertThat(pinOf(withoutB, key, NONE_EXCLUDED)).isSameAs(before); // only b's keys move
            }
        }
        assertThat(movedToD).isBetween(60, 140); // about a quarter
    }

    @Test
    void underPriorityAPinStaysInTheTopTier() {
        Node top1 = Node.of("top-1", 200, 1, 0);
        Node top2 = Node.of("top-2", 200, 1, 0);
        Node low = Node.of("low", 100, 1, 0);
        BackendGroup<Node> g = sticky(Strategy.PRIORITY, low, top1, top2);
        for (int k = 0; k < 100; k++) {
            assertThat(pinOf(g, StickyKeys.header("s" + k), NONE_EXCLUDED)).isIn(top1, top2);
        }
        assertThat(pinOf(g, StickyKeys.header("s1"), excluding(top1, top2))).isSameAs(low);
    }

    @Test
    void everyMemberExcludedIsNoneEligibleWithAKeyToo() {
        BackendGroup<Node> g = sticky(Strategy.ROUND_ROBIN, a, c);
        assertThat(g.select(StickyKeys.header("s"), excluding(a, c)).result())
                .isEqualTo(Selection.Result.NONE_ELIGIBLE);
    }

    @Test
    void noKeyOrStickyOffMeansTheStrategyChooses() {
        BackendGroup<Node> off = group(Strategy.ROUND_ROBIN, a, c);
        long key = StickyKeys.header("s");
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Selection<Node> s = off.select(key, NONE_EXCLUDED);
            assertThat(s.pinned()).isFalse();
            s.member().stats().release();
            names.add(s.member().name());
        }
        assertThat(names).containsExactly("a", "c", "a", "c");

        BackendGroup<Node> on = sticky(Strategy.ROUND_ROBIN, a, c);
        assertThat(sequence(on, 4)).containsExactly("a", "c", "a", "c");
    }

    private long keyPinnedTo(BackendGroup<Node> g, Node wanted) {
        for (int k = 0; ; k++) {
            long key = StickyKeys.header("find-" + k);
            if (pinOf(g, key, NONE_EXCLUDED) == wanted) {
                return key;
            }
        }
    }
}
