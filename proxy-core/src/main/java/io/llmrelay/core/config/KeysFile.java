package io.llmrelay.core.config;

import io.llmrelay.core.config.ConfigException.Problem;
import io.llmrelay.core.config.SecurityConfig.ClientKey;
import io.llmrelay.core.config.SecurityConfig.KeyLimits;
import io.llmrelay.core.security.KeyDigest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A keys file ({@code auth.keys_file}), in one of two forms:
 * <ul>
 *   <li>a YAML list of {@code {name, key_sha256 | key_env, models: [globs], limits: {rps, burst,
 *       concurrent, tokens_per_minute}}}: the key as the lowercase hex SHA-256 of its UTF-8 bytes, or
 *       the name of a variable that holds it; {@code models} left out allows every model; each limit
 *       given overrides the {@code per_key} default;</li>
 *   <li>one key per line, as it is ({@code #} at the start of a line makes a comment): every model, the
 *       {@code per_key} defaults, named {@code line-N} after its line.</li>
 * </ul>
 * Problems are reported at their line of the keys file; a key is never echoed in one.
 */
final class KeysFile {

    static final List<String> ENTRY_KEYS = List.of("name", "key_sha256", "key_env", "models", "limits");

    private KeysFile() {}

    static List<ClientKey> read(ConfigValue key, Path file, KeyLimits defaults) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            key.problem("cannot read the keys file " + file + " (" + Reasons.of(e) + ")");
            return List.of();
        }
        ConfigSource own = new ConfigSource(file, key.source().env);
        List<ClientKey> keys = looksLikeYaml(text) ? yaml(text, file, own, defaults) : lines(text, file, defaults);
        for (Problem p : own.problems.sorted()) {
            key.source().problems.addIn(p.file(), p.line(), p.path(), p.message(), key.line());
        }
        if (keys.isEmpty() && !own.problems.any()) {
            key.problem("the keys file " + file + " has no key: no request could be served");
        }
        return keys;
    }

    /** A YAML list starts its first entry with {@code -}; a line of a key never does. */
    private static boolean looksLikeYaml(String text) {
        for (String line : text.lines().toList()) {
            String s = line.strip();
            if (!s.isEmpty() && !s.startsWith("#")) {
                return s.startsWith("-") || s.startsWith("[");
            }
        }
        return false;
    }

    private static List<ClientKey> yaml(String text, Path file, ConfigSource own, KeyLimits defaults) {
        YamlNode root = YamlTreeReader.read(text.startsWith("\uFEFF") ? text.substring(1) : text, own.problems);
        if (root == null) {
            return List.of();
        }
        ConfigValue list = new ConfigValue(root, "", own);
        List<ClientKey> keys = new ArrayList<>();
        for (ConfigValue item : list.items()) {
            ClientKey k = entry(item.section(ENTRY_KEYS), file, defaults, own.env);
            if (k != null) {
                keys.add(k);
            }
        }
        return keys;
    }

    private static ClientKey entry(ConfigSection s, Path file, KeyLimits defaults, Map<String, String> env) {
        ConfigValue nameValue = s.require("name", "every key needs a name (logs and metrics show it, never the key)");
        String name = nameValue == null ? null : nameValue.nonBlank();
        if (name != null && !SecuritySection.KEY_NAME.matcher(name).matches()) {
            nameValue.problem(SecuritySection.nameProblem(name));
            name = null;
        }
        KeyDigest digest = digest(s, env);
        List<String> models = models(s.get("models"));
        KeyLimits limits = SecuritySection.keyLimits(s.get("limits"), defaults);
        if (name == null || digest == null) {
            return null;
        }
        return new ClientKey(name, digest, models, limits, file.getFileName() + ":" + s.line());
    }

    private static KeyDigest digest(ConfigSection s, Map<String, String> env) {
        ConfigValue sha = s.get("key_sha256");
        ConfigValue var = s.get("key_env");
        if (sha != null && var != null) {
            sha.problem("give key_sha256 or key_env, not both");
            return null;
        }
        if (sha == null && var == null) {
            s.require("key_sha256", "every key needs key_sha256 (the SHA-256 of the key, lowercase hex) or key_env "
                    + "(the variable holding it)");
            return null;
        }
        if (sha != null) {
            String hex = sha.nonBlank();
            try {
                return hex == null ? null : KeyDigest.ofHex(hex);
            } catch (IllegalArgumentException e) {
                sha.problem(e.getMessage());
                return null;
            }
        }
        String variable = var.nonBlank();
        if (variable == null) {
            return null;
        }
        if (!Interpolation.VARIABLE_NAME.matcher(variable).matches()) {
            var.problem("must name an environment variable (letters, digits and _); the key itself never goes in the file");
            return null;
        }
        String value = env.get(variable);
        if (value == null || value.isBlank()) {
            var.problem("environment variable " + variable + " is not set");
            return null;
        }
        return KeyDigest.of(value.strip());
    }

    private static List<String> models(ConfigValue v) {
        if (v == null) {
            return List.of("*");
        }
        List<String> globs = new ArrayList<>();
        for (ConfigValue item : v.items()) {
            String glob = item.nonBlank();
            if (glob == null) {
                continue;
            }
            String problem = ModelPatterns.problemWith(glob);
            if (problem != null) {
                item.problem(problem);
            } else {
                globs.add(ModelPatterns.normalize(glob));
            }
        }
        if (globs.isEmpty() && v.isList()) {
            v.problem("a key with no model could do nothing; list the globs it may use, or leave models out for every model");
        }
        return globs;
    }

    private static List<ClientKey> lines(String text, Path file, KeyLimits defaults) {
        List<ClientKey> keys = new ArrayList<>();
        List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            String key = lines.get(i).strip(); // a key may hold '=' or '#': only a whole line is a comment
            if (!key.isEmpty() && !key.startsWith("#")) {
                keys.add(new ClientKey("line-" + (i + 1), KeyDigest.of(key), List.of("*"), defaults,
                        file.getFileName() + ":" + (i + 1)));
            }
        }
        return keys;
    }
}
