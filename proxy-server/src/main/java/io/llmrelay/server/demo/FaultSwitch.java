package io.llmrelay.server.demo;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Decides which requests (and, for {@code refuse} in scope {@code all}, which new connections) the
 * current {@link FaultPlan} hits. The choice is a hash of the plan's seed and the request's number
 * since the plan was set, so it is deterministic for a given order of arrival, takes no lock and
 * keeps no random state to share between event loops. Swapping the plan restarts the numbering.
 */
final class FaultSwitch {

    /** A plan with the count of rolls made under it. */
    private static final class Armed {
        final FaultPlan plan;
        final AtomicLong rolls = new AtomicLong();

        Armed(FaultPlan plan) {
            this.plan = plan;
        }
    }

    private volatile Armed armed;

    FaultSwitch(FaultPlan plan) {
        this.armed = new Armed(plan);
    }

    void set(FaultPlan plan) {
        armed = new Armed(plan);
    }

    FaultPlan plan() {
        return armed.plan;
    }

    /**
     * The plan if it hits this request, else {@link FaultPlan#NONE}.
     *
     * @param inference whether the request is an inference request the demo would answer
     */
    FaultPlan forRequest(boolean inference) {
        Armed a = armed;
        if (!a.plan.active() || !(inference || a.plan.scope() == FaultScope.ALL)) {
            return FaultPlan.NONE;
        }
        return hits(a.plan.seed(), a.rolls.getAndIncrement(), a.plan.rate()) ? a.plan : FaultPlan.NONE;
    }

    /**
     * Whether a connection just accepted is to be refused: only {@code refuse} in scope {@code all}
     * can, since a connection's first request is not known before it is read.
     */
    boolean refusesConnection() {
        Armed a = armed;
        return a.plan.mode() == Fault.REFUSE && a.plan.scope() == FaultScope.ALL && a.plan.rate() > 0
                && hits(a.plan.seed(), a.rolls.getAndIncrement(), a.plan.rate());
    }

    /** Whether roll {@code n} under {@code seed} falls in the share {@code rate}: SplitMix64 of both, as a fraction. */
    static boolean hits(long seed, long n, double rate) {
        if (rate >= 1) {
            return true;
        }
        long z = seed + (n + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        return (z >>> 11) * 0x1.0p-53 < rate;
    }
}
