package io.llmrelay.core.balance;

import static io.llmrelay.core.balance.GroupFixtures.NONE_EXCLUDED;
import static io.llmrelay.core.balance.GroupFixtures.excluding;
import static io.llmrelay.core.balance.GroupFixtures.group;
import static io.llmrelay.core.balance.GroupFixtures.sequence;
import static io.llmrelay.core.balance.GroupFixtures.tally;
import static org.assertj.core.api.Assertions.assertThat;

import io.llmrelay.core.config.RoutingConfig.Strategy;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SmoothWeightedTest {

    @Test
    void threeToOneOverFourHundredIsThreeHundredToOneHundred() {
        BackendGroup<Node> g = group(Strategy.WEIGHTED, Node.of("a", 100, 3, 0), Node.of("b", 100, 1, 0));
        Map<String, Integer> counts = tally(g, 400, NONE_EXCLUDED);
        assertThat(counts.get("a")).isBetween(291, 309);
        assertThat(counts.get("b")).isBetween(91, 109);
        assertThat(counts.get("a") + counts.get("b")).isEqualTo(400);
    }

    @Test
    void theHeavyMemberIsInterleavedNotChosenInARow() {
        BackendGroup<Node> g = group(Strategy.WEIGHTED, Node.of("a", 100, 5, 0), Node.of("b", 100, 1, 0),
                Node.of("c", 100, 1, 0));
        assertThat(sequence(g, 7)).containsExactly("a", "a", "b", "a", "c", "a", "a");
    }

    @Test
    void excludedMembersSitOutAndTheRestShareByWeight() {
        Node a = Node.of("a", 100, 4, 0);
        BackendGroup<Node> g = group(Strategy.WEIGHTED, a, Node.of("b", 100, 2, 0), Node.of("c", 100, 1, 0));
        assertThat(tally(g, 300, excluding(a))).containsExactlyInAnyOrderEntriesOf(Map.of("b", 200, "c", 100));
    }
}
