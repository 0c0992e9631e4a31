package io.llmrelay.core.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A model filter file ({@code models.filter_file}), in the OpenRouter proxy's format: one model name
 * or glob per line, {@code !glob} excludes, {@code #} starts a comment, blank lines are ignored.
 */
final class FilterFile {

    private FilterFile() {}

    /** The file's patterns; a line that is not one is reported at its own line of the filter file. */
    static List<String> read(ConfigValue key, Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            key.problem("cannot read the filter file " + file + " (" + Reasons.of(e) + ")");
            return List.of();
        }
        List<String> patterns = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int comment = line.indexOf('#');
            String pattern = (comment < 0 ? line : line.substring(0, comment)).strip();
            if (pattern.isEmpty()) {
                continue;
            }
            String problem = ModelPatterns.problemWith(pattern);
            if (problem != null) {
                key.source().problems.addIn(file.toString(), i + 1, key.path(), problem, key.line());
            } else {
                patterns.add(ModelPatterns.normalize(pattern));
            }
        }
        return patterns;
    }
}
