package io.llmrelay.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrelay.core.backend.ModelOverride;
import io.llmrelay.core.config.CorsPolicy;
import io.llmrelay.core.config.ModelsConfig;
import io.llmrelay.core.config.RelayConfig;
import io.llmrelay.core.config.ResilienceConfig;
import io.llmrelay.core.config.SecurityConfig;
import io.llmrelay.core.security.Cidr;
import java.net.URI;
import io.llmrelay.core.config.RoutingConfig;
import io.llmrelay.server.testing.RelayHarness;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a reload may change while running, and what keeps its running value until a restart. */
class RestartSettingsTest {

    private static final RelayConfig RUNNING = RelayHarness.config(RelayHarness.member("a", "http://127.0.0.1:1/v1"));

    @Test
    void theListeningAndPerConnectionSettingsKeepTheirRunningValues() {
        RelayConfig.Timeouts t = RUNNING.timeouts();
        RelayConfig next = new RelayConfig("0.0.0.0", 8080,
                List.of(RelayHarness.member("b", "http://127.0.0.1:2/v1")), 2 * RUNNING.maxRequestBytes(),
                RUNNING.maxEventBytes(), 7,
                new RelayConfig.Timeouts(Duration.ofSeconds(3), Duration.ofSeconds(30), Duration.ofSeconds(99),
                        t.poolIdle(), t.clientIdle(), Duration.ofSeconds(30)),
                Duration.ofSeconds(5), Duration.ofSeconds(1), List.of(ModelOverride.contextLength("x*=4096")),
                CorsPolicy.withExtraOrigins(List.of("https://app.example")),
                new RoutingConfig(RoutingConfig.Strategy.ROUND_ROBIN, RoutingConfig.Sticky.HEADER),
                new ModelsConfig(Map.of("coder", List.of("b/x")), List.of(), null, List.of(), null, Map.of()),
                RelayHarness.failoverOnly(ResilienceConfig.Retry.defaults()),
                new SecurityConfig(SecurityConfig.Auth.none(), new SecurityConfig.Limits(
                        new SecurityConfig.RateLimit(5, 0, 0), SecurityConfig.RateLimit.OFF, SecurityConfig.KeyLimits.OFF,
                        URI.create("redis://127.0.0.1:6379"), SecurityConfig.RedisDown.CLOSED),
                        List.of(Cidr.parse("10.0.0.0/8")), new SecurityConfig.Admin(9100, null)));

        RestartSettings restart = RestartSettings.compare(RUNNING, next);

        assertThat(restart.needed()).containsExactly("server.host", "server.port", "server.event_loops",
                "server.max_request_size", "server.origins", "server.timeouts.client_stall", "server.drain_timeout",
                "admin.port", "limits.redis", "limits");
        RelayConfig e = restart.effective();
        assertThat(e.host()).isEqualTo(RUNNING.host());
        assertThat(e.port()).isEqualTo(RUNNING.port());
        assertThat(e.eventLoops()).isEqualTo(RUNNING.eventLoops());
        assertThat(e.maxRequestBytes()).isEqualTo(RUNNING.maxRequestBytes());
        assertThat(e.cors()).isEqualTo(RUNNING.cors());
        assertThat(e.timeouts()).isEqualTo(new RelayConfig.Timeouts(Duration.ofSeconds(3), Duration.ofSeconds(30),
                t.clientStall(), t.poolIdle(), t.clientIdle(), t.drain()));
        // keys and trusted proxies reload; the limits' defaults, the admin port and the Redis connection keep theirs
        assertThat(e.security().limits().global()).isEqualTo(RUNNING.security().limits().global());
        assertThat(e.security().limits().redisDown()).isEqualTo(SecurityConfig.RedisDown.OPEN);
        assertThat(e.security().limits().redis()).isNull();
        assertThat(e.security().trustedProxies()).isEqualTo(next.security().trustedProxies());
        assertThat(e.security().admin().port()).isZero();
        assertThat(e.backends()).isEqualTo(next.backends());
        assertThat(e.modelsRefresh()).isEqualTo(next.modelsRefresh());
        assertThat(e.healthInterval()).isEqualTo(next.healthInterval());
        assertThat(e.modelOverrides()).isEqualTo(next.modelOverrides());
        assertThat(e.routing()).isEqualTo(next.routing());
        assertThat(e.models()).isEqualTo(next.models());
        assertThat(e.resilience()).isEqualTo(next.resilience());
    }

    @Test
    void anUnchangedConfigurationNeedsNoRestart() {
        RestartSettings restart = RestartSettings.compare(RUNNING, RUNNING);
        assertThat(restart.needed()).isEmpty();
        assertThat(restart.effective()).isEqualTo(RUNNING);
    }

    /** A tripwire: a component added to RelayConfig must be carried by RestartSettings (and checked above). */
    @Test
    void everyComponentOfTheConfigurationIsAccountedFor() {
        assertThat(Arrays.stream(RelayConfig.class.getRecordComponents()).map(RecordComponent::getName))
                .containsExactly("host", "port", "backends", "maxRequestBytes", "maxEventBytes", "eventLoops",
                        "timeouts", "modelsRefresh", "healthInterval", "modelOverrides", "cors", "routing", "models",
                        "resilience", "security");
    }
}
