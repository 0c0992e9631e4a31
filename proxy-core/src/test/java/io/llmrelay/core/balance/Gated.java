package io.llmrelay.core.balance;

import io.llmrelay.core.config.BackendOptions;
import java.util.List;
import java.util.Map;

/** A test backend whose slow-start share and admission the test sets. */
final class Gated implements Balanced {

    private final String name;
    private final BackendOptions options;
    private final BackendStats stats = new BackendStats();
    volatile double share = 1.0;
    volatile boolean admits = true;
    int admitted;

    Gated(String name, int priority, int weight, int maxConcurrency) {
        this.name = name;
        this.options = new BackendOptions(priority, weight, maxConcurrency, Map.of(), List.of(), List.of());
    }

    static Gated of(String name) {
        return new Gated(name, BackendOptions.DEFAULT_PRIORITY, 1, 0);
    }

    Gated share(double s) {
        share = s;
        return this;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public BackendOptions options() {
        return options;
    }

    @Override
    public BackendStats stats() {
        return stats;
    }

    @Override
    public double share() {
        return share;
    }

    @Override
    public boolean admit() {
        admitted++;
        return admits;
    }

    @Override
    public String toString() {
        return name;
    }
}
