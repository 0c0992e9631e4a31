package io.llmrelay.bench.soak;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The soak's fleet: three demo backends whose model lists overlap so that every model has at least
 * two backends (a failover always has somewhere to go), and the proxy configuration that lists them.
 */
final class FleetLayout {

    /** One backend: its name in the proxy's configuration and the models it serves. */
    record Member(String name, List<String> models) {}

    static final List<Member> MEMBERS = List.of(
            new Member("soak-1", List.of("soak-a", "soak-b", "soak-embed")),
            new Member("soak-2", List.of("soak-a", "soak-b")),
            new Member("soak-3", List.of("soak-a", "soak-embed")));

    private FleetLayout() {}

    static List<String> chatModels() {
        return models(false);
    }

    static List<String> embeddingModels() {
        return models(true);
    }

    /** Every model, each with the backends that serve it, e.g. {@code soak-b: soak-1, soak-2}. */
    static List<String> describe() {
        List<String> lines = new ArrayList<>();
        for (String model : allModels()) {
            List<String> names = MEMBERS.stream().filter(m -> m.models().contains(model)).map(Member::name).toList();
            lines.add(model + ": " + String.join(", ", names));
        }
        return lines;
    }

    static Set<String> allModels() {
        Set<String> all = new LinkedHashSet<>();
        MEMBERS.forEach(m -> all.addAll(m.models()));
        return all;
    }

    private static List<String> models(boolean embedding) {
        // the demo backend's rule: an id with "embed" in it is an embedding model
        return allModels().stream().filter(m -> m.contains("embed") == embedding).toList();
    }

    /**
     * The proxy's configuration (docs/CONFIG.md) for backends on {@code ports}, in {@link #MEMBERS}'
     * order: static model lists, a short probe interval so a backend faulted with {@code scope: all}
     * is marked down within a second, and per-backend time limits short enough that a stalled
     * backend is given up on (and, before its first byte, failed over) within the client's patience.
     * Retries are the defaults.
     */
    static String relayYaml(List<Integer> ports, long healthIntervalMillis, long backendTimeoutMillis) {
        StringBuilder y = new StringBuilder("# written by `bench soak`\nbackends:\n");
        for (int i = 0; i < MEMBERS.size(); i++) {
            Member m = MEMBERS.get(i);
            y.append("  - name: ").append(m.name()).append('\n')
                    .append("    type: openai-compatible\n")
                    .append("    url: http://127.0.0.1:").append(ports.get(i)).append("/v1\n")
                    .append("    models: [").append(String.join(", ", m.models())).append("]\n")
                    .append("    timeouts: {first_byte: ").append(backendTimeoutMillis).append("ms, idle: ")
                    .append(backendTimeoutMillis).append("ms}\n");
        }
        y.append("health:\n  interval: ").append(healthIntervalMillis).append("ms\n");
        return y.toString();
    }
}
