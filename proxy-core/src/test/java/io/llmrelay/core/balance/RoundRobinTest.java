package io.llmrelay.core.balance;

import static io.llmrelay.core.balance.GroupFixtures.NONE_EXCLUDED;
import static io.llmrelay.core.balance.GroupFixtures.excluding;
import static io.llmrelay.core.balance.GroupFixtures.group;
import static io.llmrelay.core.balance.GroupFixtures.hold;
import static io.llmrelay.core.balance.GroupFixtures.sequence;
import static io.llmrelay.core.balance.GroupFixtures.tally;
import static org.assertj.core.api.Assertions.assertThat;

import io.llmrelay.core.config.RoutingConfig.Strategy;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoundRobinTest {

    @Test
    void twoMembersShareTwentyRequestsTenAndTen() {
        BackendGroup<Node> g = group(Strategy.ROUND_ROBIN, Node.of("a"), Node.of("b"));
        assertThat(sequence(g, 4)).containsExactly("a", "b", "a", "b");
        assertThat(tally(g, 20, NONE_EXCLUDED)).containsExactlyInAnyOrderEntriesOf(Map.of("a", 10, "b", 10));
    }

    @Test
    void anExcludedMembersTurnsAreSpreadOverTheOthersNotGivenToItsNeighbour() {
        Node b = Node.of("b");
        BackendGroup<Node> g = group(Strategy.ROUND_ROBIN, Node.of("a"), b, Node.of("c"));
        assertThat(tally(g, 600, excluding(b))).containsExactlyInAnyOrderEntriesOf(Map.of("a", 300, "c", 300));
    }

    @Test
    void aMemberAtItsCapIsPassedOver() {
        Node a = Node.capped("a", 1);
        BackendGroup<Node> g = group(Strategy.ROUND_ROBIN, a, Node.of("b"));
        assertThat(hold(g)).isSameAs(a);
        assertThat(tally(g, 10, NONE_EXCLUDED)).containsExactlyInAnyOrderEntriesOf(Map.of("b", 10));
    }
}
