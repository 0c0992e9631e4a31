package io.llmrelay.core.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Lists of model names or globs ({@code *} any run, {@code ?} one character), where {@code !glob}
 * excludes: a backend's and the catalogue's {@code include}, and the lines of a filter file.
 */
final class ModelPatterns {

    private ModelPatterns() {}

    /** What is wrong with one pattern, or null when it is fine. */
    static String problemWith(String pattern) {
        String p = pattern.startsWith("!") ? pattern.substring(1).trim() : pattern;
        if (p.isEmpty()) {
            return "'!' needs a name or glob after it, e.g. !*embed*";
        }
        for (int i = 0; i < p.length(); i++) {
            if (Character.isWhitespace(p.charAt(i))) {
                return "'" + pattern + "' has a space in it: one model name or glob per entry";
            }
        }
        return null;
    }

    /** The list's patterns ({@code !} kept, spaces after it dropped); bad ones reported and left out. */
    static List<String> read(ConfigValue list) {
        List<String> out = new ArrayList<>();
        if (list == null) {
            return out;
        }
        for (ConfigValue item : list.items()) {
            String text = item.nonBlank();
            if (text == null) {
                continue;
            }
            String problem = problemWith(text);
            if (problem != null) {
                item.problem(problem);
            } else {
                out.add(normalize(text));
            }
        }
        return out;
    }

    /** {@code "! foo"} → {@code "!foo"}. */
    static String normalize(String pattern) {
        return pattern.startsWith("!") ? "!" + pattern.substring(1).trim() : pattern;
    }
}
