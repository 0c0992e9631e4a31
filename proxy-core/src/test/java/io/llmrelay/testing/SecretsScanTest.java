package io.llmrelay.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scan that proves no secret is logged catches one that is: a recorded secret planted in a line of
 * captured output is found, with its file and line, and reported masked; what it does not look for
 * (secrets too short to tell from ordinary text) is counted, not silently passed.
 */
class SecretsScanTest {

    @TempDir
    Path dir;

    private Path registry(String... labelsAndValues) throws Exception {
        Path registry = Files.createDirectories(dir.resolve("secrets-seen"));
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i + 1 < labelsAndValues.length; i += 2) {
            lines.append(SeenSecrets.line(labelsAndValues[i], labelsAndValues[i + 1]));
        }
        Files.writeString(registry.resolve("secrets-1234.txt"), lines);
        return registry;
    }

    private Path reports(String name, String text) throws Exception {
        Path reports = Files.createDirectories(dir.resolve("surefire-reports"));
        Files.writeString(reports.resolve(name), text);
        return reports;
    }

    @Test
    void aSecretInALogLineIsFoundWhereItIsAndShownMasked() throws Exception {
        Path registry = registry("backend b key", "sk-live-0123456789", "header x-api-key", "client\tkey\nwith-odd-bytes é");
        Path reports = reports("io.x.SomeTest-output.txt", """
                {"message":"POST /api/chat 200","key":"alice"}
                {"message":"calling backend with Bearer sk-live-0123456789","logger_name":"x"}
                """);
        reports("io.x.OtherTest-output.txt", "a line holding client\tkey\nwith-odd-bytes é in it\n");
        reports("io.x.CleanTest-output.txt", "sk-live-012345678 is one character short of the key\n");
        reports("io.x.SomeTest.txt", "not captured output: Bearer sk-live-0123456789\n");

        Map<String, String> secrets = SecretsScan.secrets(List.of(registry));
        List<Path> outputs = SecretsScan.outputs(List.of(reports));
        List<SecretsScan.Finding> found = SecretsScan.scan(secrets, outputs);

        assertThat(outputs).extracting(p -> p.getFileName().toString())
                .containsExactly("io.x.CleanTest-output.txt", "io.x.OtherTest-output.txt", "io.x.SomeTest-output.txt");
        assertThat(found).hasSize(2);
        assertThat(found.get(0).file().getFileName().toString()).isEqualTo("io.x.OtherTest-output.txt");
        assertThat(found.get(0).label()).isEqualTo("header x-api-key");
        assertThat(found.get(1).file().getFileName().toString()).isEqualTo("io.x.SomeTest-output.txt");
        assertThat(found.get(1).line()).isEqualTo(2);
        assertThat(found.get(1).toString()).contains("sk-... (18 chars)").contains("backend b key")
                .doesNotContain("0123456789");
    }

    @Test
    void aSecretTooShortToTellFromTextIsCountedNotLookedFor() throws Exception {
        Path registry = registry("placeholder", "k", "placeholder", "vk-1", "real", "sk-proj-abcdefgh");
        Map<String, String> secrets = SecretsScan.secrets(List.of(registry));
        assertThat(SecretsScan.tooShort(secrets)).isEqualTo(2);
        Path reports = reports("io.x.T-output.txt", "k vk-1 everywhere, but no real key\n");
        assertThat(SecretsScan.scan(secrets, SecretsScan.outputs(List.of(reports)))).isEmpty();
    }

    @Test
    void everyOccurrenceIsFoundAmongManySecretsSharingTheirStart() throws Exception {
        String[] labelsAndValues = new String[400];
        for (int i = 0; i < 200; i++) {
            labelsAndValues[2 * i] = "mutated header " + i;
            labelsAndValues[2 * i + 1] = "Bearer fuzz-all-" + i;
        }
        Map<String, String> secrets = SecretsScan.secrets(List.of(registry(labelsAndValues)));
        Path reports = reports("io.x.FuzzTest-output.txt", "x".repeat(100_000) + "Bearer fuzz-all-77\n"
                + "y".repeat(100_000) + "Bearer fuzz-all-199 and Bearer fuzz-all-2\n");
        assertThat(SecretsScan.scan(secrets, SecretsScan.outputs(List.of(reports))))
                .extracting(SecretsScan.Finding::label)
                // a secret inside a longer one is found too: each is a secret in its own right
                .containsExactlyInAnyOrder("mutated header 77", "mutated header 7", "mutated header 199",
                        "mutated header 19", "mutated header 1", "mutated header 2");
    }

    @Test
    void theNewestCanaryIsTheLastOneRecorded() throws Exception {
        Path registry = Files.createDirectories(dir.resolve("canaries"));
        Path old = registry.resolve("canaries-1.txt");
        Files.writeString(old, SeenSecrets.line("canary", "log-canary-old"));
        Files.setLastModifiedTime(old, java.nio.file.attribute.FileTime.fromMillis(1_000));
        Files.writeString(registry.resolve("canaries-2.txt"), SeenSecrets.line("canary", "log-canary-a")
                + SeenSecrets.line("canary", "log-canary-b"));
        assertThat(SecretsScan.newestCanary(registry)).isEqualTo("log-canary-b");
        assertThat(SecretsScan.newestCanary(dir.resolve("none"))).isNull();
    }

    @Test
    void aCanaryIsFoundInTheOutputThatHoldsIt() throws Exception {
        Path reports = reports("io.x.CanaryTest-output.txt", "{\"message\":\"log scan canary log-canary-42\"}\n");
        assertThat(SecretsScan.appears("log-canary-42", SecretsScan.outputs(List.of(reports)))).isTrue();
        assertThat(SecretsScan.appears("log-canary-43", SecretsScan.outputs(List.of(reports)))).isFalse();
    }
}
