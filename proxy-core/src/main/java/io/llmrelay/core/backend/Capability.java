package io.llmrelay.core.backend;

import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Ollama's model capabilities, and how a model's are guessed from its id when the backend's model
 * list carries no metadata. The guesses are a table of well-known model families; anything else
 * can be set with {@link ModelOverride}s.
 */
public enum Capability {
    COMPLETION, TOOLS, INSERT, VISION, THINKING, EMBEDDING;

    private static final Pattern THINKING_FAMILIES = anyOf(
            "qwen3(?!-?(embed|vl|coder))", "qwq", "deepseek-r1", "deepseek-reasoner", "gpt-oss", "magistral",
            "thinking", "(^|[/_-])o[134](-|$)", "gpt-5", "claude-3-7", "claude-(sonnet|opus)-4", "gemini-2\\.5",
            "phi-4-(mini-)?reasoning", "cogito", "glm-4\\.[5-9]", "kimi-k2");
    private static final Pattern VISION_FAMILIES = anyOf(
            "vision", "(^|[/_-])vl($|[/_-])", "-vl-", "llava", "pixtral", "gpt-4o", "gpt-4\\.1", "gpt-5", "gemma-?3",
            "claude-3", "claude-(sonnet|opus)-4", "gemini", "llama-?4", "minicpm-v", "moondream", "qwen2(\\.5)?-vl",
            "mistral-small-3\\.[12]", "internvl");

    /** The name clients see, e.g. {@code tools}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Capability fromLabel(String label) {
        Capability c = known(label);
        if (c != null) {
            return c;
        }
        throw new IllegalArgumentException("unknown capability '" + label + "' (expected one of completion, tools, "
                + "insert, vision, thinking, embedding)");
    }

    /** The capability a label names, or null for one this proxy does not know (a newer server's). */
    static Capability known(String label) {
        for (Capability c : values()) {
            if (c.label().equalsIgnoreCase(label.trim())) {
                return c;
            }
        }
        return null;
    }

    /** Capability in their canonical order, as the labels clients read. */
    public static Set<String> labels(Collection<Capability> caps) {
        Set<String> out = new LinkedHashSet<>();
        for (Capability c : values()) {
            if (caps.contains(c)) {
                out.add(c.label());
            }
        }
        return java.util.Collections.unmodifiableSet(out);
    }

    /** Guesses per model id: requests for unlisted models ask again and again. Bounded, so it cannot grow. */
    private static final ConcurrentHashMap<String, EnumSet<Capability>> GUESSES = new ConcurrentHashMap<>();
    private static final int MAX_GUESSES = 4_096;

    /** The capabilities a model id suggests when nothing better is known (a copy the caller may change). */
    static EnumSet<Capability> guess(String id) {
        EnumSet<Capability> known = GUESSES.get(id);
        if (known == null) {
            known = guessFresh(id);
            if (GUESSES.size() < MAX_GUESSES) {
                GUESSES.put(id, known);
            }
        }
        return EnumSet.copyOf(known);
    }

    private static EnumSet<Capability> guessFresh(String id) {
        String lower = id.toLowerCase(Locale.ROOT);
        if (lower.contains("embed")) {
            return EnumSet.of(EMBEDDING);
        }
        // most served chat models take tools; a backend that cannot will say so itself
        EnumSet<Capability> caps = EnumSet.of(COMPLETION, TOOLS);
        if (THINKING_FAMILIES.matcher(lower).find()) {
            caps.add(THINKING);
        }
        if (VISION_FAMILIES.matcher(lower).find()) {
            caps.add(VISION);
        }
        return caps;
    }

    /** One pattern that finds any of the alternatives. */
    private static Pattern anyOf(String... regex) {
        return Pattern.compile("(?:" + String.join(")|(?:", regex) + ")");
    }
}
