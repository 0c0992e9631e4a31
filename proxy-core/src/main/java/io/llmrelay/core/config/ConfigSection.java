package io.llmrelay.core.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A map of the file with a fixed set of keys (a backend, {@code routing:}, {@code server:}...). Every
 * key not in the set is reported when the section is opened, with the closest allowed key when it
 * looks like a typo, so no key is ever ignored.
 */
final class ConfigSection {

    private final Map<String, YamlNode.Entry> entries;
    private final String path;
    private final int line;
    private final ConfigSource source;

    ConfigSection(YamlNode.Mapping map, String path, ConfigSource source, List<String> allowed) {
        this.entries = map.entries();
        this.path = path;
        this.line = map.line();
        this.source = source;
        for (YamlNode.Entry e : entries.values()) {
            if (!allowed.contains(e.key())) {
                source.problems.add(e.line(), keyPath(e.key()), unknownKey(e.key(), allowed));
            }
        }
    }

    private ConfigSection(String path, int line, ConfigSource source) {
        this.entries = Map.of();
        this.path = path;
        this.line = line;
        this.source = source;
    }

    /** A section that was not a map (already reported): every key reads as absent. */
    static ConfigSection empty(String path, int line, ConfigSource source) {
        return new ConfigSection(path, line, source);
    }

    /** The key's value; null when the key is absent or null ({@code key:}, {@code ~}), i.e. "use the default". */
    ConfigValue get(String key) {
        YamlNode.Entry e = entries.get(key);
        if (e == null || e.value() instanceof YamlNode.Scalar s && s.text() == null) {
            return null;
        }
        return new ConfigValue(e.value(), keyPath(key), source);
    }

    /** A key that must be given: null and reported when it is absent or empty. */
    ConfigValue require(String key, String why) {
        ConfigValue v = get(key);
        if (v == null) {
            YamlNode.Entry e = entries.get(key);
            source.problems.add(e == null ? line : e.line(), keyPath(key), "is required: " + why);
        }
        return v;
    }

    /** The key's whole number between the bounds; {@code byDefault} when absent (or, reported, unreadable). */
    int integer(String key, int min, int max, int byDefault) {
        ConfigValue v = get(key);
        return v == null ? byDefault : v.integer(min, max, byDefault);
    }

    /** The key's duration of at least {@code min}; {@code byDefault} when absent (or, reported, unreadable). */
    Duration duration(String key, Duration min, Duration byDefault) {
        ConfigValue v = get(key);
        return v == null ? byDefault : v.duration(min, byDefault);
    }

    int line() {
        return line;
    }

    String path() {
        return path;
    }

    String keyPath(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private String unknownKey(String key, List<String> allowed) {
        String hint = SecretKeys.hint(key);
        if (hint != null) {
            return hint;
        }
        Optional<String> closest = ClosestName.to(key, allowed);
        return "unknown key" + closest.map(c -> "; did you mean '" + c + "'?").orElse("") + " (allowed here: "
                + String.join(", ", allowed) + ")";
    }
}
