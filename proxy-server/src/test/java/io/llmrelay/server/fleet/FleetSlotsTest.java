package io.llmrelay.server.fleet;

import static io.llmrelay.server.testing.RelayHarness.member;
import static io.llmrelay.server.testing.RelayHarness.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrelay.core.config.ModelsConfig;
import io.llmrelay.core.config.RoutingConfig;
import io.llmrelay.core.config.RoutingConfig.Strategy;
import io.llmrelay.core.config.RoutingConfig.Sticky;
import io.llmrelay.server.demo.DemoBackend;
import io.llmrelay.server.testing.DemoBackends;
import io.llmrelay.server.testing.EchoAnswers;
import io.llmrelay.server.testing.Ndjson;
import io.llmrelay.server.testing.RelayHarness;
import io.llmrelay.server.testing.ScriptedBackend;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A backend's slot (what {@code max_concurrency} and least-connections count) is taken for every
 * request sent to it and given back however the request ends; a pinned conversation whose backend is
 * full is served elsewhere rather than refused.
 */
class FleetSlotsTest {

    private static final String STREAMED_CHAT = "{\"model\":\"demo\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String CHAT = "{\"model\":\"demo\",\"stream\":false,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    private DemoBackends demos;
    private final List<AutoCloseable> closing = new ArrayList<>();
    private final List<Response> held = new ArrayList<>();

    @BeforeEach
    void start() {
        demos = new DemoBackends();
    }

    @AfterEach
    void stop() throws Exception {
        held.forEach(Response::close);
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
        demos.close();
    }

    private RelayHarness relay(io.llmrelay.core.config.RelayConfig config) throws Exception {
        RelayHarness relay = RelayHarness.start(config).awaitReady();
        closing.add(relay);
        return relay;
    }

    private Response hold(RelayHarness relay, String... headers) throws Exception {
        Response r = relay.post("/api/chat", STREAMED_CHAT, headers);
        held.add(r);
        assertThat(r.code()).isEqualTo(200);
        return r;
    }

    @Test
    void aPinnedSessionWhoseBackendIsFullIsServedElsewhereThenReturns() throws Exception {
        DemoBackend a = demos.start(Duration.ofSeconds(1));
        DemoBackend b = demos.start(Duration.ofSeconds(1));
        DemoBackend c = demos.start(Duration.ofSeconds(1));
        RelayHarness relay = relay(RelayHarness.fleet(List.of(member("a", a.baseUrl(), options(100, 1, 1)),
                member("b", b.baseUrl(), options(100, 1, 1)), member("c", c.baseUrl(), options(100, 1, 1))),
                new RoutingConfig(Strategy.ROUND_ROBIN, Sticky.HEADER), ModelsConfig.none()));
        String pinned = hold(relay, "X-Session-ID", "s-1").header("X-Relay-Backend");
        for (int i = 0; i < 2; i++) {
            try (Response r = relay.post("/v1/chat/completions", CHAT, "X-Session-ID", "s-1")) {
                assertThat(r.code()).as("the pinned backend is full: another serves").isEqualTo(200);
                assertThat(r.header("X-Relay-Backend")).isNotEqualTo(pinned);
                r.body().string();
            }
        }
        held.remove(0).close();
        FleetStrategiesTest.awaitInFlight(relay, pinned, 0);
        try (Response r = relay.post("/v1/chat/completions", CHAT, "X-Session-ID", "s-1")) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.header("X-Relay-Backend")).as("back on its own backend").isEqualTo(pinned);
            r.body().string();
        }
    }

    @Test
    void aClientThatLeavesBeforeTheFirstByteGivesTheSlotBack() throws Exception {
        ScriptedBackend slow = new ScriptedBackend();
        closing.add(slow);
        slow.answerAll(EchoAnswers.as("slow", 700)); // longer than the client waits
        RelayHarness relay = relay(RelayHarness.fleet(Strategy.LEAST_CONNECTIONS,
                member("slow", slow.baseUrl(), options(100, 1, 1))));
        String chat = "{\"model\":\"m\",\"stream\":false,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        for (String path : new String[] {"/api/chat", "/v1/chat/completions"}) {
            Call call = relay.http.newBuilder().callTimeout(200, TimeUnit.MILLISECONDS).build()
                    .newCall(new Request.Builder().url(relay.url(path)).post(RequestBody.create(chat, RelayHarness.JSON)).build());
            try (Response r = call.execute()) {
                throw new AssertionError(path + ": answered before the backend's first byte: " + r.code());
            } catch (InterruptedIOException expected) {
                // the client gave up
            }
            slow.takeRequest();
            FleetStrategiesTest.awaitInFlight(relay, "slow", 0);
        }
        // cancelled, not answered: the slot came back when the client left, not when the backend answered
        String metrics = relay.metrics();
        for (int i = 0; i < 100 && !metrics.contains("outcome=\"cancelled\"} 2"); i++) {
            Thread.sleep(10);
            metrics = relay.metrics();
        }
        assertThat(metrics).contains("llm_relay_backend_attempts_total{backend=\"slow\",outcome=\"cancelled\"} 2\n");
    }

    @Test
    void aBackendErrorGivesTheSlotBack() throws Exception {
        ScriptedBackend failing = new ScriptedBackend();
        closing.add(failing);
        RelayHarness relay = relay(RelayHarness.fleet(Strategy.LEAST_CONNECTIONS,
                member("failing", failing.baseUrl(), options(100, 1, 1))));
        String chat = "{\"model\":\"m\",\"stream\":false,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        for (int i = 0; i < 3; i++) {
            failing.enqueue(new mockwebserver3.MockResponse.Builder().code(500)
                    .body("{\"error\":{\"message\":\"out of memory\"}}").build());
            try (Response r = relay.post(i % 2 == 0 ? "/api/chat" : "/v1/chat/completions", chat)) {
                assertThat(r.code()).as("the backend's own status, not a 503 from a leaked slot").isEqualTo(500);
                assertThat(r.header("X-Relay-Backend")).as("a backend's error is a proxied answer too").isEqualTo("failing");
                assertThat(r.header("X-Relay-Model")).isEqualTo("m");
                assertThat(r.header("X-Relay-Attempts")).isEqualTo("1");
                JsonNode error = Ndjson.json(r.body().string()).get("error");
                assertThat(error.toString()).contains("out of memory");
            }
            FleetStrategiesTest.awaitInFlight(relay, "failing", 0);
        }
    }

    @Test
    void anOpenAiRequestWithoutAModelRespectsTheCapOfTheOnlyBackend() throws Exception {
        DemoBackend only = demos.start(Duration.ofSeconds(1));
        RelayHarness relay = relay(RelayHarness.fleet(Strategy.LEAST_CONNECTIONS,
                member("only", only.baseUrl(), options(100, 1, 1))));
        hold(relay);
        try (Response r = relay.post("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")) {
            assertThat(r.code()).as("the only backend is at its max_concurrency").isEqualTo(503);
            assertThat(r.header("Retry-After")).isNotNull();
        }
        assertThat(only.openStreams()).isEqualTo(1);
        FleetStrategiesTest.awaitInFlight(relay, "only", 1);
    }
}
