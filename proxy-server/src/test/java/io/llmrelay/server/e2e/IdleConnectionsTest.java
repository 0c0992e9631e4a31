package io.llmrelay.server.e2e;

import static io.llmrelay.server.testing.Ndjson.contentChunk;
import static io.llmrelay.server.testing.Ndjson.finishChunk;
import static io.llmrelay.server.testing.Ndjson.sse;
import static org.assertj.core.api.Assertions.assertThat;

import io.llmrelay.core.config.RelayConfig;
import io.llmrelay.server.testing.RawHttp;
import io.llmrelay.server.testing.RelayHarness;
import io.llmrelay.server.testing.ScriptedBackend;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import mockwebserver3.MockResponse;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

/** Idle keep-alive client connections and idle pooled backend connections are closed, and only those. */
class IdleConnectionsTest {

    private static final String LOAD = "{\"model\":\"m\",\"messages\":[],\"stream\":false}";
    private static final String STREAM = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"stream\":true}";

    private static UnaryOperator<RelayConfig> idleTimes(Duration client, Duration pool) {
        return c -> new RelayConfig(c.host(), c.port(), c.backends(), c.maxRequestBytes(), c.maxEventBytes(),
                c.eventLoops(), new RelayConfig.Timeouts(c.timeouts().connect(), c.timeouts().upstreamIdle(),
                        c.timeouts().clientStall(), pool, client),
                c.modelsRefresh(), c.healthInterval(), c.modelOverrides(), c.cors());
    }

    @Test
    void aClientConnectionIsIdleFromTheEndOfItsLastAnswerNotFromItsLastRequest() throws Exception {
        try (ScriptedBackend backend = new ScriptedBackend();
                RelayHarness relay = RelayHarness.start(backend.baseUrl(),
                        idleTimes(Duration.ofMillis(600), Duration.ofSeconds(30)))) {
            // an answer that lasts longer than the idle time: 6 events, 250 ms apart
            String events = sse(contentChunk("a"), contentChunk("b"), contentChunk("c"), contentChunk("d"),
                    contentChunk("e"), finishChunk("stop"));
            int perEvent = events.length() / 7 + 1;
            backend.enqueue(new MockResponse.Builder().setHeader("Content-Type", "text/event-stream")
                    .body(events).throttleBody(perEvent, 250, TimeUnit.MILLISECONDS).build());
            try (RawHttp client = RawHttp.connect(relay.port(), 64 * 1024)) {
                client.post("/v1/chat/completions", STREAM);
                client.readUntil("data: [DONE]\n\n"); // the body's end (the backend gave its length)

                Thread.sleep(300); // well past 600 ms since the request, well within 600 ms since the answer
                client.post("/api/chat", LOAD);
                client.readUntil("\"done_reason\":\"load\"");
                long answered = System.nanoTime();

                String rest = client.readAllRaw(); // returns when the proxy closes the idle connection
                long idleMillis = (System.nanoTime() - answered) / 1_000_000;
                assertThat(rest.split("HTTP/1.1 200 OK", -1)).hasSize(3);
                assertThat(idleMillis).isGreaterThanOrEqualTo(500);
            }
        }
    }

    @Test
    void anUnusedPooledBackendConnectionIsClosedAfterThePoolIdleTime() throws Exception {
        try (ScriptedBackend backend = new ScriptedBackend();
                RelayHarness relay = RelayHarness.start(backend.baseUrl(),
                        idleTimes(Duration.ofSeconds(30), Duration.ofMillis(300)))) {
            backend.enqueue(new MockResponse.Builder().setHeader("Content-Type", "application/json")
                    .body("{\"id\":\"x\",\"object\":\"chat.completion\",\"choices\":[]}").build());
            try (Response r = relay.post("/v1/chat/completions", "{\"model\":\"m\",\"messages\":[]}")) {
                assertThat(r.code()).isEqualTo(200);
                r.body().string();
            }
            String idleGauge = "llm_relay_backend_connections{backend=\"test-backend\",state=\"idle\"} ";
            assertThat(scrape(relay)).containsPattern(Pattern.quote(idleGauge) + "[1-9]");
            String metrics = "";
            for (int i = 0; i < 100 && !metrics.contains(idleGauge + "0\n"); i++) {
                Thread.sleep(50);
                metrics = scrape(relay);
            }
            assertThat(metrics).contains(idleGauge + "0\n");
        }
    }

    private static String scrape(RelayHarness relay) throws Exception {
        try (Response r = relay.get("/metrics")) {
            return r.body().string();
        }
    }
}
