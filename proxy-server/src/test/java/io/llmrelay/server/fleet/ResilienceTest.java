package io.llmrelay.server.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrelay.core.config.BackendConfig;
import io.llmrelay.core.config.ModelsConfig;
import io.llmrelay.core.config.RelayConfig;
import io.llmrelay.core.config.ResilienceConfig;
import io.llmrelay.core.config.RoutingConfig;
import io.llmrelay.server.demo.DemoBackend;
import io.llmrelay.server.demo.Fault;
import io.llmrelay.server.demo.FaultPlan;
import io.llmrelay.server.testing.DemoBackends;
import io.llmrelay.server.testing.EchoAnswers;
import io.llmrelay.testing.FakeClock;
import io.llmrelay.server.testing.Ndjson;
import io.llmrelay.server.testing.RelayHarness;
import io.llmrelay.server.testing.ScriptedBackend;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import mockwebserver3.MockResponse;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import io.llmrelay.testing.SeenSecrets;

/**
 * The backend states that keep traffic away from a failing backend, end to end on a fake clock: the
 * circuit breaker (closed → open → half-open → closed, or open again), a {@code Retry-After}
 * hold-off, outlier ejection within the model's cap, slow start after a recovery, and the answer
 * when no backend may take a request. The first backend has the higher priority, so it gets every
 * request while it is routable; the second shows where the others went.
 */
class ResilienceTest {

