package io.llmrelay.core.config;

import io.llmrelay.core.config.ConfigException.Problem;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The problems found while reading one configuration file. Reading goes on after a problem, so a
 * user sees them all at once, in the order of the file.
 */
final class Problems {

    /** A problem and the line of the config file it sorts by (its own, or the key that named its file). */
    private record Found(Problem problem, int sortLine) {}

    private final String file;
    private final List<Found> found = new ArrayList<>();

    Problems(String file) {
        this.file = file;
    }

    String file() {
        return file;
    }

    void add(int line, String path, String message) {
        found.add(new Found(new Problem(file, line, path, message), line));
    }

    /** A problem in a file the config names (a filter or mapping file), listed at the key that names it. */
    void addIn(String otherFile, int line, String path, String message, int configLine) {
        found.add(new Found(new Problem(otherFile, line, path, message), configLine));
    }

    int count() {
        return found.size();
    }

    boolean any() {
        return !found.isEmpty();
    }

    List<Problem> sorted() {
        return found.stream().sorted(Comparator.comparingInt(Found::sortLine)).map(Found::problem).toList();
    }

    void throwIfAny() {
        if (any()) {
            throw new ConfigException(sorted());
        }
    }
}
