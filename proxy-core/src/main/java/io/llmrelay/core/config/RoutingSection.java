package io.llmrelay.core.config;

import java.util.List;
import java.util.function.Function;

/** Reads {@code routing:}: the strategy and sticky mode, by the names {@link RoutingConfig} gives them. */
final class RoutingSection {

    static final List<String> KEYS = List.of("strategy", "sticky");

    private RoutingSection() {}

    static RoutingConfig read(ConfigValue value) {
        RoutingConfig defaults = RoutingConfig.defaults();
        if (value == null) {
            return defaults;
        }
        ConfigSection s = value.section(KEYS);
        return new RoutingConfig(
                named(s.get("strategy"), RoutingConfig.Strategy::fromId, defaults.strategy()),
                named(s.get("sticky"), RoutingConfig.Sticky::fromId, defaults.sticky()));
    }

    private static <E> E named(ConfigValue v, Function<String, E> fromId, E fallback) {
        String text = v == null ? null : v.nonBlank();
        if (text == null) {
            return fallback;
        }
        try {
            return fromId.apply(text);
        } catch (IllegalArgumentException e) {
            v.problem(e.getMessage());
            return fallback;
        }
    }
}
