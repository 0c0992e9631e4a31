package io.llmrelay.core.backend;

import java.util.EnumSet;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * What an operator says about models whose id matches a glob ({@code *} any run, {@code ?} one
 * character, case-insensitive): their capabilities (replaced, or adjusted with {@code +x}/{@code -x})
 * and their context length where the backend reports none. Written on the command line as
 * {@code --model-capabilities 'qwen3*=+thinking,-tools'} and {@code --model-context 'gpt-4o*=128000'}.
 */
public record ModelOverride(String glob, EnumSet<Capability> replace, EnumSet<Capability> add,
        EnumSet<Capability> remove, long contextLength) {

    /** Compiled globs; they come from the configuration, so the map stays as small as it is. */
    private static final Map<String, Pattern> PATTERNS = new ConcurrentHashMap<>();

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
        return PATTERNS.computeIfAbsent(glob, ModelOverride::toRegex).matcher(modelId).matches();
    }

    /** The model as this override describes it (unchanged when the pattern does not match). */
    public ModelInfo applyTo(ModelInfo model) {
        if (!matches(model.id())) {
            return model;
        }
        EnumSet<Capability> caps = EnumSet.noneOf(Capability.class);
        for (String label : model.capabilities()) {
            caps.add(Capability.fromLabel(label));
        }
        if (replace != null) {
            caps = EnumSet.copyOf(replace.isEmpty() ? EnumSet.noneOf(Capability.class) : replace);
        }
        caps.addAll(add);
        caps.removeAll(remove);
        ModelInfo out = model.withCapabilities(Capability.labels(caps));
        // the backend's own figure is what requests really get: the operator's only fills a gap
        return contextLength > 0 && model.contextLength() == 0 ? out.withContext(contextLength, 0) : out;
    }

    private static Pattern toRegex(String glob) {
        StringBuilder re = new StringBuilder();
        for (char c : glob.toCharArray()) {
            if (c == '*') {
                re.append(".*");
            } else if (c == '?') {
                re.append('.');
            } else {
                re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString(), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    }
}
