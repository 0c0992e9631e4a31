package io.llmrelay.server.fleet;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The backends of a running proxy, in configuration order, by name. Immutable apart from the
 * thread-safe state each backend holds.
 */
public final class Fleet {

    private final List<Backend> backends;
    private final Map<String, Backend> byName;

    public Fleet(List<Backend> backends) {
        if (backends.isEmpty()) {
            throw new IllegalArgumentException("at least one backend is required");
        }
        this.backends = List.copyOf(backends);
        Map<String, Backend> names = new LinkedHashMap<>();
        for (Backend b : backends) {
            if (names.put(b.name(), b) != null) {
                throw new IllegalArgumentException("two backends are named '" + b.name() + "'");
            }
        }
        this.byName = names;
    }

    public List<Backend> backends() {
        return backends;
    }

    /** The backend of that name, or null. */
    public Backend named(String name) {
        return byName.get(name);
    }

    /** The backend that serves {@code model}. With one backend configured, that one. */
    public Backend backendFor(String model) {
        return backends.get(0);
    }

    /** Probes every backend now and then every health interval; the probes keep the catalogues fresh too. */
    public void startHealthChecks() {
        backends.forEach(b -> b.health().start());
    }

    public void stopHealthChecks() {
        backends.forEach(b -> b.health().stop());
    }

    /** Closes idle backend connections, each on its own loop. */
    public void closeIdle() {
        backends.forEach(b -> b.origin().closeIdle());
    }
}
