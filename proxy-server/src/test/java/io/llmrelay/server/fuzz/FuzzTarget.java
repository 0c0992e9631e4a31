package io.llmrelay.server.fuzz;

import io.llmrelay.server.demo.DemoBackend;
import io.llmrelay.server.testing.DemoBackends;
import io.llmrelay.server.testing.RelayHarness;
import io.llmrelay.server.testing.Sha256;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import io.llmrelay.testing.SeenSecrets;

/**
 * What the fuzzer shoots at: two running proxies in front of one demo backend (OpenAI: {@code demo},
 * {@code demo-embed}) and one fake Ollama node ({@code node-model}). The open one has no keys; the
 * keyed one needs a client key on every route but the probes (one key for every model, one for
 * {@code demo*} only), an admin key for the admin routes, and small message and image limits, so
 * that 401, 403 and the limits' 400s are reached too.
 */
final class FuzzTarget implements AutoCloseable {

    static final String ALL_KEY = "fuzz-all-3f9c-secret";
    static final String LIMITED_KEY = "fuzz-limited-81d2-secret";
    static final String ADMIN_KEY = "fuzz-admin-6b07-secret";

    private final DemoBackends demos = new DemoBackends();
    private final FakeOllamaNode node;
    private final Path dir;
    final RelayHarness open;
    final RelayHarness keyed;

    FuzzTarget() throws IOException, InterruptedException {
        DemoBackend demo = demos.start();
        node = new FakeOllamaNode();
        dir = Files.createTempDirectory("fuzz-target");
        String backends = """
                backends:
                  - name: demo
                    url: %s
                  - name: node
                    type: ollama
                    url: %s
                """.formatted(demo.baseUrl(), node.url());
        Files.createDirectories(dir.resolve("open"));
        open = RelayHarness.fromYaml(dir.resolve("open"), backends, Map.of()).awaitReady();
        Path keyedDir = Files.createDirectories(dir.resolve("keyed"));
        Files.writeString(keyedDir.resolve("keys.yaml"), """
                - name: limited
                  key_sha256: %s
                  models: ["demo*"]
                """.formatted(Sha256.hex(LIMITED_KEY)));
        keyed = RelayHarness.fromYaml(keyedDir, backends + """
                auth:
                  keys_file: keys.yaml
                  keys_env: FUZZ_KEYS
                admin:
                  key_env: FUZZ_ADMIN_KEY
                limits:
                  request: {max_messages: 20, max_images: 3}
                """, Map.of("FUZZ_KEYS", SeenSecrets.keyPairs("all=" + ALL_KEY), "FUZZ_ADMIN_KEY", SeenSecrets.key(ADMIN_KEY))).awaitReady();
    }

    /** {@code text} with the keys replaced by their names: what a failing input's description may print. */
    static String masked(String text) {
        return text.replace(ALL_KEY, "<all key>").replace(LIMITED_KEY, "<limited key>").replace(ADMIN_KEY, "<admin key>");
    }

    RelayHarness relay(boolean withKeys) {
        return withKeys ? keyed : open;
    }

    @Override
    public void close() throws IOException {
        keyed.close();
        open.close();
        node.close();
        demos.close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
