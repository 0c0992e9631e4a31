package io.llmrelay.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrelay.server.RelayServer;
import io.llmrelay.server.runtime.Transport;
import io.llmrelay.server.demo.DemoBackend;
import io.llmrelay.server.testing.DemoBackends;
import io.llmrelay.server.testing.Ndjson;
import io.llmrelay.server.testing.RawHttp;
import io.llmrelay.server.testing.RelayHarness;
import io.netty.channel.EventLoopGroup;
import java.io.ByteArrayOutputStream;
import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Stopping drains: readiness turns 503 at once, running answers finish, idle connections close and
 * new ones are refused; what outlives the deadline ends with an error in its client's shape.
 */
class GracefulShutdownTest {

    private static final String CHAT = "{\"model\":\"demo\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
    private static final String OPENAI_STREAM =
            "{\"model\":\"demo\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";

    @Test
    void aRunningStreamFinishesWhileNewConnectionsAreRefused() throws Exception {
        EventLoopGroup loops = Transport.best().newGroup(2, "shutdown-test");
        try (DemoBackend demo = DemoBackend.start(loops, Transport.best(), "127.0.0.1", 0, Duration.ofMillis(20))) {
            RelayServer server = RelayServer.start(RelayHarness.config(RelayHarness.backend(demo.baseUrl(), null)),
                    Transport.best(), loops);
            int port = server.port();
            try (RawHttp client = RawHttp.connect(port, 64 * 1024)) {
                client.post("/api/chat", CHAT, "Connection: close");
                client.read(100); // streaming has begun
                CompletableFuture<Void> closing = CompletableFuture.runAsync(() -> server.close(Duration.ofSeconds(10)));

                List<JsonNode> lines = Ndjson.parse(client.readChunkedBodyToEnd());
                assertThat(lines.get(lines.size() - 1).get("done").asBoolean()).as("the stream ran to its end").isTrue();
                assertThatThrownBy(() -> RawHttp.connect(port, 1024)).isInstanceOf(ConnectException.class);
                closing.get(10, TimeUnit.SECONDS);
            }
        } finally {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void readinessSaysDrainingFromTheFirstMomentOnAConnectionAlreadyOpen() throws Exception {
        try (DemoBackends demos = new DemoBackends();
                RelayHarness relay = RelayHarness.start(demos.start().baseUrl()).awaitReady();
                RawHttp probe = RawHttp.connect(relay.port(), 64 * 1024)) {
            probe.send(RawHttp.getRequest("/health/ready"));
            assertThat(probe.readResponse().status()).isEqualTo(200);

            relay.server().beginDrain(); // what the signal handler does, before the drain proper starts

            probe.send(RawHttp.getRequest("/health/ready"));
            RawHttp.Response ready = probe.readResponse();
            assertThat(ready.status()).isEqualTo(503);
            assertThat(Ndjson.json(ready.body()).get("status").asText()).isEqualTo("draining");
            probe.send(RawHttp.getRequest("/health"));
            RawHttp.Response live = probe.readResponse();
            assertThat(live.status()).as("alive while it drains").isEqualTo(200);
            assertThat(Ndjson.json(live.body()).get("status").asText()).isEqualTo("ok");
        }
    }

    @Test
    void theDrainFinishesTheStreamAndWhatWasReadBehindItClosesIdleConnectionsAndRefusesNewOnes() throws Exception {
        try (DemoBackends demos = new DemoBackends();
                // about 25 tokens 160 ms apart: a stream of some 4 s
                RelayHarness relay = RelayHarness.start(demos.start(Duration.ofMillis(160)).baseUrl()).awaitReady();
                RawHttp busy = RawHttp.connect(relay.port(), 64 * 1024);
                RawHttp idle = RawHttp.connect(relay.port(), 64 * 1024)) {
            idle.send(RawHttp.getRequest("/api/version"));
            assertThat(idle.readResponse().status()).isEqualTo(200); // from now on an idle keep-alive connection
            // a stream, and two requests pipelined behind it: read by the proxy, waiting for their turn
            busy.send(concat(RawHttp.request("/api/chat", CHAT), RawHttp.getRequest("/health/ready"),
                    RawHttp.getRequest("/health")));
            awaitRunningStreams(relay, 1);

            CompletableFuture<RelayServer.Drained> drained =
                    CompletableFuture.supplyAsync(() -> relay.server().close(Duration.ofSeconds(60)));

            assertThat(idle.closedByServer()).as("the idle connection is closed").isTrue();
            assertThat(drained).as("at once, while the stream runs on").isNotDone();
            assertThatThrownBy(() -> RawHttp.connect(relay.port(), 1024)).as("the listening socket is closed")
                    .isInstanceOf(ConnectException.class);

            List<JsonNode> lines = Ndjson.parse(busy.readResponse().body());
            assertThat(lines.get(lines.size() - 1).get("done").asBoolean()).as("the stream ran to its end").isTrue();
            RawHttp.Response ready = busy.readResponse();
            assertThat(ready.status()).isEqualTo(503);
            assertThat(Ndjson.json(ready.body()).get("status").asText()).isEqualTo("draining");
            assertThat(ready.header("connection")).as("another answer follows on this connection").isNull();
            RawHttp.Response live = busy.readResponse();
            assertThat(live.status()).isEqualTo(200);
            assertThat(live.header("connection")).as("the last answer says so").isEqualTo("close");
            assertThat(busy.readResponse()).as("and then the connection closes").isNull();

            assertThat(drained.get(60, TimeUnit.SECONDS)).isEqualTo(new RelayServer.Drained(2, 0, false));
        }
    }

    @Test
    void answersThatOutliveTheDeadlineEndWithAnErrorInTheirClientsShape() throws Exception {
        try (DemoBackends demos = new DemoBackends();
                // about 25 tokens 300 ms apart: far longer than the deadline
                RelayHarness relay = RelayHarness.start(demos.start(Duration.ofMillis(300)).baseUrl()).awaitReady();
                RawHttp ollama = RawHttp.connect(relay.port(), 64 * 1024);
                RawHttp openai = RawHttp.connect(relay.port(), 64 * 1024)) {
            ollama.post("/api/chat", CHAT);
            openai.post("/v1/chat/completions", OPENAI_STREAM);
            awaitRunningStreams(relay, 2);

            assertThat(relay.server().close(Duration.ofMillis(500))).isEqualTo(new RelayServer.Drained(2, 2, false));

            RawHttp.Response cutNdjson = ollama.readResponse(); // chunked to its proper end
            List<JsonNode> lines = Ndjson.parse(cutNdjson.body());
            assertThat(lines.get(0).get("done").asBoolean()).isFalse();
            assertThat(lines.get(lines.size() - 1).get("error").asText())
                    .isEqualTo("llm-relay is shutting down and could not wait for this answer to finish");
            assertThat(ollama.readResponse()).as("then the connection closes").isNull();

            String events = openai.readResponse().body();
            String last = events.substring(events.lastIndexOf("data: "));
            assertThat(last).endsWith("\n\n");
            JsonNode error = Ndjson.json(last.substring("data: ".length()).trim()).get("error");
            assertThat(error.get("message").asText()).contains("shutting down");
            assertThat(openai.readResponse()).isNull();

            assertThat(relay.server().relay().fleet().backends().get(0).stats().inFlight())
                    .as("both backend requests were cancelled, their slots given back").isZero();
            awaitMetric(relay, "llm_relay_errors_total{kind=\"shutdown\"} 2\n");
        }
    }

    @Test
    void cuttingTheDrainShortEndsTheRunningAnswersWithoutWaitingForTheDeadline() throws Exception {
        try (DemoBackends demos = new DemoBackends();
                RelayHarness relay = RelayHarness.start(demos.start(Duration.ofMillis(300)).baseUrl()).awaitReady();
                RawHttp client = RawHttp.connect(relay.port(), 64 * 1024)) {
            client.post("/api/chat", CHAT);
            awaitRunningStreams(relay, 1);
            CompletableFuture<RelayServer.Drained> drained =
                    CompletableFuture.supplyAsync(() -> relay.server().close(Duration.ofMinutes(10)));
            while (!relay.server().relay().draining().isOn()) {
                Thread.sleep(5); // the drain is under way; then a second stop signal comes
            }
            relay.server().cutDrainNow();

            assertThat(drained.get(60, TimeUnit.SECONDS)).isEqualTo(new RelayServer.Drained(1, 1, true));
            List<JsonNode> lines = Ndjson.parse(client.readResponse().body());
            assertThat(lines.get(lines.size() - 1).has("error")).isTrue();
        }
    }

    private static void awaitRunningStreams(RelayHarness relay, int n) throws Exception {
        awaitMetric(relay, "llm_relay_inflight_streams " + n + "\n");
    }

    /** Waits (up to 10 s) until the proxy's metrics contain {@code sample}; read in process, not over a connection. */
    private static void awaitMetric(RelayHarness relay, String sample) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!relay.server().relay().metrics().scrape().contains(sample)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no '" + sample.trim() + "' within 10 s");
            }
            Thread.sleep(20);
        }
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            all.writeBytes(p);
        }
        return all.toByteArray();
    }
}
