package io.llmrelay.core.balance;

import io.llmrelay.core.config.BackendOptions;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/** A backend as a test describes it. */
record Node(String name, BackendOptions options, BackendStats stats) implements Balanced {

    static Node of(String name) {
        return of(name, BackendOptions.DEFAULT_PRIORITY, 1, 0);
    }

    static Node of(String name, int priority, int weight, int maxConcurrency) {
        return of(name, priority, weight, maxConcurrency, System::nanoTime);
    }

    static Node of(String name, int priority, int weight, int maxConcurrency, LongSupplier clock) {
        return new Node(name, new BackendOptions(priority, weight, maxConcurrency, Map.of(), List.of(), List.of()),
                new BackendStats(clock));
    }

    static Node capped(String name, int maxConcurrency) {
        return of(name, BackendOptions.DEFAULT_PRIORITY, 1, maxConcurrency);
    }

    @Override
    public String toString() {
        return name;
    }
}
