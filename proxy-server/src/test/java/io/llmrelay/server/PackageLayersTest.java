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
 * The server's packages stay layered as docs/ARCHITECTURE.md draws them: each uses only the
 * packages below it, so there are no cycles. Read from the sources' imports and qualified names.
 */
class PackageLayersTest {

    /** Bottom first; the root package and cli wire everything and may use any layer. */
    private static final List<String> LAYERS = List.of("runtime", "log", "limits", "http", "exchange", "upstream", "fleet",
            "proxy", "endpoint", "demo");
    private static final Pattern REFERENCE = Pattern.compile("io\\.llmrelay\\.server\\.([a-z]+)\\.[A-Z]");

    @Test
    void eachPackageUsesOnlyTheLayersBelowIt() throws IOException {
        Path sources = Path.of("src/main/java/io/llmrelay/server");
        List<String> violations = new ArrayList<>();
        for (String layer : LAYERS) {
            int rank = LAYERS.indexOf(layer);
            try (Stream<Path> files = Files.list(sources.resolve(layer))) {
                for (Path file : (Iterable<Path>) files::iterator) {
                    Matcher m = REFERENCE.matcher(Files.readString(file));
                    while (m.find()) {
                        String used = m.group(1);
                        int usedRank = LAYERS.indexOf(used);
                        if (!used.equals(layer) && (usedRank < 0 || usedRank > rank)) {
                            violations.add(layer + "/" + file.getFileName() + " uses " + used);
                        }
                    }
                }
            }
        }
        assertThat(violations).isEmpty();
    }
}
