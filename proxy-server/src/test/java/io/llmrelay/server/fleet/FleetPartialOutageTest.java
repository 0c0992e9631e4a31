package io.llmrelay.server.fleet;

import static io.llmrelay.server.testing.RelayHarness.member;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrelay.core.config.RoutingConfig.Strategy;
import io.llmrelay.server.testing.EchoAnswers;
import io.llmrelay.server.testing.Ndjson;
import io.llmrelay.server.testing.RelayHarness;
import io.llmrelay.server.testing.ScriptedBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One backend of the fleet cannot be reached at all: the others' models are listed and served as
 * usual, and a name nobody lists is answered with why (that backend is unreachable, and the name may
 * be its), not with a 404.
 */
class FleetPartialOutageTest {

    private ScriptedBackend alpha;
    private RelayHarness relay;

    @BeforeEach
    void start() throws Exception {
        alpha = new ScriptedBackend();
        alpha.models(FleetRoutingByModelTest.list("llama3"));
        alpha.answerAll(EchoAnswers.as("alpha"));
        relay = RelayHarness.start(RelayHarness.fleet(Strategy.ROUND_ROBIN, member("alpha", alpha.baseUrl()),
                member("gone", RelayHarness.deadBackendUrl())));
        Backend live = relay.server().relay().fleet().named("alpha");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!live.ready() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(live.ready()).isTrue();
    }

    @AfterEach
    void stop() {
        relay.close();
        alpha.close();
    }

    @Test
    void theReachableBackendsModelsAreListedAndServed() throws Exception {
        List<String> tags = new ArrayList<>();
        try (Response r = relay.get("/api/tags")) {
            assertThat(r.code()).isEqualTo(200);
            Ndjson.json(r.body().string()).get("models").forEach(m -> tags.add(m.get("name").asText()));
        }
        assertThat(tags).containsExactly("llama3:latest");
        for (String path : new String[] {"/api/chat", "/v1/chat/completions"}) {
            try (Response r = relay.post(path,
                    "{\"model\":\"llama3\",\"stream\":false,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")) {
                assertThat(r.code()).as(path).isEqualTo(200);
                assertThat(r.header("X-Relay-Backend")).isEqualTo("alpha");
                assertThat(r.body().string()).contains(EchoAnswers.text("alpha", "llama3"));
            }
        }
    }

    @Test
    void aNameNobodyListsIsAnsweredWithTheOutageNotA404() throws Exception {
        String chat = "{\"model\":\"qwen3\",\"stream\":false,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        try (Response r = relay.post("/api/chat", chat)) {
            assertThat(r.code()).isEqualTo(502);
            JsonNode error = Ndjson.json(r.body().string()).get("error");
            assertThat(error.isTextual()).isTrue();
            assertThat(error.asText()).contains("gone");
        }
        try (Response r = relay.post("/v1/chat/completions", chat)) {
            assertThat(r.code()).isEqualTo(502);
            JsonNode error = Ndjson.json(r.body().string()).get("error");
            assertThat(error.get("message").asText()).contains("gone");
            assertThat(error.get("type").asText()).isEqualTo("api_error");
        }
        assertThat(alpha.untakenRequests()).isZero();
    }
}
