package io.llmrelay.core.balance;

import static io.llmrelay.core.balance.GroupFixtures.NONE_EXCLUDED;
import static io.llmrelay.core.balance.GroupFixtures.excluding;
import static io.llmrelay.core.balance.GroupFixtures.group;
import static io.llmrelay.core.balance.GroupFixtures.hold;
import static io.llmrelay.core.balance.GroupFixtures.tally;
import static org.assertj.core.api.Assertions.assertThat;

import io.llmrelay.core.config.RoutingConfig;
import io.llmrelay.core.config.RoutingConfig.Sticky;
import io.llmrelay.core.config.RoutingConfig.Strategy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class LeastLatencyTest {

    @Test
    void theMemberWithTheLowerAverageIsPreferred() {
        Node slow = Node.of("slow");
        Node fast = Node.of("fast");
        slow.stats().recordFirstByte(100_000_000);
        fast.stats().recordFirstByte(10_000_000);
        BackendGroup<Node> g = group(Strategy.LATENCY, slow, fast);
        assertThat(tally(g, 50, NONE_EXCLUDED)).containsExactlyInAnyOrderEntriesOf(Map.of("fast", 50));
    }

    @Test
    void requestsInFlightMakeAFastMemberLookSlower() {
        Node slow = Node.of("slow");
        Node fast = Node.of("fast");
        slow.stats().recordFirstByte(105_000_000);
        fast.stats().recordFirstByte(10_000_000);
        BackendGroup<Node> g = group(Strategy.LATENCY, slow, fast);
        List<Node> held = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            held.add(hold(g));
        }
        // with nine in flight fast scores 10 ms × (9 + 1) = 100 ms, still under slow's 105 ms × 1: fast
        // all ten times; then 10 ms × 11 = 110 ms: slow
        assertThat(held).containsOnly(fast);
        assertThat(hold(g)).isSameAs(slow);
    }

    @Test
    void aColdMemberIsTriedFirstThenCompetesOnInFlightUntilItsFirstSample() {
        Node warm = Node.of("warm");
        Node cold = Node.of("cold");
        warm.stats().recordFirstByte(1_000_000);
        BackendGroup<Node> g = group(Strategy.LATENCY, warm, cold);

        assertThat(hold(g)).isSameAs(cold); // its first request, to get a sample
        assertThat(hold(g)).isSameAs(warm); // cold has one in flight, warm none
        warm.stats().release();
        cold.stats().release();
        cold.stats().recordFirstByte(50_000_000);

        assertThat(tally(g, 20, NONE_EXCLUDED)).containsExactlyInAnyOrderEntriesOf(Map.of("warm", 20));
    }

    @Test
    void aMemberThatFailedBeforeItsFirstByteIsNotTriedFirstAgain() {
        Node warm = Node.of("warm");
        Node failed = Node.of("failed");
        Node fresh = Node.of("fresh");
        warm.stats().recordFirstByte(1_000_000);
        failed.stats().recordOutcome(AttemptOutcome.UNREACHABLE); // tried: no sample, nothing in flight
        BackendGroup<Node> g = group(Strategy.LATENCY, warm, failed, fresh);

        assertThat(hold(g)).isSameAs(fresh);
    }

    @Test
    void twoRandomChoicesSkipExcludedMembers() {
        Node[] nodes = new Node[6];
        for (int i = 0; i < nodes.length; i++) {
            nodes[i] = Node.of("n" + i);
            nodes[i].stats().recordFirstByte((i + 1) * 1_000_000L);
        }
        Random random = new Random(42);
        BackendGroup<Node> g = new BackendGroup<>(List.of(nodes), new RoutingConfig(Strategy.LATENCY, Sticky.OFF),
                random::nextInt);
        Predicate<Node> onlyTheSlowest = n -> n != nodes[5];
        assertThat(tally(g, 30, onlyTheSlowest)).containsExactlyInAnyOrderEntriesOf(Map.of("n5", 30));
        Map<String, Integer> counts = tally(g, 3_000, excluding(nodes[0]));
        assertThat(counts).doesNotContainKey("n0");
        // every member idle: the faster of the drawn pair wins, and a pair with the excluded n0 goes to
        // its partner. Of the 15 pairs n1 wins 5, n2 4, n3 3, n4 2 and n5 1 (only beside n0).
        assertThat(counts.get("n1")).isBetween(900, 1100);
        assertThat(counts.get("n2")).isBetween(700, 900);
        assertThat(counts.get("n3")).isBetween(500, 700);
        assertThat(counts.get("n4")).isBetween(300, 500);
        assertThat(counts.get("n5")).isBetween(130, 270);
    }
}
