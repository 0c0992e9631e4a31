package io.llmrelay.server.fleet;

import static io.llmrelay.server.testing.RelayHarness.member;
import static io.llmrelay.server.testing.RelayHarness.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.llmrelay.core.config.ModelsConfig;
import io.llmrelay.core.config.RoutingConfig;
import io.llmrelay.core.config.RoutingConfig.Strategy;
import io.llmrelay.core.config.RoutingConfig.Sticky;
import io.llmrelay.server.demo.DemoBackend;
import io.llmrelay.server.testing.DemoBackends;
import io.llmrelay.server.testing.EchoAnswers;
import io.llmrelay.server.testing.RelayHarness;
import io.llmrelay.server.testing.ScriptedBackend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each routing strategy's distribution over two or three backends that serve the same model (demo
 * backends, or MockWebServers where a slow first byte is needed), seen from the client through
 * {@code X-Relay-Backend}; and sticky sessions by header and by conversation opening.
 */
class FleetStrategiesTest {

    private static final String CHAT = "{\"model\":\"demo\",\"stream\":false,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String STREAMED_CHAT = "{\"model\":\"demo\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    private DemoBackends demos;
    private final List<AutoCloseable> closing = new ArrayList<>();

    @BeforeEach
    void start() {
        demos = new DemoBackends();
    }

    @AfterEach
    void stop() throws Exception {
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

    /** Sends {@code json} to {@code path}, reads the whole answer, and returns the backend that served it. */
    private static String servedBy(RelayHarness relay, String path, String json, String... headers) throws Exception {
        try (Response r = relay.post(path, json, headers)) {
            assertThat(r.code()).as("status of %s", path).isEqualTo(200);
            r.body().string();
            assertThat(r.header("X-Relay-Attempts")).isEqualTo("1");
            return r.header("X-Relay-Backend");
        }
    }

    private static Map<String, Integer> tally(List<String> names) {
        Map<String, Integer> counts = new TreeMap<>();
        names.forEach(n -> counts.merge(n, 1, Integer::sum));
        return counts;
    }

    @Test
    void roundRobinTakesTurns() throws Exception {
        DemoBackend a = demos.start();
        DemoBackend b = demos.start();
        RelayHarness relay = relay(RelayHarness.fleet(Strategy.ROUND_ROBIN, member("a", a.baseUrl()), member("b", b.baseUrl())));
        List<String> order = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            // the demo backend refuses any model but "demo": it must receive its own id for the listed "demo:latest"
            order.add(i % 2 == 0 ? servedBy(relay, "/api/chat", CHAT)
                    : servedBy(relay, "/v1/chat/completions", CHAT.replace("\"demo\"", "\"demo:latest\"")));
        }
        assertThat(tally(order)).isEqualTo(Map.of("a", 10, "b", 10));
        for (int i = 1; i < order.size(); i++) {
            assertThat(order.get(i)).as("request %d follows %s", i, order.get(i - 1)).isNotEqualTo(order.get(i - 1));
        }
    }

    @Test
    void weightedSharesThreeToOne() throws Exception {
        DemoBackend heavy = demos.start();
        DemoBackend light = demos.start();
        RelayHarness relay = relay(RelayHarness.fleet(Strategy.WEIGHTED,
                member("heavy", heavy.baseUrl(), options(100, 3, 0)), member("light", light.baseUrl(), options(100, 1, 0))));
        List<String> order = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            order.add(servedBy(relay, "/api/chat", CHAT));
        }
        Map<String, Integer> counts = tally(order);
        assertThat(counts.keySet()).containsExactlyInAnyOrder("heavy", "light");
        assertThat(counts.get("heavy")).isCloseTo(300, within(12));
        assertThat(counts.get("light")).isCloseTo(100, within(12));
        // smooth: the light backend is never left out for long
        for (int i = 0; i + 8 <= order.size(); i += 8) {
            assertThat(order.subList(i, i + 8)).as("requests %d..%d", i, i + 7).contains("light");
        }
    }

