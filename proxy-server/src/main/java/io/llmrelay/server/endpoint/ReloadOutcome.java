package io.llmrelay.server.endpoint;

import java.util.List;

/**
 * How a configuration reload went.
 *
 * @param status reloaded, refused (the running configuration stays), or unavailable (nothing to reload)
 * @param problems why it was refused, each as {@code file:line: key: message} where the file says so
 * @param added backends that joined the fleet
 * @param removed backends that left it (their running answers finish)
 * @param changed backends whose own settings changed: replaced by a new backend of the same name
 * @param settings fleet-wide settings that changed and are in force now ({@code routing}, {@code retry}, ...)
 * @param restartNeeded settings that changed but take effect only at the next start ({@code server.port}, ...)
 * @param message for {@code unavailable}: why; else empty
 */
public record ReloadOutcome(Status status, List<String> problems, List<String> added, List<String> removed,
        List<String> changed, List<String> settings, List<String> restartNeeded, String message) {

    public enum Status {
        RELOADED, REFUSED, UNAVAILABLE
    }

    public ReloadOutcome {
        problems = List.copyOf(problems);
        added = List.copyOf(added);
        removed = List.copyOf(removed);
        changed = List.copyOf(changed);
        settings = List.copyOf(settings);
        restartNeeded = List.copyOf(restartNeeded);
    }

    public static ReloadOutcome reloaded(List<String> added, List<String> removed, List<String> changed,
            List<String> settings, List<String> restartNeeded) {
        return new ReloadOutcome(Status.RELOADED, List.of(), added, removed, changed, settings, restartNeeded, "");
    }

    /** @param problems at least one */
    public static ReloadOutcome refused(List<String> problems) {
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a refused reload says why");
        }
        return new ReloadOutcome(Status.REFUSED, problems, List.of(), List.of(), List.of(), List.of(), List.of(), "");
    }

    public static ReloadOutcome unavailable(String message) {
        return new ReloadOutcome(Status.UNAVAILABLE, List.of(), List.of(), List.of(), List.of(), List.of(), List.of(),
                message);
    }

    /** The same outcome with more settings in force now (those only the command line knows of). */
    public ReloadOutcome withSettings(List<String> more) {
        if (more.isEmpty() || status != Status.RELOADED) {
            return this;
        }
        return new ReloadOutcome(status, problems, added, removed, changed, plus(settings, more), restartNeeded,
                message);
    }

    /** The same outcome with more settings that need a restart (those only the command line knows of). */
    public ReloadOutcome withRestartNeeded(List<String> more) {
        if (more.isEmpty() || status != Status.RELOADED) {
            return this;
        }
        return new ReloadOutcome(status, problems, added, removed, changed, settings, plus(restartNeeded, more),
                message);
    }

    /** {@code keys} and then those of {@code more} it does not hold yet, in order. */
    private static List<String> plus(List<String> keys, List<String> more) {
        List<String> all = new java.util.ArrayList<>(keys);
        more.stream().filter(k -> !all.contains(k)).forEach(all::add);
        return all;
    }
}
