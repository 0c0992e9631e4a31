package io.llmrelay.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmrelay.core.backend.ModelInfo;
import io.llmrelay.core.config.BackendConfig;
import io.llmrelay.core.config.ConfigException;
import io.llmrelay.core.config.RelayConfig;
import io.llmrelay.core.config.ResilienceConfig;
import io.llmrelay.core.config.RoutingConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.llmrelay.testing.SeenSecrets;

/** With a config file: flags beat the environment, the environment beats the file, the file beats defaults. */
class ServeSettingsFileTest {

    private static final String SERVER = """
            server:
              host: 0.0.0.0
              port: 8080
              event_loops: 3
              max_request_size: 1MiB
              log_format: text
              log_level: debug
              health_interval: 750ms
              models_refresh: 2m
              origins: ["https://file.example"]
              timeouts:
                connect: 1500ms
                upstream_idle: 10m
                client_stall: 30s
              drain_timeout: 45s
            """;

    private static final String FLEET = """
            backends:
              - name: gpu-1
                type: vllm
                url: http://gpu-1:8000/v1
                api_key_env: VLLM_KEY
              - name: node-1
                type: ollama
                url: http://node-1:11434
            routing:
              strategy: round-robin
              sticky: header
            models:
              aliases:
                coder: [gpu-1/qwen-coder]
              capabilities:
                "qwen*": [+thinking]
            """;

    private static final String RESILIENCE = """
            health:
              interval: 750ms
              fall: 4
              rise: 3
              ready: any
            breaker:
              failures: 7
              open_for: 20s
            outlier:
              consecutive_errors: 2
            retry:
              attempts: 5
              on: [connect, 503]
            """;

    @TempDir
    Path dir;

    private ServeSettings.Flags withFile(String yaml) throws IOException {
        Path file = dir.resolve("relay.yaml");
        Files.writeString(file, yaml);
        ServeSettings.Flags f = new ServeSettings.Flags();
        f.config = file.toString();
        return f;
    }

    @Test
    void theFileBeatsTheDefaults() throws IOException {
        ServeSettings s = ServeSettings.resolve(withFile(SERVER), Map.of(), true);
        assertThat(s.host).isEqualTo("0.0.0.0");
        assertThat(s.port).isEqualTo(8080);
        assertThat(s.eventLoops).isEqualTo(3);
        assertThat(s.maxRequestBytes).isEqualTo(1024 * 1024);
        assertThat(s.logFormat).isEqualTo("text");
        assertThat(s.logLevel).isEqualTo("DEBUG");
        assertThat(s.healthInterval).isEqualTo(Duration.ofMillis(750));
        assertThat(s.modelsRefresh).isEqualTo(Duration.ofMinutes(2));
        assertThat(s.timeouts.connect()).isEqualTo(Duration.ofMillis(1500));
        assertThat(s.timeouts.upstreamIdle()).isEqualTo(Duration.ofMinutes(10));
        assertThat(s.timeouts.clientStall()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.timeouts.drain()).isEqualTo(Duration.ofSeconds(45));
        assertThat(s.relayConfig(List.of()).timeouts().drain()).as("what the server is given").isEqualTo(
                Duration.ofSeconds(45));
        assertThat(s.cors.allowsOrigin("https://file.example")).isTrue();
    }

    @Test
    void theEnvironmentBeatsTheFile() throws IOException {
        ServeSettings s = ServeSettings.resolve(withFile(SERVER),
                Map.of("HOST", "10.0.0.1", "PORT", "9100", "LOG_FORMAT", "json", "LOG_LEVEL", "warn",
                        "OLLAMA_ORIGINS", "https://env.example", "DRAIN_TIMEOUT", "25s"), false);
        assertThat(s.host).isEqualTo("10.0.0.1");
        assertThat(s.timeouts.drain()).isEqualTo(Duration.ofSeconds(25));
        assertThat(s.port).isEqualTo(9100);
        assertThat(s.logFormat).isEqualTo("json");
        assertThat(s.logLevel).isEqualTo("WARN");
        // origins only widen the defaults: every source adds its own
        assertThat(s.cors.allowsOrigin("https://env.example")).isTrue();
        assertThat(s.cors.allowsOrigin("https://file.example")).isTrue();
    }

