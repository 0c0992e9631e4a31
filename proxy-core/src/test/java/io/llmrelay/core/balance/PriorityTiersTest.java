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

class PriorityTiersTest {

    private final Node low = Node.of("low", 50, 1, 0);
    private final Node top1 = Node.capped("top-1", 1);
    private final Node top2 = Node.capped("top-2", 1);
    private final Node mid = Node.of("mid", 80, 1, 0);
    // config order is not priority order: the tiers come from the numbers
    private final BackendGroup<Node> g = group(Strategy.PRIORITY, low, top1, mid, top2);

    @Test
    void theTopTierTakesEverythingInTurn() {
        assertThat(sequence(g, 4)).containsExactly("top-1", "top-2", "top-1", "top-2");
        assertThat(tally(g, 20, NONE_EXCLUDED)).containsExactlyInAnyOrderEntriesOf(Map.of("top-1", 10, "top-2", 10));
    }

    @Test
    void theNextTierOnlyWhenTheWholeTopTierIsExcluded() {
        assertThat(tally(g, 10, excluding(top1))).containsExactlyInAnyOrderEntriesOf(Map.of("top-2", 10));
        assertThat(tally(g, 10, excluding(top1, top2))).containsExactlyInAnyOrderEntriesOf(Map.of("mid", 10));
        assertThat(tally(g, 10, excluding(top1, top2, mid))).containsExactlyInAnyOrderEntriesOf(Map.of("low", 10));
    }

    @Test
    void theNextTierOnlyWhenTheWholeTopTierIsAtItsCap() {
        assertThat(hold(g)).isSameAs(top1);
        assertThat(hold(g)).isSameAs(top2);
        assertThat(tally(g, 10, NONE_EXCLUDED)).containsExactlyInAnyOrderEntriesOf(Map.of("mid", 10));

        top2.stats().release();

        assertThat(tally(g, 10, NONE_EXCLUDED)).containsExactlyInAnyOrderEntriesOf(Map.of("top-2", 10));
    }

    @Test
    void excludedAndCappedTogetherAlsoOpenTheNextTier() {
        assertThat(hold(g)).isSameAs(top1);
        assertThat(tally(g, 5, excluding(top2))).containsExactlyInAnyOrderEntriesOf(Map.of("mid", 5));
    }
}