    @Test
    void priorityKeepsToTheHighestTierAndRotatesWithinIt() throws Exception {
        DemoBackend gold1 = demos.start();
        DemoBackend gold2 = demos.start();
        DemoBackend bronze = demos.start();
        RelayHarness relay = relay(RelayHarness.fleet(Strategy.PRIORITY,
                member("bronze", bronze.baseUrl(), options(100, 1, 0)),
                member("gold-1", gold1.baseUrl(), options(200, 1, 0)),
                member("gold-2", gold2.baseUrl(), options(200, 1, 0))));
        List<String> order = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            order.add(servedBy(relay, i % 2 == 0 ? "/api/chat" : "/v1/chat/completions", CHAT));
        }
        assertThat(tally(order)).isEqualTo(Map.of("gold-1", 10, "gold-2", 10));
    }

    @Test
    void priorityFallsToTheNextTierOnlyWhileTheTopOneIsAtItsCap() throws Exception {
        DemoBackend gold1 = demos.start(Duration.ofSeconds(1));
        DemoBackend gold2 = demos.start(Duration.ofSeconds(1));
        DemoBackend bronze = demos.start();
        RelayHarness relay = relay(RelayHarness.fleet(Strategy.PRIORITY,
                member("gold-1", gold1.baseUrl(), options(200, 1, 1)),
                member("gold-2", gold2.baseUrl(), options(200, 1, 1)),
                member("bronze", bronze.baseUrl(), options(100, 1, 0))));
        Set<String> held = new HashSet<>();
        List<Response> open = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                Response r = relay.post("/api/chat", STREAMED_CHAT);
                open.add(r);
                assertThat(r.code()).isEqualTo(200);
                held.add(r.header("X-Relay-Backend"));
            }
            assertThat(held).containsExactlyInAnyOrder("gold-1", "gold-2");
            assertThat(servedBy(relay, "/api/chat", CHAT)).isEqualTo("bronze");
            assertThat(servedBy(relay, "/v1/chat/completions", CHAT)).isEqualTo("bronze");
        } finally {
            open.forEach(Response::close);
        }
        awaitInFlight(relay, "gold-1", 0);
        awaitInFlight(relay, "gold-2", 0);
        assertThat(servedBy(relay, "/v1/chat/completions", CHAT)).startsWith("gold-");
    }

    @Test
    void leastConnectionsAvoidsTheBackendHoldingAStream() throws Exception {
        DemoBackend slow = demos.start(Duration.ofSeconds(1)); // a stream of ~20 tokens: held for the whole test
        DemoBackend fast = demos.start();
        RelayHarness relay = relay(RelayHarness.fleet(Strategy.LEAST_CONNECTIONS,
                member("slow", slow.baseUrl()), member("fast", fast.baseUrl())));
        List<Response> held = new ArrayList<>();
        List<String> order = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                Response r = relay.post("/api/chat", STREAMED_CHAT);
                assertThat(r.code()).isEqualTo(200);
                String backend = r.header("X-Relay-Backend");
                order.add(backend);
                if (backend.equals("slow")) {
                    held.add(r); // the first token came; the rest takes seconds
                } else {
                    r.body().string();
                    r.close();
                }
            }
            assertThat(slow.openStreams()).isEqualTo(1);
            assertThat(relay.server().relay().fleet().named("slow").stats().inFlight()).isEqualTo(1);
        } finally {
            held.forEach(Response::close);
        }
        // ties rotate, so the slow backend gets one of the first two; from then on it has one in flight
        assertThat(tally(order)).isEqualTo(Map.of("slow", 1, "fast", 19));
        awaitInFlight(relay, "slow", 0);
    }

    @Test
    void leastConnectionsRotatesTies() throws Exception {
        DemoBackend a = demos.start();
        DemoBackend b = demos.start();
        DemoBackend c = demos.start();
        RelayHarness relay = relay(RelayHarness.fleet(Strategy.LEAST_CONNECTIONS,
                member("a", a.baseUrl()), member("b", b.baseUrl()), member("c", c.baseUrl())));
        List<String> order = new ArrayList<>();
        for (int i = 0; i < 21; i++) {
            order.add(servedBy(relay, "/api/chat", CHAT)); // one at a time: every choice is a three-way tie
        }
        assertThat(tally(order)).isEqualTo(Map.of("a", 7, "b", 7, "c", 7));
    }

    @Test
    void aBackendMarkedDownIsPassedOver() throws Exception {
        ScriptedBackend alive = new ScriptedBackend();
        closing.add(alive);
        alive.answerAll(EchoAnswers.as("alive"));
        ScriptedBackend dying = new ScriptedBackend();
        closing.add(dying);
        dying.answerAll(EchoAnswers.as("dying"));
        RelayHarness relay = relay(RelayHarness.withPeriods(Duration.ofSeconds(60), Duration.ofMillis(100)).apply(
                RelayHarness.fleet(Strategy.ROUND_ROBIN, member("alive", alive.baseUrl()), member("dying", dying.baseUrl()))));
        String chat = "{\"model\":\"m\",\"stream\":false,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        List<String> before = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            before.add(servedBy(relay, "/api/chat", chat));
        }
        assertThat(tally(before)).isEqualTo(Map.of("alive", 2, "dying", 2));
        dying.close();
        Backend down = relay.server().relay().fleet().named("dying");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (down.health().up() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(down.health().up()).as("two failed probes mark it down").isFalse();
        List<String> after = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            after.add(servedBy(relay, i % 2 == 0 ? "/api/chat" : "/v1/chat/completions", chat));
        }
        assertThat(after).as("the model is still listed, but only the backend that is up serves it").containsOnly("alive");
    }

    @Test
    void latencyPrefersTheBackendWithTheFasterFirstByte() throws Exception {
        ScriptedBackend slow = new ScriptedBackend();
        closing.add(slow);
        slow.answerAll(EchoAnswers.as("slow", 80));
        ScriptedBackend fast = new ScriptedBackend();
        closing.add(fast);
        fast.answerAll(EchoAnswers.as("fast"));
        RelayHarness relay = relay(RelayHarness.fleet(Strategy.LATENCY,
                member("slow", slow.baseUrl()), member("fast", fast.baseUrl())));
        String chat = "{\"model\":\"m\",\"stream\":false,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        List<String> order = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            order.add(servedBy(relay, i % 2 == 0 ? "/api/chat" : "/v1/chat/completions", chat));
        }
        // each backend is measured once (a never-tried one goes first), then the faster one wins every draw
        assertThat(tally(order)).isEqualTo(Map.of("slow", 1, "fast", 19));
        assertThat(order.subList(2, 20)).containsOnly("fast");
        assertThat(slow.drainRequests()).hasSize(1);
    }

    private RelayHarness stickyFleet(Sticky sticky) throws Exception {
        DemoBackend a = demos.start();
        DemoBackend b = demos.start();
        DemoBackend c = demos.start();
        return relay(RelayHarness.fleet(List.of(member("a", a.baseUrl()), member("b", b.baseUrl()),
                member("c", c.baseUrl())), new RoutingConfig(Strategy.ROUND_ROBIN, sticky), ModelsConfig.none()));
    }

    @Test
    void stickyHeaderKeepsASessionOnOneBackendAndSpreadsSessions() throws Exception {
        RelayHarness relay = stickyFleet(Sticky.HEADER);
        List<String> session = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            session.add(servedBy(relay, i % 2 == 0 ? "/api/chat" : "/v1/chat/completions", CHAT,
                    "X-Session-ID", "session-a"));
        }
        assertThat(new HashSet<>(session)).as("one session, on either API, one backend").hasSize(1);
        Set<String> used = new HashSet<>();
        for (int s = 0; s < 30; s++) {
            String first = servedBy(relay, "/api/chat", CHAT, "X-Session-ID", "user-" + s);
            String again = servedBy(relay, "/v1/chat/completions", CHAT, "X-Session-ID", "user-" + s);
            assertThat(again).as("session user-%d", s).isEqualTo(first);
            used.add(first);
        }
        assertThat(used).as("30 sessions over three backends").hasSize(3);
        List<String> unpinned = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            unpinned.add(servedBy(relay, "/api/chat", CHAT));
        }
        assertThat(tally(unpinned)).as("without a session the strategy decides").isEqualTo(Map.of("a", 2, "b", 2, "c", 2));
    }

    private static String conversation(String opening, int turns) {
        StringBuilder m = new StringBuilder("[{\"role\":\"system\",\"content\":\"Answer tersely.\"},")
                .append("{\"role\":\"user\",\"content\":\"").append(opening).append("\"}");
        for (int t = 1; t < turns; t++) {
            m.append(",{\"role\":\"assistant\",\"content\":\"answer ").append(t).append("\"}")
                    .append(",{\"role\":\"user\",\"content\":\"follow-up ").append(t).append("\"}");
        }
        return "{\"model\":\"demo\",\"stream\":false,\"messages\":" + m.append(']') + "}";
    }

    @Test
    void stickyPrefixKeepsAConversationOnOneBackendAndSpreadsConversations() throws Exception {
        RelayHarness relay = stickyFleet(Sticky.PREFIX);
        List<String> turns = new ArrayList<>();
        for (int t = 1; t <= 6; t++) {
            turns.add(servedBy(relay, "/api/chat", conversation("What is a KV cache?", t)));
            turns.add(servedBy(relay, "/v1/chat/completions", conversation("What is a KV cache?", t)));
        }
        assertThat(new HashSet<>(turns)).as("every turn of one conversation, on either API").hasSize(1);
        String generate = "{\"model\":\"demo\",\"stream\":false,\"system\":\"Answer tersely.\",\"prompt\":\"What is a KV cache?\"}";
        assertThat(servedBy(relay, "/api/generate", generate)).as("the same opening on /api/generate")
                .isEqualTo(turns.get(0));
        Set<String> used = new HashSet<>();
        for (int c = 0; c < 30; c++) {
            String first = servedBy(relay, "/api/chat", conversation("question " + c, 1));
            assertThat(servedBy(relay, "/api/chat", conversation("question " + c, 3))).as("conversation %d", c)
                    .isEqualTo(first);
            used.add(first);
        }
        assertThat(used).as("30 conversations over three backends").hasSize(3);
    }

    static void awaitInFlight(RelayHarness relay, String backend, int expected) throws InterruptedException {
        Backend b = relay.server().relay().fleet().named(backend);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (b.stats().inFlight() != expected && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(b.stats().inFlight()).as("requests in flight on %s", backend).isEqualTo(expected);
    }
}
