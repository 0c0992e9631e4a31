package io.llmrelay.core.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One value of the file at its key path, read as the type a key needs. A value that cannot be read
 * is reported (file, line, path) and the caller gets a fallback, so reading goes on and every
 * problem is found in one pass; the file is refused at the end.
 */
final class ConfigValue {

    private final YamlNode node;
    private final String path;
    private final ConfigSource source;

    ConfigValue(YamlNode node, String path, ConfigSource source) {
        this.node = node;
        this.path = path;
        this.source = source;
    }

    int line() {
        return node.line();
    }

    String path() {
        return path;
    }

    ConfigSource source() {
        return source;
    }

    void problem(String message) {
        source.problems.add(node.line(), path, message);
    }

    /** The text with {@code ${VAR}}s replaced; null (reported) for a list or map. */
    String text() {
        if (!(node instanceof YamlNode.Scalar scalar) || scalar.text() == null) {
            problem("must be a value (text or number), not " + node.kind());
            return null;
        }
        try {
            return source.interpolation.apply(scalar.text());
        } catch (IllegalArgumentException e) {
            problem(e.getMessage());
            return null;
        }
    }

    /** The text as written, before {@code ${VAR}}s are replaced; "" for a list or map. */
    String written() {
        return node instanceof YamlNode.Scalar scalar && scalar.text() != null ? scalar.text() : "";
    }

    /** Text that is not blank once trimmed; null (reported) otherwise. */
    String nonBlank() {
        String text = text();
        if (text != null && text.isBlank()) {
            problem("must not be empty");
            return null;
        }
        return text == null ? null : text.trim();
    }

    /** Text where empty means "not set" (so {@code ${VAR:-}} can leave a key out); null for empty or a problem. */
    String optional() {
        String text = text();
        return text == null || text.isBlank() ? null : text.trim();
    }

    int integer(int min, int max, int fallback) {
        String text = nonBlank();
        if (text == null) {
            return fallback;
        }
        long value;
        try {
            value = Long.parseLong(text);
        } catch (NumberFormatException e) {
            problem("must be a whole number, not '" + text + "'");
            return fallback;
        }
        if (value < min) {
            problem("must be at least " + min + ", not " + value);
            return fallback;
        }
        if (value > max) {
            problem("must be at most " + max + ", not " + value);
            return fallback;
        }
        return (int) value;
    }

    /** {@code true} or {@code false} (any case); anything else is reported and gives {@code fallback}. */
    boolean bool(boolean fallback) {
        String text = nonBlank();
        if (text == null) {
            return fallback;
        }
        if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(text.toLowerCase(java.util.Locale.ROOT));
        }
        problem("must be true or false, not '" + text + "'");
        return fallback;
    }

    /** A duration of at least {@code min}, e.g. {@code 300ms}, {@code 2s}, {@code 1m}. */
    Duration duration(Duration min, Duration fallback) {
        String text = nonBlank();
        if (text == null) {
            return fallback;
        }
        Duration value;
        try {
            value = Durations.parse("", text);
        } catch (IllegalArgumentException | ArithmeticException e) {
            problem(e instanceof ArithmeticException ? "is too long a duration: '" + text + "'"
                    : e.getMessage().trim());
            return fallback;
        }
        if (value.compareTo(min) < 0) {
            problem("must be at least " + min.toMillis() + "ms, not " + text);
            return fallback;
        }
        return value;
    }

    /** A size in bytes between the bounds, e.g. {@code 64KiB}, {@code 10MiB}. */
    long size(long min, long max, long fallback) {
        String text = nonBlank();
        if (text == null) {
            return fallback;
        }
        long value;
        try {
            value = Sizes.parse("", text);
        } catch (IllegalArgumentException e) {
            problem(e.getMessage().trim());
            return fallback;
        }
        if (value < min || value > max) {
            problem("must be between " + min + " and " + max + " bytes, not " + text);
            return fallback;
        }
        return value;
    }

    /** A list's items; empty (reported) when the value is not a list. */
    List<ConfigValue> items() {
        if (!(node instanceof YamlNode.Sequence seq)) {
            problem("must be a list (e.g. [a, b] or lines starting with '- '), not " + node.kind());
            return List.of();
        }
        List<ConfigValue> out = new ArrayList<>();
        for (YamlNode item : seq.items()) {
            out.add(new ConfigValue(item, path + "[" + out.size() + "]", source));
        }
        return out;
    }

    /** A list of non-blank texts; the items with problems are left out (and reported). */
    List<String> texts() {
        List<String> out = new ArrayList<>();
        for (ConfigValue item : items()) {
            String text = item.nonBlank();
            if (text != null) {
                out.add(text);
            }
        }
        return out;
    }

    /** A map whose keys are the user's own (headers, aliases, globs): each value at its key's path. */
    Map<String, ConfigValue> entries() {
        if (!(node instanceof YamlNode.Mapping map)) {
            problem("must be a map (key: value lines, or {}), not " + node.kind());
            return Map.of();
        }
        Map<String, ConfigValue> out = new LinkedHashMap<>();
        for (YamlNode.Entry e : map.entries().values()) {
            out.put(e.key(), new ConfigValue(located(e), path + "." + e.key(), source));
        }
        return out;
    }

    /** A section with a fixed set of keys; an unknown key is a problem. */
    ConfigSection section(List<String> allowed) {
        if (!(node instanceof YamlNode.Mapping map)) {
            problem("must be a map (key: value lines), not " + node.kind());
            return ConfigSection.empty(path, node.line(), source);
        }
        return new ConfigSection(map, path, source, allowed);
    }

    /**
     * The entry's value, placed on the key's line when it is null (so "x: " is reported where x is)
     * and on its own line otherwise.
     */
    static YamlNode located(YamlNode.Entry e) {
        boolean isNull = e.value() instanceof YamlNode.Scalar s && s.text() == null;
        return isNull ? new YamlNode.Scalar(null, e.line()) : e.value();
    }

    boolean isList() {
        return node instanceof YamlNode.Sequence;
    }

    /** A value (not a list or map, and not null). */
    boolean isScalar() {
        return node instanceof YamlNode.Scalar s && s.text() != null;
    }
}
