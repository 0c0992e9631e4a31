package io.llmrelay.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrelay.server.testing.Ndjson;
import io.llmrelay.server.testing.RawHttp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve} as its own process (this module's classes, as {@link WarmUpTest} runs them) in front
 * of its demo backend, stopped by SIGTERM ({@link Process#destroy()} sends it on Linux and macOS):
 * the running stream finishes whole and the process exits with status 0, not the JVM's 143.
 */
class ServeSigtermTest {

    private static final String CHAT = "{\"model\":\"demo\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
    private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");

    @TempDir
    Path dir;

    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void killWhatIsLeft() {
        started.forEach(Process::destroyForcibly);
    }

    @Test
    void sigtermLetsTheRunningStreamFinishThenExitsZero() throws Exception {
        Path log = dir.resolve("serve.log");
        // about 25 tokens 60 ms apart: a stream of some 1.5 s
        Process p = serve(log, "--demo-token-delay-ms", "60", "--drain-timeout", "30s");
        try (RawHttp client = RawHttp.connect(port(p, log), 64 * 1024)) {
            client.post("/api/chat", CHAT);
            client.readUntil("\"done\":false"); // the stream is running

            p.destroy(); // SIGTERM

            List<JsonNode> lines = Ndjson.parse(client.readChunkedBodyToEnd());
            assertThat(lines.get(lines.size() - 1).get("done").asBoolean()).as("the stream ran to its end").isTrue();
            assertThat(lines).hasSizeGreaterThan(5).noneMatch(line -> line.has("error"));
        }
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("exited within the drain deadline").isTrue();
        String out = Files.readString(log);
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("SIGTERM: stopping").contains("Drained: every running answer finished")
                .contains("\"path\":\"/api/chat\"").contains("\"outcome\":\"ok\"");
        // Main names RelayLogProvider: no note from SLF4J about it, and no choice among several providers
        assertThat(out).doesNotContain("SLF4J");
    }

    @Test
    void aSecondSigtermCutsTheStreamWithAnErrorLineAndStillExitsZero() throws Exception {
        Path log = dir.resolve("serve.log");
        // about 25 tokens 1 s apart, and a deadline far beyond the test's patience
        Process p = serve(log, "--demo-token-delay-ms", "1000", "--drain-timeout", "10m");
        try (RawHttp client = RawHttp.connect(port(p, log), 64 * 1024)) {
            client.post("/api/chat", CHAT);
            client.readUntil("\"done\":false");

            p.destroy();
            awaitLog(log, "SIGTERM: stopping");
            p.destroy(); // the second: stop waiting

            List<JsonNode> lines = Ndjson.parse(client.readChunkedBodyToEnd());
            assertThat(lines.get(lines.size() - 1).get("error").asText()).contains("shutting down");
        }
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("exited long before the deadline").isTrue();
        String out = Files.readString(log);
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("Drain cut short: 1 of 1 client connections were still busy");
    }

    private Process serve(Path log, String... extra) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "serve", "--port", "0", "--log-format", "json", "--log-level", "INFO"));
        command.addAll(List.of(extra));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        started.add(p);
        return p;
    }

    /** The port the proxy says it listens on (it was started on port 0). */
    private static int port(Process p, Path log) throws Exception {
        Matcher m = LISTENING.matcher(awaitLog(log, "listening on"));
        assertThat(m.find()).isTrue();
        return Integer.parseInt(m.group(1));
    }

    /** Waits (up to 60 s: the JVM starts on a busy machine) until the log contains {@code text}; the log so far. */
    private static String awaitLog(Path log, String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            String out = Files.exists(log) ? Files.readString(log) : "";
            if (out.contains(text)) {
                return out;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the log never said '" + text + "':\n" + out);
            }
            Thread.sleep(20);
        }
    }
}
