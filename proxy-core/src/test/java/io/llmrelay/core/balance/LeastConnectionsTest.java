package io.llmrelay.core.balance;

import static io.llmrelay.core.balance.GroupFixtures.NONE_EXCLUDED;
import static io.llmrelay.core.balance.GroupFixtures.excluding;
import static io.llmrelay.core.balance.GroupFixtures.group;
import static io.llmrelay.core.balance.GroupFixtures.hold;
import static io.llmrelay.core.balance.GroupFixtures.sequence;
import static io.llmrelay.core.balance.GroupFixtures.tally;
import static org.assertj.core.api.Assertions.assertThat;

import io.llmrelay.core.config.RoutingConfig.Strategy;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LeastConnectionsTest {

    @Test
    void theMemberWithFewestHeldSlotsIsChosen() {
        Node a = Node.of("a");
        Node b = Node.of("b");
        Node c = Node.of("c");
        BackendGroup<Node> g = group(Strategy.LEAST_CONNECTIONS, a, b, c);
        // three streams held, one each; then a fourth and fifth
        assertThat(List.of(hold(g), hold(g), hold(g))).containsExactly(a, b, c);
        b.stats().release();
        c.stats().release();
        assertThat(hold(g)).isSameAs(b); // b and c idle: b waited longer
        assertThat(hold(g)).isSameAs(c);
        a.stats().release();
        assertThat(tally(g, 5, NONE_EXCLUDED)).containsExactlyInAnyOrderEntriesOf(Map.of("a", 5));
        assertThat(a.stats().inFlight()).isZero();
        assertThat(b.stats().inFlight()).isOne();
    }

    @Test
    void idleMembersTakeTurns() {
        BackendGroup<Node> g = group(Strategy.LEAST_CONNECTIONS, Node.of("a"), Node.of("b"), Node.of("c"));
        assertThat(sequence(g, 6)).containsExactly("a", "b", "c", "a", "b", "c");
    }

    @Test
    void turnsStayEvenWhenOneIsExcluded() {
        Node b = Node.of("b");
        BackendGroup<Node> g = group(Strategy.LEAST_CONNECTIONS, Node.of("a"), b, Node.of("c"));
        assertThat(tally(g, 100, excluding(b))).containsExactlyInAnyOrderEntriesOf(Map.of("a", 50, "c", 50));
    }

    @Test
    void theLeastLoadedMemberAtItsCapIsPassedOver() {
        Node a = Node.capped("a", 1);
        Node b = Node.of("b");
        BackendGroup<Node> g = group(Strategy.LEAST_CONNECTIONS, a, b);
        assertThat(List.of(hold(g), hold(g), hold(g))).containsExactly(a, b, b);
    }
}
