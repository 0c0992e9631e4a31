package io.llmrelay.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.llmrelay.server.demo.DemoBackend;
import io.llmrelay.server.testing.DemoBackends;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGHUP on a real {@code llm-relay serve --config FILE} process (this test's class path): a rewritten
 * file takes effect, an invalid one is refused with a log line and the running fleet stays.
 */
class ReloadSignalTest {

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void sighupReloadsTheConfigFile() throws Exception {
        assumeTrue(!System.getProperty("os.name").toLowerCase().contains("win"), "SIGHUP is a POSIX signal");
        // a process started with SIGHUP ignored (under nohup) passes that on to its children, and a JVM leaves
        // an ignored signal ignored: serve then says it cannot reload on SIGHUP, rightly, and this test cannot run
        assumeTrue(!sighupIgnored(), "SIGHUP is ignored in this process (started under nohup?), so in its children too");
        try (DemoBackends demos = new DemoBackends()) {
            DemoBackend a = demos.start();
            DemoBackend b = demos.start(Duration.ZERO, List.of("other"));
            Path file = dir.resolve("relay.yaml");
            // port 0: the process binds a port of its own and logs it (a port picked here could be taken by
            // another test's server before the process binds it, and that server would answer instead)
            String first = "server:\n  port: 0\n  log_format: text\nbackends:\n  - name: a\n    url: "
                    + a.baseUrl() + "\n";
            Files.writeString(file, first);
            Path output = dir.resolve("serve.log");
            String java = ProcessHandle.current().info().command().orElse("java");
            Process serve = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    "io.llmrelay.server.cli.Main", "serve", "--config", file.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .start();
            try {
                awaitLog(output, "listening on"); // logged once SIGHUP reloads
                Matcher m = Pattern.compile("listening on http://[^:]+:(\\d+)")
                        .matcher(Files.readString(output));
                assertThat(m.find()).as("the port in the log").isTrue();
                int port = Integer.parseInt(m.group(1));
                String tags = await("the proxy serves a's models", port, body -> body.contains("\"demo\""));
                assertThat(tags).doesNotContain("\"other\"");

                Files.writeString(file, first + "  - name: b\n    url: " + b.baseUrl() + "\n");
                hangUp(serve);
                await("b's model is listed after SIGHUP", port, body -> body.contains("\"other\""));
                awaitLog(output, "Configuration reloaded: backends added [b]");

                Files.writeString(file, first + "  - name: b\n    url: " + b.baseUrl() + "\n    weight: 0\n");
                hangUp(serve);
                awaitLog(output, "Configuration reload refused, the running configuration stays: " + file + ":9: "
                        + "backends[1].weight: ");
                assertThat(await("both models are still listed", port, body -> true)).contains("\"demo\"")
                        .contains("\"other\"");
            } finally {
                serve.destroy(); // SIGTERM: drains and stops
                if (!serve.waitFor(20, TimeUnit.SECONDS)) {
                    serve.destroyForcibly();
                }
            }
        }
    }

    /** Whether this process ignores SIGHUP (Linux: the SigIgn mask of /proc/self/status, bit 0). */
    private static boolean sighupIgnored() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.exists(status)) {
            return false;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("SigIgn:")) {
                return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & 1L) != 0;
            }
        }
        return false;
    }

    private static void hangUp(Process process) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(process.pid())).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0).as("kill -HUP").isTrue();
    }

    /** Polls {@code /api/tags} (up to 30 s: the JVM starts first) until its body passes {@code test}. */
    private String await(String what, int port, Predicate<String> test) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String last = "(no answer)";
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/api/tags")).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString());
                last = r.statusCode() + " " + r.body();
                if (r.statusCode() == 200 && test.test(r.body())) {
                    return r.body();
                }
            } catch (IOException notYet) {
                last = notYet.toString();
            }
            Thread.sleep(100);
        }
        throw new AssertionError("not within 30 s: " + what + "; last answer: " + last);
    }

    private static void awaitLog(Path output, String line) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (Files.readString(output).contains(line)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the log has no '" + line + "':\n" + Files.readString(output));
    }
}
