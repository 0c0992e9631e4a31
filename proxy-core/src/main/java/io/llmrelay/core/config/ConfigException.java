package io.llmrelay.core.config;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A configuration file that cannot be used, with every problem found in it, each naming the file,
 * the line and the key: {@code relay.yaml:12: backends[1].weight: must be at least 1, not 0}. The
 * message is those lines, one per problem, in the order of the file.
 */
public final class ConfigException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final transient List<Problem> problems;

    public ConfigException(List<Problem> problems) {
        super(problems.stream().map(Problem::toString).collect(Collectors.joining("\n")));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a configuration error needs at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
        return problems;
    }

    /** True when the file itself could not be read (rather than read and found wrong). */
    public boolean unreadable() {
        return problems.size() == 1 && problems.get(0).line() == 0 && problems.get(0).path().isEmpty();
    }

    /**
     * One thing wrong in a file.
     *
     * @param file the file as the user named it
     * @param line 1-based; 0 for the file as a whole
     * @param path the key, e.g. {@code backends[1].weight} (list indexes from 0); empty for the file as a whole
     * @param message what is wrong and what would be right
     */
    public record Problem(String file, int line, String path, String message) {

        @Override
        public String toString() {
            StringBuilder out = new StringBuilder(file);
            if (line > 0) {
                out.append(':').append(line);
            }
            out.append(": ");
            if (!path.isEmpty()) {
                out.append(path).append(": ");
            }
            return out.append(message).toString();
        }
    }
}
