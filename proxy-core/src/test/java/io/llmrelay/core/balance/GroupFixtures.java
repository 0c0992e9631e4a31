package io.llmrelay.core.balance;

import io.llmrelay.core.config.RoutingConfig;
import io.llmrelay.core.config.RoutingConfig.Sticky;
import io.llmrelay.core.config.RoutingConfig.Strategy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/** Groups of test backends and the ways the tests drive them. */
final class GroupFixtures {

    static final Predicate<Node> NONE_EXCLUDED = n -> false;

    private GroupFixtures() {}

    static BackendGroup<Node> group(Strategy strategy, Node... members) {
        return BackendGroup.of(List.of(members), new RoutingConfig(strategy, Sticky.OFF));
    }

    /** Selects {@code times} times, releasing each slot at once; counts by member name. */
    static Map<String, Integer> tally(BackendGroup<Node> g, int times, Predicate<Node> excluded) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < times; i++) {
            Node n = g.select(excluded).member();
            n.stats().release();
            counts.merge(n.name(), 1, Integer::sum);
        }
        return counts;
    }

    /** The names chosen, in order, each slot released at once. */
    static List<String> sequence(BackendGroup<Node> g, int times) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < times; i++) {
            Node n = g.select(NONE_EXCLUDED).member();
            n.stats().release();
            names.add(n.name());
        }
        return names;
    }

    /** Selects and keeps the slot, as a stream still running does. */
    static Node hold(BackendGroup<Node> g) {
        return g.select(NONE_EXCLUDED).member();
    }

    static Predicate<Node> excluding(Node... nodes) {
        Set<Node> out = Set.of(nodes);
        return out::contains;
    }
}
