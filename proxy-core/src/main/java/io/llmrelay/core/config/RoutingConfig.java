package io.llmrelay.core.config;

import java.util.Locale;
import java.util.Objects;

/**
 * How a request picks among the backends that serve its model ({@code routing:} in the config file).
 *
 * @param strategy the balancer
 * @param sticky what pins a conversation to one backend
 */
public record RoutingConfig(Strategy strategy, Sticky sticky) {

    public RoutingConfig {
        Objects.requireNonNull(strategy, "strategy");
        Objects.requireNonNull(sticky, "sticky");
    }

    public static RoutingConfig defaults() {
        return new RoutingConfig(Strategy.LEAST_CONNECTIONS, Sticky.OFF);
    }

    /** The balancers, by the names the config file uses. */
    public enum Strategy {
        /** the highest priority tier, rotating within it */
        PRIORITY("priority"),
        ROUND_ROBIN("round-robin"),
        /** fewest requests in flight; ties rotate */
        LEAST_CONNECTIONS("least-connections"),
        /** smooth weighted round-robin over {@code weight} */
        WEIGHTED("weighted"),
        /** power of two choices over an EWMA of time to first byte, biased by requests in flight */
        LATENCY("latency");

        private final String id;

        Strategy(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        public static Strategy fromId(String id) {
            return Names.byId(Strategy.class, id, Strategy::id, "routing strategy");
        }
    }

    /** What pins a conversation to a backend; a pinned backend that cannot serve falls back to the strategy. */
    public enum Sticky {
        OFF("off"),
        /** the {@code X-Session-ID} request header */
        HEADER("header"),
        /** a hash of the conversation's first messages, so the backend's KV cache is reused */
        PREFIX("prefix");

        private final String id;

        Sticky(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        public static Sticky fromId(String id) {
            return Names.byId(Sticky.class, id, Sticky::id, "sticky mode");
        }
    }

    /** Enum lookup by the config file's spelling, with the accepted values in the error. */
    static final class Names {
        private Names() {}

        static <E extends Enum<E>> E byId(Class<E> type, String id, java.util.function.Function<E, String> idOf,
                String what) {
            String wanted = id == null ? "" : id.trim().toLowerCase(Locale.ROOT);
            StringBuilder accepted = new StringBuilder();
            for (E e : type.getEnumConstants()) {
                if (idOf.apply(e).equals(wanted)) {
                    return e;
                }
                accepted.append(accepted.length() == 0 ? "" : " | ").append(idOf.apply(e));
            }
            throw new IllegalArgumentException("unknown " + what + " '" + id + "' (one of: " + accepted + ")");
        }
    }
}
