package io.llmrelay.core.backend;

import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What an operator says about models whose id matches a {@link Glob} ({@code *} any run, {@code ?} one
 * character, case-insensitive): their capabilities (replaced, or adjusted with {@code +x}/{@code -x})
 * and their context length where the backend reports none. Written on the command line as
 * {@code --model-capabilities 'qwen3*=+thinking,-tools'} and {@code --model-context 'gpt-4o*=128000'}.
 */
public record ModelOverride(String glob, EnumSet<Capability> replace, EnumSet<Capability> add,
        EnumSet<Capability> remove, long contextLength) {

    /** Compiled globs; they come from the configuration, so the map stays as small as it is. */
    private static final Map<String, Glob> PATTERNS = new ConcurrentHashMap<>();

    public ModelOverride {
        if (glob == null || glob.isBlank()) {
            throw new IllegalArgumentException("a model pattern is required");
        }
    }

    /** {@code GLOB=LIST}: plain names replace the capabilities, {@code +name}/{@code -name} adjust them. */
    public static ModelOverride capabilities(String spec) {
        int eq = spec.lastIndexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("expected PATTERN=CAPABILITIES, e.g. 'qwen3*=+thinking': " + spec);
        }
        EnumSet<Capability> replace = null;
        EnumSet<Capability> add = EnumSet.noneOf(Capability.class);
        EnumSet<Capability> remove = EnumSet.noneOf(Capability.class);
        for (String item : spec.substring(eq + 1).split(",")) {
            String name = item.trim();
            if (name.isEmpty()) {
                continue;
            }
            if (name.startsWith("+")) {
                add.add(Capability.fromLabel(name.substring(1)));
            } else if (name.startsWith("-")) {
                remove.add(Capability.fromLabel(name.substring(1)));
            } else {
                if (replace == null) {
                    replace = EnumSet.noneOf(Capability.class);
                }
                replace.add(Capability.fromLabel(name));
            }
        }
        return new ModelOverride(spec.substring(0, eq).trim(), replace, add, remove, 0);
    }

    /** {@code GLOB=TOKENS}. */
    public static ModelOverride contextLength(String spec) {
        int eq = spec.lastIndexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("expected PATTERN=TOKENS, e.g. 'gpt-4o*=128000': " + spec);
        }
        long tokens;
        try {
            tokens = Long.parseLong(spec.substring(eq + 1).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("context length must be a number of tokens: " + spec);
        }
        if (tokens <= 0) {
            throw new IllegalArgumentException("context length must be positive: " + spec);
        }
        return new ModelOverride(spec.substring(0, eq).trim(), null, EnumSet.noneOf(Capability.class),
                EnumSet.noneOf(Capability.class), tokens);
    }

    public boolean matches(String modelId) {
        return PATTERNS.computeIfAbsent(glob, Glob::of).matches(modelId);
    }

    /** The model as this override describes it (unchanged when the pattern does not match). */
    public ModelInfo applyTo(ModelInfo model) {
        if (!matches(model.id())) {
            return model;
        }
        EnumSet<Capability> caps = EnumSet.noneOf(Capability.class);
        Set<String> others = new LinkedHashSet<>(); // labels of newer servers (Ollama's audio, image) pass through
        for (String label : model.capabilities()) {
            Capability known = Capability.known(label);
            if (known != null) {
                caps.add(known);
            } else {
                others.add(label);
            }
        }
        if (replace != null) {
            caps = EnumSet.copyOf(replace.isEmpty() ? EnumSet.noneOf(Capability.class) : replace);
            others.clear();
        }
        caps.addAll(add);
        caps.removeAll(remove);
        ModelInfo out = model.withCapabilities(withOthers(Capability.labels(caps), others));
        // the backend's own figure is what requests really get: the operator's only fills a gap
        return contextLength > 0 && model.contextLength() == 0 ? out.withContext(contextLength, 0) : out;
    }

    private static Set<String> withOthers(Set<String> labels, Set<String> others) {
        if (others.isEmpty()) {
            return labels;
        }
        Set<String> all = new LinkedHashSet<>(labels);
        all.addAll(others);
        return Collections.unmodifiableSet(all);
    }
}