    @Test
    void flagsBeatTheEnvironmentAndTheFile() throws IOException {
        ServeSettings.Flags f = withFile(SERVER);
        f.host = "127.0.0.5";
        f.port = 7000;
        f.eventLoops = 1;
        f.maxRequestBytes = 2048;
        f.logLevel = "error";
        f.healthInterval = "5s";
        f.modelsRefreshSeconds = 30;
        f.connectTimeoutSeconds = 4;
        f.upstreamIdleTimeoutSeconds = 60;
        f.clientStallTimeoutSeconds = 5;
        f.drainTimeout = "1m";
        ServeSettings s = ServeSettings.resolve(f, Map.of("HOST", "10.0.0.1", "PORT", "9100", "LOG_LEVEL", "warn",
                "DRAIN_TIMEOUT", "25s"), false);
        assertThat(s.host).isEqualTo("127.0.0.5");
        assertThat(s.port).isEqualTo(7000);
        assertThat(s.eventLoops).isEqualTo(1);
        assertThat(s.maxRequestBytes).isEqualTo(2048);
        assertThat(s.logLevel).isEqualTo("ERROR");
        assertThat(s.logFormat).isEqualTo("text");
        assertThat(s.healthInterval).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.modelsRefresh).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.timeouts.connect()).isEqualTo(Duration.ofSeconds(4));
        assertThat(s.timeouts.upstreamIdle()).isEqualTo(Duration.ofSeconds(60));
        assertThat(s.timeouts.clientStall()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.timeouts.drain()).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void theFilesResilienceSettingsBeatTheDefaults() throws IOException {
        ServeSettings s = ServeSettings.resolve(withFile(RESILIENCE), Map.of(), false);
        ResilienceConfig r = s.resilience;
        assertThat(s.healthInterval).isEqualTo(Duration.ofMillis(750));
        assertThat(r.health().fall()).isEqualTo(4);
        assertThat(r.health().rise()).isEqualTo(3);
        assertThat(r.health().ready()).isEqualTo(ResilienceConfig.Ready.ANY_BACKEND);
        assertThat(r.breaker()).isEqualTo(new ResilienceConfig.Breaker(7, Duration.ofSeconds(20)));
        assertThat(r.outlier().consecutiveErrors()).isEqualTo(2);
        assertThat(r.retry().attempts()).isEqualTo(5);
        assertThat(r.retry().on()).containsExactly(ResilienceConfig.On.CONNECT, ResilienceConfig.On.UNAVAILABLE);
        RelayConfig config = s.relayConfig(List.of());
        assertThat(config.resilience()).isEqualTo(r);
        assertThat(config.healthInterval()).isEqualTo(Duration.ofMillis(750));
    }

    @Test
    void resilienceFlagsBeatTheFileAndLeaveTheRestAsTheFileSays() throws IOException {
        ServeSettings.Flags f = withFile(RESILIENCE);
        f.healthInterval = "250ms";
        f.healthFall = 1;
        f.healthRise = 5;
        f.breakerFailures = 2;
        f.breakerOpenFor = "1.5s";
        f.retryAttempts = 1;
        ResilienceConfig r = ServeSettings.resolve(f, Map.of(), false).resilience;
        assertThat(ServeSettings.resolve(f, Map.of(), false).healthInterval).isEqualTo(Duration.ofMillis(250));
        assertThat(r.health().fall()).isEqualTo(1);
        assertThat(r.health().rise()).isEqualTo(5);
        assertThat(r.health().ready()).isEqualTo(ResilienceConfig.Ready.ANY_BACKEND);
        assertThat(r.breaker()).isEqualTo(new ResilienceConfig.Breaker(2, Duration.ofMillis(1500)));
        assertThat(r.outlier().consecutiveErrors()).isEqualTo(2);
        assertThat(r.retry().attempts()).isEqualTo(1);
        assertThat(r.retry().on()).containsExactly(ResilienceConfig.On.CONNECT, ResilienceConfig.On.UNAVAILABLE);
    }

    @Test
    void resilienceFlagsWithoutAFileChangeOnlyWhatTheyName() {
        ServeSettings.Flags f = new ServeSettings.Flags();
        f.retryAttempts = 4;
        f.breakerOpenFor = "1m";
        ResilienceConfig r = ServeSettings.resolve(f, Map.of(), false).resilience;
        ResilienceConfig d = ResilienceConfig.defaults();
        assertThat(r).isEqualTo(new ResilienceConfig(d.health(), new ResilienceConfig.Breaker(d.breaker().failures(),
                Duration.ofMinutes(1)), d.outlier(), new ResilienceConfig.Retry(4, d.retry().on(),
                d.retry().budgetPercent(), d.retry().backoff())));
        assertThat(ServeSettings.resolve(new ServeSettings.Flags(), Map.of(), false).resilience).isEqualTo(d);
    }

    @Test
    void impossibleResilienceFlagsNameTheFlag() {
        ServeSettings.Flags fall = new ServeSettings.Flags();
        fall.healthFall = 0;
        assertThatThrownBy(() -> ServeSettings.resolve(fall, Map.of(), false))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("--health-fall must be at least 1, not 0");
        ServeSettings.Flags rise = new ServeSettings.Flags();
        rise.healthRise = -2;
        assertThatThrownBy(() -> ServeSettings.resolve(rise, Map.of(), false))
                .hasMessage("--health-rise must be at least 1, not -2");
        ServeSettings.Flags failures = new ServeSettings.Flags();
        failures.breakerFailures = 0;
        assertThatThrownBy(() -> ServeSettings.resolve(failures, Map.of(), false))
                .hasMessage("--breaker-failures must be at least 1, not 0");
        ServeSettings.Flags attempts = new ServeSettings.Flags();
        attempts.retryAttempts = 0;
        assertThatThrownBy(() -> ServeSettings.resolve(attempts, Map.of(), false))
                .hasMessage("--retry-attempts must be at least 1, not 0");
        ServeSettings.Flags openFor = new ServeSettings.Flags();
        openFor.breakerOpenFor = "0s";
        assertThatThrownBy(() -> ServeSettings.resolve(openFor, Map.of(), false))
                .hasMessage("--breaker-open-for must be longer than 0");
        openFor.breakerOpenFor = "soon";
        assertThatThrownBy(() -> ServeSettings.resolve(openFor, Map.of(), false))
                .hasMessageStartingWith("--breaker-open-for must be a duration such as 500ms");
    }

    @Test
    void theIntervalStillReadFromServerIsBeatenByTheFlag() throws IOException {
        ServeSettings.Flags f = withFile("server:\n  health_interval: 3s\n");
        assertThat(ServeSettings.resolve(f, Map.of(), false).healthInterval).isEqualTo(Duration.ofSeconds(3));
        f.healthInterval = "1s";
        assertThat(ServeSettings.resolve(f, Map.of(), false).healthInterval).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void theFleetGoesIntoTheRelayConfig() throws IOException {
        ServeSettings.Flags f = withFile(FLEET);
        f.modelCapabilities = List.of("qwen*=-thinking");
        ServeSettings s = ServeSettings.resolve(f, Map.of("VLLM_KEY", SeenSecrets.key("vk")), false);
        assertThat(s.backend).isNull();
        assertThat(s.fileBackends).extracting(BackendConfig::name).containsExactly("gpu-1", "node-1");
        RelayConfig config = s.relayConfig(s.fileBackends);
        assertThat(config.backends()).hasSize(2);
        assertThat(config.routing()).isEqualTo(new RoutingConfig(RoutingConfig.Strategy.ROUND_ROBIN,
                RoutingConfig.Sticky.HEADER));
        assertThat(config.models().aliases()).containsEntry("coder", List.of("gpu-1/qwen-coder"));
        // the file's override first, the flag's last: the flag has the last word
        ModelInfo qwen = new ModelInfo("qwen3", 0, "", 0, Set.of("completion"));
        assertThat(config.modelOverrides()).hasSize(2);
        assertThat(config.describe(qwen).capabilities()).containsExactly("completion");
    }

    @Test
    void theConfigFileMayComeFromTheEnvironment() throws IOException {
        String path = withFile(SERVER).config;
        assertThat(ServeSettings.resolve(new ServeSettings.Flags(), Map.of("RELAY_CONFIG", path), false).port)
                .isEqualTo(8080);
        ServeSettings.Flags flag = new ServeSettings.Flags();
        flag.config = path;
        Path other = dir.resolve("other.yaml");
        Files.writeString(other, "server:\n  port: 9999\n");
        assertThat(ServeSettings.resolve(flag, Map.of("RELAY_CONFIG", other.toString()), false).port).isEqualTo(8080);
    }

    @Test
    void backendsInTheFileAndByFlagIsAnError() throws IOException {
        ServeSettings.Flags f = withFile(FLEET);
        f.backend = "http://other:8000/v1";
        assertThatThrownBy(() -> ServeSettings.resolve(f, Map.of("VLLM_KEY", SeenSecrets.key("vk")), false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--backend gives a backend, and " + f.config + " lists backends: give backends in the "
                        + "file or by flag, not both");
        ServeSettings.Flags keyFlag = withFile(FLEET);
        keyFlag.apiKeyEnv = "X";
        assertThatThrownBy(() -> ServeSettings.resolve(keyFlag, Map.of("VLLM_KEY", SeenSecrets.key("vk")), false))
                .hasMessageStartingWith("--api-key-env gives a backend");
        ServeSettings.Flags passFlag = withFile(FLEET);
        passFlag.passClientAuth = true;
        assertThatThrownBy(() -> ServeSettings.resolve(passFlag, Map.of("VLLM_KEY", SeenSecrets.key("vk")), false))
                .hasMessageStartingWith("--pass-client-auth (set pass_client_auth on the file's backends instead) "
                        + "gives a backend");
        assertThatThrownBy(() -> ServeSettings.resolve(withFile(FLEET),
                Map.of("VLLM_KEY", SeenSecrets.key("vk"), "OPENAI_API_BASE_URL", "http://env/v1"), false))
                .hasMessageStartingWith("OPENAI_API_BASE_URL (environment) gives a backend");
        assertThatThrownBy(() -> ServeSettings.resolve(withFile(FLEET),
                Map.of("VLLM_KEY", SeenSecrets.key("vk"), "OPENROUTER_API_KEY", SeenSecrets.key("or")), false))
                .hasMessageStartingWith("OPENROUTER_API_KEY (environment) gives a backend");
    }

    @Test
    void aKeyVariableTheFileReadsItselfIsNoSecondBackend() throws IOException {
        ServeSettings s = ServeSettings.resolve(withFile("""
                backends:
                  - {name: cloud, type: openrouter, api_key_env: OPENROUTER_API_KEY}
                """), Map.of("OPENROUTER_API_KEY", SeenSecrets.key("or-1")), false);
        assertThat(s.fileBackends).singleElement().satisfies(b -> assertThat(b.apiKey().reveal()).isEqualTo("or-1"));
        assertThat(s.backend).isNull();
    }

    @Test
    void withoutBackendsInTheFileTheFlagAddsTheOneBackendAsToday() throws IOException {
        ServeSettings.Flags f = withFile(SERVER);
        f.backend = "http://flag:8000/v1";
        ServeSettings s = ServeSettings.resolve(f, Map.of(), false);
        assertThat(s.fileBackends).isEmpty();
        assertThat(s.backend.config().host()).isEqualTo("flag");
        assertThat(s.port).isEqualTo(8080);
        ServeSettings demo = ServeSettings.resolve(withFile(SERVER), Map.of(), false);
        assertThat(demo.backend).isNull();
        assertThat(demo.fileBackends).isEmpty();
    }

    @Test
    void serveRefusesAnUnsetKeyVariable() throws IOException {
        ServeSettings.Flags f = withFile(FLEET);
        assertThatThrownBy(() -> ServeSettings.resolve(f, Map.of(), false)).isInstanceOf(ConfigException.class)
                .hasMessage(f.config + ":5: backends[0].api_key_env: environment variable VLLM_KEY is not set; set it, "
                        + "or remove api_key_env if the backend takes no key");
    }

    @Test
    void withoutAFileNothingChanges() {
        ServeSettings s = ServeSettings.resolve(new ServeSettings.Flags(), Map.of(), false);
        assertThat(s.configFile).isNull();
        assertThat(s.fileBackends).isEmpty();
        assertThat(s.routing).isEqualTo(RoutingConfig.defaults());
        assertThat(s.relayConfig(List.of()).models().aliases()).isEmpty();
        assertThat(s.timeouts).isEqualTo(RelayConfig.Timeouts.defaults());
        assertThat(s.maxRequestBytes).isEqualTo(64 * 1024 * 1024);
    }
}
