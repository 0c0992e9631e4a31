package io.llmrelay.server.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import io.llmrelay.server.demo.DemoBackend;
import io.llmrelay.server.testing.CapturedLog;
import io.llmrelay.server.testing.DemoBackends;
import io.llmrelay.server.testing.Ndjson;
import io.llmrelay.server.testing.RelayHarness;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import okhttp3.Response;
import okio.BufferedSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Configuration reloads of a running proxy ({@code POST /internal/reload}) in front of demo backends:
 * backends added and removed under load without a failed request, a stream on a removed backend
 * finishing whole and its connections closing after it, an invalid file refused with the running
 * fleet kept, and what is kept, replaced and handed over when a backend or a fleet-wide setting
 * changes.
 */
class ReloadTest {

    private static final String CHAT = "{\"model\":\"demo\",\"stream\":false,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String STREAM = CHAT.replace("\"stream\":false", "\"stream\":true");

    @TempDir
    Path dir;

    /** A fleet file: round-robin over {@code backends}, given as name, url, name, url, ... */
    private static String yaml(String... backends) {
        return yamlWith("", backends);
    }

    /** As {@link #yaml}, with {@code extra} sections after the backends. */
    private static String yamlWith(String extra, String... backends) {
        StringBuilder out = new StringBuilder("routing:\n  strategy: round-robin\nbackends:\n");
        for (int i = 0; i + 1 < backends.length; i += 2) {
            out.append("  - name: ").append(backends[i]).append('\n')
                    .append("    url: ").append(backends[i + 1]).append('\n');
        }
        return out.append(extra).toString();
    }

    @Test
    void backendsAddedAndRemovedUnderLoadFailNoRequest() throws Exception {
        try (DemoBackends demos = new DemoBackends(); CapturedLog log = new CapturedLog()) {
            DemoBackend a = demos.start(Duration.ofMillis(2));
            // b streams slowly, and alone serves "only-b": a stream of it is running when b is removed
            DemoBackend b = demos.start(Duration.ofMillis(60), List.of("demo", "only-b"));
            DemoBackend c = demos.start(Duration.ofMillis(2));
            try (RelayHarness relay = RelayHarness.fromYaml(dir, yaml("a", a.baseUrl(), "b", b.baseUrl())).awaitReady();
                    Load load = new Load(relay, 4)) {
                load.awaitCompleted(20);
                Fleet first = relay.server().relay().fleet();
                Backend keptA = first.named("a");
                Backend leavingB = first.named("b");

                // 1. c joins
                relay.rewrite(yaml("a", a.baseUrl(), "b", b.baseUrl(), "c", c.baseUrl()));
                JsonNode added = reload(relay, 200);
                long addedAt = System.nanoTime();
                assertThat(added.path("status").asText()).isEqualTo("reloaded");
                assertThat(names(added, "added")).containsExactly("c");
                assertThat(names(added, "removed")).isEmpty();
                assertThat(names(added, "changed")).isEmpty();
                assertThat(relay.server().relay().fleet().named("a")).as("an unchanged backend is kept").isSameAs(keptA);
                assertThat(relay.server().relay().fleet().named("b")).isSameAs(leavingB);
                awaitTrue("c serves requests started after it was added", () -> load.servedBy("c", addedAt) >= 5);

                // 2. a stream of b's own model runs while b is removed
                ExecutorService streamer = Executors.newSingleThreadExecutor();
                CountDownLatch streaming = new CountDownLatch(1);
                Future<List<JsonNode>> onB = streamer.submit(() -> streamLines(relay,
                        STREAM.replace("\"demo\"", "\"only-b\"").replace("hi", "please tell me a rather long story "
                                + "about a proxy that reloads its configuration while a stream is running"), streaming));
                assertThat(streaming.await(10, TimeUnit.SECONDS)).as("the stream on b started").isTrue();
                relay.rewrite(yaml("a", a.baseUrl(), "c", c.baseUrl()));
                JsonNode removed = reload(relay, 200);
                long removedAt = System.nanoTime();
                assertThat(names(removed, "removed")).containsExactly("b");
                assertThat(names(removed, "added")).isEmpty();
                assertThat(relay.server().relay().fleet().named("b")).isNull();
                assertThat(leavingB.retired()).isTrue();
                assertThat(b.stats().openStreams()).as("the stream is still running on b").isPositive();

                List<JsonNode> lines = onB.get(30, TimeUnit.SECONDS);
                streamer.shutdown();
                JsonNode last = lines.get(lines.size() - 1);
                assertThat(last.path("done").asBoolean()).as("the stream on b finished whole: %s", last).isTrue();
                assertThat(last.path("done_reason").asText()).isEqualTo("stop");
                StringBuilder text = new StringBuilder();
                lines.forEach(l -> text.append(l.path("message").path("content").asText()));
                assertThat(text.toString()).startsWith("Hello! This is the llm-relay demo model.")
                        .endsWith("to talk to a real model.");

                // requests that began before the reload may still land on b for a moment; none after that
                Thread.sleep(300);
                long bServed = b.stats().inferenceRequests();
                load.awaitCompleted(load.completed() + 40);
                load.stop();

                assertThat(load.failures()).as("failed requests").isEmpty();
                assertThat(load.servedBy("b", removedAt)).as("requests started after b was removed, served by b")
                        .isZero();
                assertThat(b.stats().inferenceRequests()).as("b got no request after its removal").isEqualTo(bServed);
                assertThat(load.servedBy("c", removedAt)).isPositive();
                assertThat(load.servedBy("a", removedAt)).isPositive();

                // b's connections all close: the idle ones at once, the busy ones as their answers ended
                awaitTrue("the proxy's connections to b are closed", () -> leavingB.origin().openConnections() == 0);
                awaitTrue("b sees no connection open", () -> b.stats().openConnections() == 0);
                assertThat(keptA.origin().openConnections()).as("a's pool is kept").isPositive();

                String metrics = relay.metrics();
                assertThat(metrics).contains("llm_relay_backend_connections{backend=\"c\"")
                        .doesNotContain("llm_relay_backend_connections{backend=\"b\"");
                assertThat(messages(log, Level.INFO)).anyMatch(m -> m.startsWith("Configuration reloaded: backends "
                        + "added [], removed [b]"));
            }
        }
    }

    @Test
    void anInvalidFileIsRefusedAndTheRunningFleetKeepsServing() throws Exception {
        try (DemoBackends demos = new DemoBackends(); CapturedLog log = new CapturedLog()) {
            DemoBackend a = demos.start();
            DemoBackend b = demos.start();
            try (RelayHarness relay = RelayHarness.fromYaml(dir, yaml("a", a.baseUrl(), "b", b.baseUrl())).awaitReady()) {
                Fleet running = relay.server().relay().fleet();
                String broken = yaml("a", a.baseUrl(), "b", b.baseUrl()).replace("    url: " + b.baseUrl() + "\n",
                        "    url: " + b.baseUrl() + "\n    weight: 0\n");
                relay.rewrite(broken);
                int line = lineOf(broken, "weight: 0");
                JsonNode refused = reload(relay, 400);
                assertThat(refused.path("status").asText()).isEqualTo("refused");
                String problem = dir.resolve("relay.yaml") + ":" + line + ": backends[1].weight: ";
                assertThat(names(refused, "problems")).singleElement().satisfies(p -> assertThat(p).startsWith(problem));
                assertThat(refused.path("error").asText()).contains(problem);

                assertThat(relay.server().relay().fleet()).as("the running fleet stays").isSameAs(running);
                for (int i = 0; i < 4; i++) {
                    try (Response r = relay.post("/api/chat", CHAT)) {
                        assertThat(r.code()).isEqualTo(200);
                    }
                }
                assertThat(messages(log, Level.ERROR)).anyMatch(m -> m.startsWith(
                        "Configuration reload refused, the running configuration stays: " + problem));
            }
        }
    }

    @Test
    void withoutAConfigFileThereIsNothingToReload() throws Exception {
        try (DemoBackends demos = new DemoBackends()) {
            DemoBackend a = demos.start();
            try (RelayHarness relay = RelayHarness.start(a.baseUrl()); Response r = relay.reload()) {
                assertThat(r.code()).isEqualTo(409);
                JsonNode body = Ndjson.json(r.body().string());
                assertThat(body.path("error").asText()).contains("started without a config file");
            }
        }
    }

    @Test
    void aChangedBackendIsReplacedAndFleetSettingsReachTheKeptOnes() throws Exception {
        try (DemoBackends demos = new DemoBackends()) {
            DemoBackend a = demos.start();
            DemoBackend b = demos.start();
            try (RelayHarness relay = RelayHarness.fromYaml(dir, yaml("a", a.baseUrl(), "b", b.baseUrl())).awaitReady()) {
                Fleet first = relay.server().relay().fleet();
                try (Response r = relay.post("/api/chat", CHAT)) {
                    assertThat(r.code()).isEqualTo(200);
                }
                assertThat(capabilities(relay)).doesNotContain("thinking");

                // b's weight changes; the routing strategy and the model overrides are fleet-wide
                String next = yamlWith("models:\n  capabilities:\n    demo: [+thinking]\n", "a", a.baseUrl(), "b",
                        b.baseUrl()).replace("round-robin", "least-connections")
                        .replace("    url: " + b.baseUrl() + "\n", "    url: " + b.baseUrl() + "\n    weight: 3\n");
                relay.rewrite(next);
                JsonNode outcome = reload(relay, 200);
                assertThat(names(outcome, "changed")).containsExactly("b");
                assertThat(names(outcome, "added")).isEmpty();
                assertThat(names(outcome, "removed")).isEmpty();
                assertThat(names(outcome, "settings")).containsExactly("routing", "model_overrides");
                assertThat(names(outcome, "restart_needed")).isEmpty();

                Fleet second = relay.server().relay().fleet();
                assertThat(second.named("a")).isSameAs(first.named("a"));
                assertThat(second.named("b")).isNotSameAs(first.named("b"));
                assertThat(second.named("b").options().weight()).isEqualTo(3);
                assertThat(first.named("b").retired()).isTrue();
                assertThat(second.named("b").ready()).as("the replacement was probed and listed before it joined")
                        .isTrue();
                assertThat(second.config().routing().strategy().name()).isEqualTo("LEAST_CONNECTIONS");
                // the kept backend's catalogue was described again with the new override, without a read
                assertThat(capabilities(relay)).contains("thinking");
                awaitTrue("the old b's connections close", () -> first.named("b").origin().openConnections() == 0);
            }
        }
    }

    // ---- helpers

    private static JsonNode reload(RelayHarness relay, int status) throws IOException {
        try (Response r = relay.reload()) {
            String body = r.body().string();
            assertThat(r.code()).as(body).isEqualTo(status);
            return Ndjson.json(body);
        }
    }

    private static List<String> names(JsonNode outcome, String field) {
        List<String> out = new ArrayList<>();
        outcome.path(field).forEach(n -> out.add(n.asText()));
        return out;
    }

    private static List<String> capabilities(RelayHarness relay) throws IOException {
        try (Response r = relay.post("/api/show", "{\"model\":\"demo\"}")) {
            assertThat(r.code()).isEqualTo(200);
            return names(Ndjson.json(r.body().string()), "capabilities");
        }
    }

    private static int lineOf(String text, String part) {
        String[] lines = text.split("\n");
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].contains(part)) {
                return i + 1;
            }
        }
        throw new AssertionError(part + " not in the text");
    }

    private static List<String> messages(CapturedLog log, Level level) {
        List<String> out = new ArrayList<>();
        for (ILoggingEvent e : log.events()) {
            if (e.getLevel().equals(level)) {
                out.add(e.getFormattedMessage());
            }
        }
        return out;
    }

    private static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 20 s: " + what);
            }
            Thread.sleep(20);
        }
    }

    /** A streamed /api/chat read line by line; {@code started} counts down at its first line. */
    private static List<JsonNode> streamLines(RelayHarness relay, String body, CountDownLatch started)
            throws IOException {
        try (Response r = relay.post("/api/chat", body)) {
            assertThat(r.code()).isEqualTo(200);
            List<JsonNode> lines = new ArrayList<>();
            BufferedSource source = r.body().source();
            String line;
            while ((line = source.readUtf8Line()) != null) {
                lines.add(Ndjson.json(line));
                started.countDown();
            }
            return lines;
        }
    }

    /**
     * Client threads sending /api/chat without pause, streamed and not, each checked whole: a request
     * fails unless it answers 200 and its last line says {@code done}. Each request's start and the
     * backend that served it ({@code X-Relay-Backend}) are kept.
     */
    private static final class Load implements AutoCloseable {

        private record Served(long startedNanos, String backend) {}

        private final RelayHarness relay;
        private final ExecutorService threads;
        private final ConcurrentLinkedQueue<Served> served = new ConcurrentLinkedQueue<>();
        private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        private volatile boolean running = true;

        Load(RelayHarness relay, int clients) {
            this.relay = relay;
            this.threads = Executors.newFixedThreadPool(clients);
            for (int i = 0; i < clients; i++) {
                int client = i;
                threads.execute(() -> run(client));
            }
        }

        private void run(int client) {
            for (int n = 0; running; n++) {
                boolean stream = (n + client) % 2 == 0;
                long started = System.nanoTime();
                try (Response r = relay.post("/api/chat", stream ? STREAM : CHAT)) {
                    String body = r.body().string();
                    List<JsonNode> lines = r.code() == 200 ? Ndjson.parse(body.endsWith("\n") ? body : body + "\n")
                            : List.of();
                    if (r.code() != 200 || !lines.get(lines.size() - 1).path("done").asBoolean()) {
                        failures.add((stream ? "stream" : "chat") + " " + r.code() + ": " + body);
                    } else {
                        served.add(new Served(started, r.header("X-Relay-Backend")));
                    }
                } catch (IOException | RuntimeException | AssertionError e) {
                    failures.add((stream ? "stream" : "chat") + ": " + e);
                }
            }
        }

        int completed() {
            return served.size() + failures.size();
        }

        void awaitCompleted(int count) throws InterruptedException {
            awaitTrue(count + " requests completed", () -> completed() >= count);
        }

        /** Requests started at or after {@code sinceNanos} that {@code backend} served. */
        long servedBy(String backend, long sinceNanos) {
            return served.stream().filter(s -> s.startedNanos - sinceNanos >= 0 && backend.equals(s.backend)).count();
        }

        List<String> failures() {
            return List.copyOf(failures);
        }

        void stop() throws InterruptedException {
            running = false;
            threads.shutdown();
            assertThat(threads.awaitTermination(30, TimeUnit.SECONDS)).as("the clients finished").isTrue();
        }

        @Override
        public void close() throws InterruptedException {
            if (running) {
                stop();
            }
        }
    }
}
