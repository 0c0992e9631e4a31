package io.llmrelay.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrelay.testing.SecretsScan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The whole suite's output holds none of its secrets (issue 13's proof). Run by its own surefire
 * execution once every test of proxy-core and proxy-server has run (proxy-server/pom.xml; the name is
 * no {@code *Test}, so the main execution leaves it out): every key and credential the tests configured
 * or sent ({@code SeenSecrets}) is looked for in everything they printed and logged — surefire keeps
 * each test class's stdout and stderr, the proxy's log lines among them, in {@code *-output.txt}. The
 * newest canary (LogCanaryTest) must be found, or the scan would prove nothing about the log lines.
 */
class SuiteLogScan {

    private static final List<Path> RECORDS = List.of(Path.of("../proxy-core/target/secrets-seen"),
            Path.of("target/secrets-seen"));
    private static final List<Path> REPORTS = List.of(Path.of("../proxy-core/target/surefire-reports"),
            Path.of("target/surefire-reports"));

    @Test
    void noSecretTheTestsConfiguredOrSentAppearsInWhatTheyPrintedOrLogged() throws IOException {
        List<Path> outputs = SecretsScan.outputs(REPORTS);
        Map<String, String> secrets = SecretsScan.secrets(RECORDS);
        long bytes = 0;
        for (Path p : outputs) {
            bytes += Files.size(p);
        }
        System.out.printf("secrets scan: %d secrets recorded (%d shorter than %d characters, not looked for), "
                + "%d files of output, %d bytes%n", secrets.size(), SecretsScan.tooShort(secrets),
                SecretsScan.MIN_LENGTH, outputs.size(), bytes);
        assertThat(outputs).as("captured output to scan").isNotEmpty();

        String canary = SecretsScan.newestCanary(Path.of("target/secrets-seen"));
        if (canary != null) {
            assertThat(SecretsScan.appears(canary, outputs))
                    .as("the canary LogCanaryTest logged through the proxy's appender is in the scanned output")
                    .isTrue();
        } else {
            System.out.println("secrets scan: no canary recorded (LogCanaryTest did not run): the capture of the "
                    + "proxy's log lines is not proven by this run");
        }

        assertThat(SecretsScan.scan(secrets, outputs)).as("secrets found in the suite's output").isEmpty();
    }
}
