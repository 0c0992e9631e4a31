package io.llmrelay.core.balance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmrelay.core.config.RoutingConfig;
import io.llmrelay.core.config.RoutingConfig.Sticky;
import io.llmrelay.core.config.RoutingConfig.Strategy;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackendGroupTest {

    @Test
    void aGroupNeedsMembersWithDistinctNames() {
        RoutingConfig routing = RoutingConfig.defaults();
        assertThatThrownBy(() -> BackendGroup.of(List.<Node>of(), routing))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one backend");
        assertThatThrownBy(() -> BackendGroup.of(List.of(Node.of("gpu-1"), Node.of("gpu-1")), routing))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'gpu-1' is listed twice");
    }

    @Test
    void aGroupShowsItsMembersInConfigOrder() {
        Node low = Node.of("low", 1, 1, 0);
        Node high = Node.of("high", 500, 1, 0);
        BackendGroup<Node> g = BackendGroup.of(List.of(low, high), new RoutingConfig(Strategy.PRIORITY, Sticky.OFF));
        assertThat(g.members()).containsExactly(low, high);
        assertThat(g).hasToString("priority [low, high]");
        assertThat(g.select(GroupFixtures.NONE_EXCLUDED)).hasToString("CHOSEN high");
    }
}
