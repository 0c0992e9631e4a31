package io.llmrelay.core.registry;

import io.llmrelay.core.api.ModelNames;
import io.llmrelay.core.backend.Glob;
import java.util.ArrayList;
import java.util.List;

/**
 * A list of model-name {@link Glob}s as the configuration writes them ({@code include:} of a backend
 * or of the catalogue, the filter file's lines), where {@code "!glob"} excludes. The rule:
 * <ul>
 *   <li>an empty list keeps every name;</li>
 *   <li>a list of exclusions only keeps every name none of them matches;</li>
 *   <li>otherwise a name is kept when it matches an inclusion and no exclusion.</li>
 * </ul>
 * As everywhere, {@code name} and {@code name:latest} are one name: {@code demo} matches a listed
 * {@code demo:latest} and {@code demo:latest} a listed {@code demo}.
 */
public final class NameFilter {

    /** The filter of an empty list. */
    public static final NameFilter ALL = new NameFilter(List.of(), List.of());

    private static final String LATEST = ":latest";

    private final List<Glob> includes;
    private final List<Glob> excludes;

    private NameFilter(List<Glob> includes, List<Glob> excludes) {
        this.includes = includes;
        this.excludes = excludes;
    }

    /** Compiles {@code globs}; an empty pattern (or a lone {@code "!"}) is an {@link IllegalArgumentException}. */
    public static NameFilter of(List<String> globs) {
        if (globs.isEmpty()) {
            return ALL;
        }
        List<Glob> includes = new ArrayList<>();
        List<Glob> excludes = new ArrayList<>();
        for (String raw : globs) {
            String glob = raw == null ? "" : raw.trim();
            boolean exclude = glob.startsWith("!");
            String pattern = exclude ? glob.substring(1).trim() : glob;
            if (pattern.isEmpty()) {
                throw new IllegalArgumentException("empty model pattern '" + raw + "' in " + globs
                        + ": write a name or glob such as 'qwen3*', or '!glob' to exclude");
            }
            (exclude ? excludes : includes).add(Glob.of(pattern));
        }
        return new NameFilter(List.copyOf(includes), List.copyOf(excludes));
    }

    /** True when the list lets {@code name} through. */
    public boolean keeps(String name) {
        if (includes.isEmpty() && excludes.isEmpty()) {
            return true;
        }
        String other = otherForm(name);
        return (includes.isEmpty() || anyMatches(includes, name, other)) && !anyMatches(excludes, name, other);
    }

    /** True for the empty list, which keeps everything. */
    public boolean keepsAll() {
        return includes.isEmpty() && excludes.isEmpty();
    }

    private static boolean anyMatches(List<Glob> globs, String name, String other) {
        for (Glob g : globs) {
            if (g.matches(name) || other != null && g.matches(other)) {
                return true;
            }
        }
        return false;
    }

    /** The same name written the other way ({@code demo} ↔ {@code demo:latest}), or null when it has another tag. */
    private static String otherForm(String name) {
        String without = ModelNames.withoutLatestTag(name);
        if (without.length() != name.length()) {
            return without;
        }
        String with = ModelNames.ollamaName(name);
        return with.length() != name.length() ? with : null;
    }

    @Override
    public String toString() {
        List<String> all = new ArrayList<>();
        includes.forEach(g -> all.add(g.pattern()));
        excludes.forEach(g -> all.add("!" + g.pattern()));
        return all.toString();
    }
}
