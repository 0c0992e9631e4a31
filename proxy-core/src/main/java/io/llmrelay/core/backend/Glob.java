package io.llmrelay.core.backend;

import java.util.regex.Pattern;

/**
 * A model-name pattern as the configuration writes it: {@code *} any run of characters, {@code ?}
 * exactly one, everything else literal, case-insensitive (Ollama matches names regardless of case).
 * The whole name must match: {@code qwen3*} matches {@code Qwen3-8B}, not {@code my-qwen3}.
 */
public final class Glob {

    private final String pattern;
    private final Pattern regex;

    private Glob(String pattern, Pattern regex) {
        this.pattern = pattern;
        this.regex = regex;
    }

    /** Compiles {@code pattern}; a blank one is an error, since it could only match nothing or by accident. */
    public static Glob of(String pattern) {
        if (pattern == null || pattern.isBlank()) {
            throw new IllegalArgumentException("a model pattern must not be empty");
        }
        StringBuilder re = new StringBuilder(pattern.length() + 8);
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '*') {
                re.append(".*");
            } else if (c == '?') {
                re.append('.');
            } else {
                re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return new Glob(pattern, Pattern.compile(re.toString(), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.DOTALL));
    }

    public boolean matches(CharSequence name) {
        return regex.matcher(name).matches();
    }

    /** The pattern as written. */
    public String pattern() {
        return pattern;
    }

    @Override
    public String toString() {
        return pattern;
    }
}
