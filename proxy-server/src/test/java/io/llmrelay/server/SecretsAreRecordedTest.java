package io.llmrelay.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A tripwire for the suite's secrets scan (SuiteLogScan): it can only look for the secrets it was told
 * of, so every test that writes one down records it. Read from the test sources of both modules: a
 * {@code Secret.of} whose value does not go through {@code SeenSecrets.key}, or a variable named like a
 * key ({@code *_KEY}, {@code *_KEYS}, {@code *_TOKEN}, {@code *_SECRET}) given a value that does not go
 * through {@code SeenSecrets}, fails it. (Credentials tests send are recorded by the clients themselves:
 * RelayHarness's, RawHttp.)
 */
class SecretsAreRecordedTest {

    private static final Pattern UNRECORDED_SECRET = Pattern.compile("Secret\\.of\\((?!SeenSecrets\\.key\\(|\"\"|null)");
    private static final Pattern UNRECORDED_VARIABLE =
            Pattern.compile("\"[A-Z0-9_]*(KEY|KEYS|TOKEN|SECRET)\",\\s*+(?!SeenSecrets\\.)");

    @Test
    void everySecretATestWritesDownIsRecordedForTheScan() throws IOException {
        List<String> unrecorded = new ArrayList<>();
        for (Path root : List.of(Path.of("src/test/java"), Path.of("../proxy-core/src/test/java"))) {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".java"))::iterator) {
                    if (file.endsWith("SeenSecrets.java") || file.endsWith("SecretsAreRecordedTest.java")) {
                        continue;
                    }
                    List<String> lines = Files.readAllLines(file);
                    for (int i = 0; i < lines.size(); i++) {
                        for (Pattern p : List.of(UNRECORDED_SECRET, UNRECORDED_VARIABLE)) {
                            Matcher m = p.matcher(lines.get(i));
                            if (m.find()) {
                                unrecorded.add(root.relativize(file) + ":" + (i + 1) + ": " + lines.get(i).trim());
                            }
                        }
                    }
                }
            }
        }
        assertThat(unrecorded).as("secrets written in tests but not recorded with SeenSecrets").isEmpty();
    }
}
