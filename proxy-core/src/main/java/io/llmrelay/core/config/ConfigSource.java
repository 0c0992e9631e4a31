package io.llmrelay.core.config;

import java.nio.file.Path;
import java.util.Map;

/**
 * The file being read and what its values are read with: the environment (for {@code ${VAR}} and
 * {@code api_key_env}), its directory (for relative paths) and the problems found so far.
 */
final class ConfigSource {

    final Problems problems;
    final Interpolation interpolation;
    final Map<String, String> env;
    private final Path directory;

    ConfigSource(Path file, Map<String, String> env) {
        this.problems = new Problems(file.toString());
        this.interpolation = new Interpolation(env);
        this.env = env;
        this.directory = file.getParent();
    }

    /** A path written in the file: relative ones are relative to the file's directory, not to where the proxy runs. */
    Path resolve(String written) {
        Path p = Path.of(written);
        return p.isAbsolute() || directory == null ? p : directory.resolve(p);
    }
}
