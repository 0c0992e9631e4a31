package io.llmrelay.server.fuzz;

import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropagationMode;
import net.jqwik.api.lifecycle.PropertyAttributes;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * How long the fuzzer runs: each property's own {@code tries} and fixed {@code seed} by default, so a
 * build is reproducible and quick; {@code -Dfuzz.scale=N} multiplies the tries, {@code -Dfuzz.seed=random}
 * draws a new seed (jqwik reports it; {@code -Dfuzz.seed=<that seed>} replays the run).
 */
public final class FuzzBudget implements AroundPropertyHook {

    static final String SCALE = "fuzz.scale";
    static final String SEED = "fuzz.seed";

    @Override
    public PropagationMode propagateTo() {
        return PropagationMode.DIRECT_DESCENDANTS; // registered on the class, it acts on the class's properties
    }

    @Override
    public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
        PropertyAttributes attributes = context.attributes();
        int scale = Integer.getInteger(SCALE, 1);
        if (scale > 1) {
            attributes.tries().ifPresent(tries -> attributes.setTries(tries * scale));
        }
        String seed = System.getProperty(SEED, "").trim();
        if (seed.equals("random")) {
            attributes.setSeed(Long.toString(new java.util.Random().nextLong()));
        } else if (!seed.isEmpty()) {
            attributes.setSeed(seed);
        }
        return property.execute();
    }
}
