package io.llmrelay.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve --warm-up-and-exit}, as run.sh and the Docker image use it to write a class-data
 * archive. (The archive itself needs the shaded jar, not these class folders: test.sh checks that
 * run.sh writes it.)
 */
class WarmUpTest {

    @Test
    void servesEveryKindOfRequestThenExits(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("out.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"), Main.class.getName(), "serve",
                "--port", "0", "--warm-up-and-exit", "--demo-token-delay-ms", "0", "--log-level", "INFO",
                "--log-format", "json"))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("exited").isTrue();
        String out = Files.readString(log);
        assertThat(p.exitValue()).as(out).isZero();
        // each route answered (the access log has a line per request, the error path included)
        assertThat(out).contains("\"path\":\"/api/chat\"").contains("\"path\":\"/v1/chat/completions\"")
                .contains("\"path\":\"/api/embed\"").contains("\"status\":400").contains("\"status\":404")
                .doesNotContain("warm-up failed")
                // and stopped through the shutdown a SIGTERM takes, so that an archive holds its classes too
                .contains("warm-up done: stopping").contains("\"message\":\"Stopped\"");
    }
}
