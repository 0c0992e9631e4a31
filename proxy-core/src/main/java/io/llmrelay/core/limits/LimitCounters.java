package io.llmrelay.core.limits;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Refusals by the limit that refused them: what the server exports as
 * {@code llm_relay_rate_limited_total{limit}} ({@link Limit#label()}), plus the requests refused
 * because shared limits could not be consulted ({@link #UNAVAILABLE_LABEL}). Lock-free; one per
 * running proxy, shared by the local limiter and the Redis one.
 */
public final class LimitCounters {

    /** The label of refusals for want of Redis ({@code redis_down: closed}). */
    public static final String UNAVAILABLE_LABEL = "redis_unavailable";

    private final LongAdder[] refused = new LongAdder[Limit.values().length];
    private final LongAdder unavailable = new LongAdder();

    public LimitCounters() {
        for (int i = 0; i < refused.length; i++) {
            refused[i] = new LongAdder();
        }
    }

    /** Counts one refusal of {@code d} (a limited or unavailable decision; an allowed one is not counted). */
    public void count(Decision d) {
        if (d.verdict() == Decision.Verdict.LIMITED) {
            refused[d.limit().ordinal()].increment();
        } else if (d.verdict() == Decision.Verdict.UNAVAILABLE) {
            unavailable.increment();
        }
    }

    public long refused(Limit limit) {
        return refused[limit.ordinal()].sum();
    }

    public long unavailable() {
        return unavailable.sum();
    }

    /** Every label with its count (zeros included, so each series exists from the start), in a fixed order. */
    public Map<String, Long> byLabel() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (Limit l : Limit.values()) {
            out.put(l.label(), refused(l));
        }
        out.put(UNAVAILABLE_LABEL, unavailable());
        return out;
    }
}
