package io.llmrelay.core.resilience;

import io.llmrelay.core.api.Clocks;
import io.llmrelay.core.config.ResilienceConfig;
import java.util.List;

/**
 * The resilience state of one fleet, built from {@code ResilienceConfig}: makes each backend's
 * {@link BackendResilience} and each model group's {@link GroupHealth} (which share the fleet's
 * ejection ledger: the order of ejections and the version the groups cache against), and holds the
 * fleet's {@link Failover} (one retry budget for all requests). Thread-safe.
 *
 * <p>Time comes only from the {@link Clocks} given (the nano clock for every interval, the wall clock
 * only for {@code Retry-After} dates), so tests drive it all with a fake clock.
 */
public final class FleetResilience {

    private final ResilienceConfig config;
    private final Clocks clocks;
    private final ResilienceEvents events;
    private final EjectionLedger ledger;
    private final Failover failover;

    public FleetResilience(ResilienceConfig config, Clocks clocks, ResilienceEvents events) {
        this(config, clocks, events, Backoff.of(config.retry().backoff()));
    }

    /** @param backoff the retry pause (tests give it a seeded random source) */
    public FleetResilience(ResilienceConfig config, Clocks clocks, ResilienceEvents events, Backoff backoff) {
        this(config, clocks, events, new EjectionLedger(), new Failover(new RetryPolicy(config.retry()),
                RetryBudget.of(config.retry().budgetPercent(), clocks.nanos()), backoff));
    }

    private FleetResilience(ResilienceConfig config, Clocks clocks, ResilienceEvents events, EjectionLedger ledger,
            Failover failover) {
        this.config = config;
        this.clocks = clocks;
        this.events = events;
        this.ledger = ledger;
        this.failover = failover;
    }

    /**
     * The same fleet's resilience under new settings (a configuration reload): the ejection ledger is
     * shared, so backends made by this one and by the new one count against one ejection cap; the
     * failover (retry policy, budget, backoff) is kept when {@code retry:} is unchanged, else made anew.
     * Backends already made keep their own state and settings.
     */
    public FleetResilience reconfigured(ResilienceConfig next) {
        Failover kept = next.retry().equals(config.retry()) ? failover
                : new Failover(new RetryPolicy(next.retry()), RetryBudget.of(next.retry().budgetPercent(),
                        clocks.nanos()), Backoff.of(next.retry().backoff()));
        return new FleetResilience(next, clocks, events, ledger, kept);
    }

    /** A new backend's state: unknown health, breaker closed, not held, not ejected, full share. */
    public BackendResilience backend(String name) {
        return new BackendResilience(name, config, ledger, clocks, events);
    }

    /** The routing rule for one model's backends (made by this fleet), with its ejection cap. */
    public GroupHealth group(List<BackendResilience> members) {
        return new GroupHealth(members, config.outlier().maxEjectedPercent(), ledger, clocks.nanos());
    }

    public Failover failover() {
        return failover;
    }

    public ResilienceConfig config() {
        return config;
    }
}
