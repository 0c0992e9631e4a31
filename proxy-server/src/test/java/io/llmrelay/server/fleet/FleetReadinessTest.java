package io.llmrelay.server.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrelay.core.config.BackendOptions;
import io.llmrelay.core.config.ModelsConfig;
import io.llmrelay.core.config.RelayConfig;
import io.llmrelay.core.config.ResilienceConfig;
import io.llmrelay.core.config.RoutingConfig;
import io.llmrelay.server.testing.Ndjson;
import io.llmrelay.server.testing.RelayHarness;
import io.llmrelay.server.testing.ScriptedBackend;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

/**
 * {@code /health/ready} under {@code health.ready}: by default the fleet is ready while every model
 * has a backend that can serve it; with {@code any}, while any backend can.
 */
class FleetReadinessTest {

    private static RelayConfig fleet(String liveUrl, String deadUrl, ResilienceConfig.Ready rule) {
        BackendOptions onlyX = new BackendOptions(100, 1, 0, Map.of(), List.of("x"), List.of());
        RelayConfig c = RelayHarness.fleet(List.of(RelayHarness.member("live", liveUrl),
                RelayHarness.member("dead", deadUrl, onlyX)), RoutingConfig.defaults(), ModelsConfig.none());
        ResilienceConfig r = ResilienceConfig.defaults();
        ResilienceConfig.Health h = r.health();
        return new RelayConfig(c.host(), c.port(), c.backends(), c.maxRequestBytes(), c.maxEventBytes(), c.eventLoops(),
                c.timeouts(), c.modelsRefresh(), c.healthInterval(), c.modelOverrides(), c.cors(), c.routing(), c.models(),
                new ResilienceConfig(new ResilienceConfig.Health(h.timeout(), h.path(), h.fall(), h.rise(), h.slowStart(),
                        rule), r.breaker(), r.outlier(), r.retry()));
    }

    /** The readiness answer once the live backend was probed and listed. */
    private static JsonNode awaitReadiness(RelayHarness relay, int status) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            try (Response r = relay.get("/health/ready")) {
                JsonNode body = Ndjson.json(r.body().string());
                boolean liveReady = body.get("backends").get(0).get("ready").asBoolean();
                if (liveReady || System.nanoTime() > deadline) {
                    assertThat(r.code()).as(body.toString()).isEqualTo(status);
                    return body;
                }
            }
            Thread.sleep(20);
        }
    }

    @Test
    void aModelWithoutAServableBackendMakesTheFleetNotReady() throws Exception {
        try (ScriptedBackend live = new ScriptedBackend();
                RelayHarness relay = RelayHarness.start(fleet(live.baseUrl(), RelayHarness.deadBackendUrl(),
                        ResilienceConfig.Ready.EVERY_MODEL))) {
            JsonNode body = awaitReadiness(relay, 503);
            assertThat(body.get("models_without_a_backend").toString()).isEqualTo("[\"x\"]");
            assertThat(body.get("status").asText()).isEqualTo("not ready");
        }
    }

    @Test
    void underAnyOneServableBackendIsEnough() throws Exception {
        try (ScriptedBackend live = new ScriptedBackend();
                RelayHarness relay = RelayHarness.start(fleet(live.baseUrl(), RelayHarness.deadBackendUrl(),
                        ResilienceConfig.Ready.ANY_BACKEND))) {
            JsonNode body = awaitReadiness(relay, 200);
            assertThat(body.has("models_without_a_backend")).isFalse();
            assertThat(body.get("backends").get(1).get("ready").asBoolean()).isFalse();
        }
    }
}