    private static final String CHAT = "{\"model\":\"m\",\"stream\":false,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String DEMO_CHAT = CHAT.replace("\"m\"", "\"demo\"");
    private static final String V1 = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    private final FakeClock clock = new FakeClock();
    private ScriptedBackend first;
    private ScriptedBackend second;

    @BeforeEach
    void start() throws Exception {
        first = new ScriptedBackend();
        second = new ScriptedBackend();
        second.answerAll(EchoAnswers.as("second"));
    }

    @AfterEach
    void stop() {
        first.close();
        second.close();
    }

    private static ResilienceConfig resilience(ResilienceConfig.Breaker breaker, int maxEjectedPercent,
            Duration slowStart, int attempts) {
        ResilienceConfig d = ResilienceConfig.defaults();
        ResilienceConfig.Health h = d.health();
        ResilienceConfig.Outlier o = d.outlier();
        ResilienceConfig.Retry r = d.retry();
        return new ResilienceConfig(new ResilienceConfig.Health(h.timeout(), h.path(), h.fall(), h.rise(), slowStart,
                h.ready()), breaker, new ResilienceConfig.Outlier(o.consecutiveErrors(), o.baseEjection(),
                o.maxEjection(), maxEjectedPercent), new ResilienceConfig.Retry(attempts, r.on(), 100, Duration.ZERO));
    }

    private static final ResilienceConfig.Breaker NO_BREAKER = new ResilienceConfig.Breaker(1000, Duration.ofSeconds(10));

    private RelayHarness relay(ResilienceConfig resilience, BackendConfig... backends) throws Exception {
        RelayConfig c = RelayHarness.fleet(List.of(backends),
                new RoutingConfig(RoutingConfig.Strategy.PRIORITY, RoutingConfig.Sticky.OFF), ModelsConfig.none());
        return RelayHarness.start(RelayHarness.withResilience(c, resilience), clock).awaitReady();
    }

    private RelayHarness pair(ResilienceConfig resilience) throws Exception {
        return relay(resilience, RelayHarness.member("first", first.baseUrl(), RelayHarness.options(200, 1, 0)),
                RelayHarness.member("second", second.baseUrl()));
    }

    /** Sends a chat and returns who served it and in how many attempts, e.g. {@code second/2}. */
    private static String served(RelayHarness relay) throws Exception {
        return served(relay, CHAT);
    }

    private static String served(RelayHarness relay, String chat) throws Exception {
        try (Response r = relay.post("/api/chat", chat)) {
            String body = r.body().string();
            assertThat(r.code()).as(body).isEqualTo(200);
            return r.header("X-Relay-Backend") + "/" + r.header("X-Relay-Attempts");
        }
    }

    private static MockResponse status(int code, String retryAfter) {
        MockResponse.Builder b = new MockResponse.Builder().code(code).setHeader("Content-Type", "application/json")
                .body("{\"error\":{\"message\":\"failing on purpose\"}}");
        if (retryAfter != null) {
            b.setHeader("Retry-After", retryAfter);
        }
        return b.build();
    }

    @Test
    void theBreakerOpensAfterFailuresInARowLetsOneTrialThroughAfterOpenForAndClosesOnItsSuccess() throws Exception {
        first.answerAll(req -> status(500, null));
        try (RelayHarness relay = pair(resilience(new ResilienceConfig.Breaker(2, Duration.ofSeconds(10)), 0,
                Duration.ZERO, 3))) {
            assertThat(served(relay)).isEqualTo("second/2");
            assertThat(served(relay)).isEqualTo("second/2"); // the second failure in a row: open
            assertThat(first.drainRequests()).hasSize(2);

            assertThat(served(relay)).isEqualTo("second/1");
            clock.advance(Duration.ofSeconds(9));
            assertThat(served(relay)).isEqualTo("second/1");
            assertThat(first.drainRequests()).as("an open breaker lets nothing through").isEmpty();
            assertThat(relay.metrics()).contains("llm_relay_backend_breaker_state{backend=\"first\",state=\"open\"} 1")
                    .contains("llm_relay_backend_routable{backend=\"first\"} 0");

            clock.advance(Duration.ofSeconds(2)); // half-open: one trial, which fails: open again
            assertThat(served(relay)).isEqualTo("second/2");
            assertThat(first.drainRequests()).hasSize(1);
            assertThat(served(relay)).isEqualTo("second/1");
            assertThat(first.drainRequests()).isEmpty();

            first.answerAll(EchoAnswers.as("first"));
            clock.advance(Duration.ofSeconds(11)); // the next trial succeeds: closed
            assertThat(served(relay)).isEqualTo("first/1");
            for (int i = 0; i < 5; i++) {
                assertThat(served(relay)).isEqualTo("first/1");
            }
            assertThat(relay.metrics())
                    .contains("llm_relay_backend_breaker_opens_total{backend=\"first\"} 2")
                    .contains("llm_relay_backend_breaker_state{backend=\"first\",state=\"closed\"} 1")
                    .contains("llm_relay_backend_routable{backend=\"first\"} 1")
                    .contains("llm_relay_backend_attempts_total{backend=\"first\",outcome=\"server_error\"} 3")
                    .contains("llm_relay_backend_attempts_total{backend=\"first\",outcome=\"ok\"} 6");
        }
    }

    @Test
    void aRetryAfterHoldsTheBackendOffForAsLongAsItAsks() throws Exception {
        first.answerAll(req -> status(429, "30"));
        try (RelayHarness relay = pair(resilience(NO_BREAKER, 0, Duration.ZERO, 3))) {
            assertThat(served(relay)).isEqualTo("second/2");
            for (int i = 0; i < 3; i++) {
                assertThat(served(relay)).isEqualTo("second/1");
            }
            clock.advance(Duration.ofSeconds(29));
            assertThat(served(relay)).isEqualTo("second/1");
            assertThat(first.drainRequests()).hasSize(1);

            first.answerAll(EchoAnswers.as("first"));
            clock.advance(Duration.ofSeconds(2));
            assertThat(served(relay)).isEqualTo("first/1");
        }
    }

    @Test
    void errorsInARowEjectABackendForAWhileButNeverTheOnlyOneOfAModel() throws Exception {
        first.answerAll(req -> status(500, null));
        try (RelayHarness relay = pair(resilience(NO_BREAKER, 50, Duration.ZERO, 3))) {
            for (int i = 0; i < 3; i++) { // outlier.consecutive_errors: 3
                assertThat(served(relay)).isEqualTo("second/2");
            }
            assertThat(served(relay)).isEqualTo("second/1");
            assertThat(first.drainRequests()).hasSize(3);

            clock.advance(Duration.ofMillis(1100)); // outlier.base_ejection: 1s
            first.answerAll(EchoAnswers.as("first"));
            assertThat(served(relay)).isEqualTo("first/1");
        }

        // alone in its model, a failing backend is never ejected (50% of one backend is none): the client
        // gets the backend's own answer each time, not a proxy's 503
        ScriptedBackend only = new ScriptedBackend();
        only.answerAll(req -> status(500, null));
        try (only; RelayHarness relay = relay(resilience(NO_BREAKER, 50, Duration.ZERO, 3),
                RelayHarness.member("only", only.baseUrl()))) {
            for (int i = 0; i < 6; i++) {
                try (Response r = relay.post("/api/chat", CHAT)) {
                    assertThat(r.code()).isEqualTo(500);
                    assertThat(Ndjson.json(r.body().string()).get("error").asText()).contains("failing on purpose");
                }
            }
            assertThat(only.drainRequests()).hasSize(6);
        }
    }

    @Test
    void aRecoveredBackendsShareRampsUpOverTheSlowStartWindow() throws Exception {
        try (DemoBackends demos = new DemoBackends()) { // quicker than scripted backends for hundreds of requests
            DemoBackend top = demos.start();
            top.fault(FaultPlan.of(Fault.STATUS_503).withRetryAfterSeconds(5));
            try (RelayHarness relay = relay(resilience(NO_BREAKER, 0, Duration.ofSeconds(10), 3),
                    RelayHarness.member("first", top.baseUrl(), RelayHarness.options(200, 1, 0)),
                    RelayHarness.member("second", demos.start().baseUrl()))) {
                assertThat(served(relay, DEMO_CHAT)).isEqualTo("second/2");
                top.fault(FaultPlan.NONE);

                clock.advance(Duration.ofSeconds(5)); // the hold ends: its ramp starts at a tenth
                int atStart = servedByFirst(relay, 100);
                clock.advance(Duration.ofSeconds(6));
                int midway = servedByFirst(relay, 100);
                clock.advance(Duration.ofSeconds(5)); // past the window: all of it
                int after = servedByFirst(relay, 100);

                assertThat(atStart).as("served at the start of the ramp").isBetween(1, 40);
                assertThat(midway).as("served midway").isGreaterThan(atStart).isLessThan(100);
                assertThat(after).as("served after the ramp").isEqualTo(100);
            }
        }
    }

    private static int servedByFirst(RelayHarness relay, int requests) throws Exception {
        int n = 0;
        for (int i = 0; i < requests; i++) {
            String s = served(relay, DEMO_CHAT);
            assertThat(s).endsWith("/1");
            n += s.startsWith("first/") ? 1 : 0;
        }
        return n;
    }

    @Test
    void whenEveryBackendIsKeptOutTheRouterPanicsButARetryAfterIsHonouredWithA503InTheCallersShape() throws Exception {
        first.answerAll(req -> status(500, null));
        try (RelayHarness relay = relay(resilience(new ResilienceConfig.Breaker(1, Duration.ofSeconds(30)), 0,
                Duration.ZERO, 1), RelayHarness.member("first", first.baseUrl()))) {
            for (int i = 0; i < 3; i++) { // the first failure opens the breaker; the lone backend is tried anyway
                try (Response r = relay.post("/api/chat", CHAT)) {
                    assertThat(r.code()).as("the backend's own answer, not a proxy's 503").isEqualTo(500);
                }
            }
            assertThat(first.drainRequests()).hasSize(3);

            first.answerAll(req -> status(429, "30")); // the backend says when to come back: that is honoured
            try (Response r = relay.post("/api/chat", CHAT)) {
                assertThat(r.code()).isEqualTo(429);
            }
            try (Response r = relay.post("/api/chat", CHAT)) {
                assertThat(r.code()).isEqualTo(503);
                assertThat(r.header("Retry-After")).isEqualTo("30");
                assertThat(Ndjson.json(r.body().string()).get("error").asText())
                        .contains("no backend of model 'm' can take requests now")
                        .contains("first: ").contains("held off by Retry-After");
            }
            try (Response r = relay.post("/v1/chat/completions", V1)) {
                assertThat(r.code()).isEqualTo(503);
                assertThat(r.header("Retry-After")).isEqualTo("30");
                JsonNode error = Ndjson.json(r.body().string()).get("error");
                assertThat(error.get("message").asText()).contains("Retry-After");
                assertThat(error.get("type").asText()).isNotEmpty();
            }
            assertThat(first.drainRequests()).hasSize(1);
            assertThat(relay.metrics()).contains("kind=\"no_backend\"");
        }
    }

    @Test
    void aModelNoBackendCanServeFallsBackToTheNextOfItsChainAndSaysWhich() throws Exception {
        second.models("{\"object\":\"list\",\"data\":[{\"id\":\"small\",\"object\":\"model\",\"owned_by\":\"t\"}]}");
        first.answerAll(req -> status(500, null));
        RelayConfig c = RelayHarness.fleet(List.of(RelayHarness.member("first", first.baseUrl()),
                RelayHarness.member("second", second.baseUrl())), RoutingConfig.defaults(),
                new ModelsConfig(Map.of(), List.of(), null, List.of(), null, Map.of(), Map.of("m", List.of("small"))));
        try (RelayHarness relay = RelayHarness.start(RelayHarness.withResilience(c,
                resilience(new ResilienceConfig.Breaker(2, Duration.ofSeconds(30)), 0, Duration.ZERO, 3)), clock)
                .awaitReady()) {
            for (int i = 0; i < 2; i++) { // the only backend of m fails: the retry goes to small
                try (Response r = relay.post("/api/chat", CHAT)) {
                    assertThat(r.code()).isEqualTo(200);
                    assertThat(r.header("X-Relay-Backend")).isEqualTo("second");
                    assertThat(r.header("X-Relay-Model")).isEqualTo("small");
                    assertThat(r.header("X-Relay-Attempts")).isEqualTo("2");
                    assertThat(Ndjson.json(r.body().string()).get("message").get("content").asText())
                            .isEqualTo(EchoAnswers.text("second", "small"));
                }
            }
            // m's breaker is open now: its routable fallback goes first, before the router would panic
            try (Response r = relay.post("/v1/chat/completions", V1)) {
                assertThat(r.code()).isEqualTo(200);
                assertThat(r.header("X-Relay-Model")).isEqualTo("small");
                assertThat(r.header("X-Relay-Attempts")).isEqualTo("1");
            }
            assertThat(first.drainRequests()).hasSize(2);
        }
    }

    @Test
    void internalStatusShowsWhyABackendIsKeptOutWithItsLastErrorsAndNoSecret() throws Exception {
        first.answerAll(req -> status(500, null));
        BackendConfig keyed = new BackendConfig("first", BackendConfig.parseUrl(first.baseUrl()),
                io.llmrelay.core.backend.BackendFlavor.GENERIC, io.llmrelay.core.config.Secret.of(SeenSecrets.key("sk-secret-1"), "env FIRST_KEY"),
                null, false, new io.llmrelay.core.config.BackendOptions(200, 1, 4,
                        Map.of("X-Org-Token", "org-secret-2"), List.of(), List.of()));
        try (RelayHarness relay = relay(resilience(new ResilienceConfig.Breaker(2, Duration.ofSeconds(10)), 0,
                Duration.ZERO, 3), keyed, RelayHarness.member("second", second.baseUrl()))) {
            served(relay);
            served(relay);
            try (Response r = relay.get("/internal/status")) {
                String text = r.body().string();
                assertThat(r.code()).isEqualTo(200);
                assertThat(text).doesNotContain("sk-secret-1").doesNotContain("org-secret-2");
                JsonNode status = Ndjson.json(text);
                JsonNode b = status.get("backends").get(0);
                assertThat(b.get("name").asText()).isEqualTo("first");
                assertThat(b.get("state").asText()).isEqualTo("kept out");
                assertThat(b.get("reason").asText()).startsWith("breaker open after 2 failures in a row");
                assertThat(b.get("api_key").asText()).isEqualTo("set, from env FIRST_KEY");
                assertThat(b.get("extra_headers").get(0).asText()).isEqualTo("X-Org-Token");
                assertThat(b.get("health").get("state").asText()).isEqualTo("healthy");
                assertThat(b.get("breaker").get("state").asText()).isEqualTo("open");
                assertThat(b.get("breaker").get("trial_in_ms").asLong()).isEqualTo(10_000);
                assertThat(b.get("attempts").get("server_error").asLong()).isEqualTo(2);
                assertThat(b.get("in_flight").asInt()).isZero();
                assertThat(b.get("max_concurrency").asInt()).isEqualTo(4);
                assertThat(b.get("models").get(0).asText()).isEqualTo("m");
                assertThat(b.get("recent_errors")).hasSize(2);
                assertThat(b.get("recent_errors").get(1).get("outcome").asText()).isEqualTo("server_error");
                assertThat(b.get("recent_errors").get(1).get("message").asText()).contains("first answered 500");
                JsonNode s2 = status.get("backends").get(1);
                assertThat(s2.get("state").asText()).isEqualTo("routable");
                assertThat(s2.get("reason").isNull()).isTrue();
                assertThat(s2.get("first_byte_ewma_ms").isNumber()).isTrue();
                assertThat(status.get("models").get(0).get("name").asText()).isEqualTo("m");
                assertThat(status.get("models").get(0).get("routable").asBoolean()).isTrue();
                assertThat(status.get("retry_budget").get("retries").asLong()).isEqualTo(2);
            }
        }
    }

    @Test
    void theRetryBudgetBoundsRetriesWhenTheFleetIsFailing() throws Exception {
        try (DemoBackends demos = new DemoBackends()) {
            DemoBackend top = demos.start();
            top.fault(FaultPlan.of(Fault.STATUS_500));
            ResilienceConfig.Retry retry = new ResilienceConfig.Retry(3, ResilienceConfig.Retry.defaults().on(), 20,
                    Duration.ZERO);
            try (RelayHarness relay = relay(RelayHarness.failoverOnly(retry),
                    RelayHarness.member("first", top.baseUrl(), RelayHarness.options(200, 1, 0)),
                    RelayHarness.member("second", demos.start().baseUrl()))) {
                // 20% of 110 requests is 22, below the floor of 10 a second over the 10 s window: 100 retries
                int retried = 0;
                int refused = 0;
                for (int i = 0; i < 110; i++) {
                    try (Response r = relay.post("/api/chat", DEMO_CHAT)) {
                        r.body().string();
                        if (r.code() == 200) {
                            assertThat(r.header("X-Relay-Attempts")).isEqualTo("2");
                            retried++;
                        } else {
                            assertThat(r.code()).isEqualTo(500); // the failure as it is: no retry left
                            assertThat(r.header("X-Relay-Attempts")).isEqualTo("1");
                            refused++;
                        }
                    }
                }
                assertThat(retried).isEqualTo(100);
                assertThat(refused).isEqualTo(10);

                clock.advance(Duration.ofSeconds(11)); // the window has moved on: retries again
                assertThat(served(relay, DEMO_CHAT)).isEqualTo("second/2");
            }
        }
    }
}
