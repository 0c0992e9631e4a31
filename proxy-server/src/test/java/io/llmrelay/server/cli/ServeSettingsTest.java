package io.llmrelay.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmrelay.core.backend.BackendFlavor;
import io.llmrelay.core.config.BackendConfig;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import io.llmrelay.testing.SeenSecrets;

/** Flags beat the environment, the environment beats defaults, and keys only ever come from the environment. */
class ServeSettingsTest {

    private static ServeSettings resolve(ServeSettings.Flags flags, Map<String, String> env) {
        return ServeSettings.resolve(flags, env, false);
    }

    @Test
    void nothingConfiguredMeansTheDemoBackendOnTheOllamaPort() {
        ServeSettings s = resolve(new ServeSettings.Flags(), Map.of());
        assertThat(s.backend).isNull();
        assertThat(s.port).isEqualTo(11434);
        assertThat(s.host).isEqualTo("127.0.0.1");
        assertThat(s.logFormat).isEqualTo("json");
        assertThat(s.logLevel).isEqualTo("INFO");
        assertThat(ServeSettings.resolve(new ServeSettings.Flags(), Map.of(), true).logFormat).isEqualTo("text");
    }

    @Test
    void backendFlagWithKeyFromTheNamedVariable() {
        ServeSettings.Flags f = new ServeSettings.Flags();
        f.backend = "http://localhost:8000/v1/";
        f.apiKeyEnv = "MY_KEY";
        ServeSettings s = resolve(f, Map.of("MY_KEY", SeenSecrets.key("sk-abc"), "OPENAI_API_KEY", SeenSecrets.key("sk-other")));
        assertThat(s.backend.config().baseUrl().toString()).isEqualTo("http://localhost:8000/v1");
        assertThat(s.backend.config().apiKey().reveal()).isEqualTo("sk-abc");
        assertThat(s.backend.config().apiKey().toString()).doesNotContain("sk-abc");
        assertThat(s.backend.config().flavor()).isEqualTo(BackendFlavor.GENERIC);
        assertThat(s.backend.config().name()).isEqualTo("localhost");
    }

    @Test
    void withoutATypeTheServerDecidesWithOneItIsFixed() {
        ServeSettings.Flags f = new ServeSettings.Flags();
        f.backend = "http://gpu-1:8080/v1";
        assertThat(resolve(f, Map.of()).backend.config().detectFlavor()).isTrue();
        f.backendType = "vllm";
        BackendConfig fixed = resolve(f, Map.of()).backend.config();
        assertThat(fixed.detectFlavor()).isFalse();
        assertThat(fixed.flavor()).isEqualTo(BackendFlavor.VLLM);
    }

    @Test
    void healthIntervalIsADuration() {
        assertThat(resolve(new ServeSettings.Flags(), Map.of()).healthInterval).isEqualTo(Duration.ofSeconds(2));
        ServeSettings.Flags f = new ServeSettings.Flags();
        f.healthInterval = "500ms";
        assertThat(resolve(f, Map.of()).healthInterval).isEqualTo(Duration.ofMillis(500));
        f.healthInterval = "0.25";
        assertThat(resolve(f, Map.of()).healthInterval).isEqualTo(Duration.ofMillis(250));
        f.healthInterval = "10ms";
        assertThatThrownBy(() -> resolve(f, Map.of())).hasMessage("--health-interval must be at least 100ms");
        f.healthInterval = "often";
        assertThatThrownBy(() -> resolve(f, Map.of())).hasMessageStartingWith("--health-interval must be a duration");
    }

    @Test
    void theDrainDeadlineIsADurationFromTheFlagThenTheEnvironment() {
        assertThat(resolve(new ServeSettings.Flags(), Map.of()).timeouts.drain()).isEqualTo(Duration.ofSeconds(10));
        assertThat(resolve(new ServeSettings.Flags(), Map.of("DRAIN_TIMEOUT", "90")).timeouts.drain())
                .isEqualTo(Duration.ofSeconds(90));
        ServeSettings.Flags f = new ServeSettings.Flags();
        f.drainTimeout = "2.5s";
        assertThat(resolve(f, Map.of("DRAIN_TIMEOUT", "90")).timeouts.drain()).isEqualTo(Duration.ofMillis(2500));
        f.drainTimeout = "0";
        assertThat(resolve(f, Map.of()).timeouts.drain()).as("0: cut at once").isZero();
        f.drainTimeout = "soon";
        assertThatThrownBy(() -> resolve(f, Map.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--drain-timeout must be a duration such as 500ms, 2s, 1m or 0.5 (seconds), not 'soon'");
        assertThatThrownBy(() -> resolve(new ServeSettings.Flags(), Map.of("DRAIN_TIMEOUT", "-5s")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("DRAIN_TIMEOUT must be a duration such as 500ms, 2s, 1m or 0.5 (seconds), not '-5s'");
    }

    @Test
    void backendFlagWithoutKeyVariableSendsNoKey() {
        ServeSettings.Flags f = new ServeSettings.Flags();
        f.backend = "http://vllm:8000/v1";
        assertThat(resolve(f, Map.of("OPENAI_API_KEY", SeenSecrets.key("sk-x"))).backend.config().apiKey()).isNull();
    }

    @Test
    void theClientsOwnAuthorizationReachesTheFlagsBackendOnlyWhenAsked() {
        ServeSettings.Flags f = new ServeSettings.Flags();
        f.backend = "http://vllm:8000/v1";
        assertThat(resolve(f, Map.of()).backend.config().options().passClientAuth()).isFalse();
        f.passClientAuth = true;
        assertThat(resolve(f, Map.of()).backend.config().options().passClientAuth()).isTrue();
        f.apiKeyEnv = "MY_KEY";
        assertThatThrownBy(() -> resolve(f, Map.of("MY_KEY", SeenSecrets.key("sk-abc"))))
                .hasMessage("--pass-client-auth is for a backend without a key of its own, and this one has one "
                        + "(env MY_KEY): it receives exactly that key");
        ServeSettings.Flags noBackend = new ServeSettings.Flags();
        noBackend.passClientAuth = true;
        assertThatThrownBy(() -> resolve(noBackend, Map.of())).hasMessageContaining("--pass-client-auth need a backend");
    }

    @Test
    void aNamedKeyVariableThatIsNotSetIsAnError() {
        ServeSettings.Flags f = new ServeSettings.Flags();
        f.backend = "http://localhost:8000/v1";
        f.apiKeyEnv = "MISSING_KEY";
        assertThatThrownBy(() -> resolve(f, Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("MISSING_KEY");
    }

    @Test
    void openAiEnvironmentOfTheProxiesUsersMigrateFrom() {
        ServeSettings s = resolve(new ServeSettings.Flags(),
                Map.of("OPENAI_API_BASE_URL", "https://api.openai.com/v1", "OPENAI_API_KEY", SeenSecrets.key("sk-1"),
                        "PROXY_PORT", "9000", "PORT", "9100", "HOST", "0.0.0.0", "LOG_LEVEL", "debug"));
        assertThat(s.backend.config().flavor()).isEqualTo(BackendFlavor.OPENAI);
        assertThat(s.backend.config().apiKey().reveal()).isEqualTo("sk-1");
        assertThat(s.backend.source()).isEqualTo("OPENAI_API_BASE_URL");
        assertThat(s.port).isEqualTo(9000);
        assertThat(s.host).isEqualTo("0.0.0.0");
        assertThat(s.logLevel).isEqualTo("DEBUG");
    }

    @Test
    void openRouterKeySelectsOpenRouter() {
        ServeSettings s = resolve(new ServeSettings.Flags(), Map.of("OPENROUTER_API_KEY", SeenSecrets.key("or-1"), "PORT", "9100"));
        assertThat(s.backend.config().flavor()).isEqualTo(BackendFlavor.OPENROUTER);
        assertThat(s.backend.config().displayUrl()).isEqualTo("https://openrouter.ai/api/v1");
        assertThat(s.backend.config().apiKey().reveal()).isEqualTo("or-1");
        assertThat(s.port).isEqualTo(9100);
        ServeSettings custom = resolve(new ServeSettings.Flags(),
                Map.of("OPENROUTER_API_KEY", SeenSecrets.key("or-1"), "OPENROUTER_BASE_URL", "https://or.example/api/v1"));
        assertThat(custom.backend.config().displayUrl()).isEqualTo("https://or.example/api/v1");
        assertThat(custom.backend.config().flavor()).isEqualTo(BackendFlavor.OPENROUTER);
    }

    @Test
    void flagsOverrideTheEnvironment() {
        ServeSettings.Flags f = new ServeSettings.Flags();
        f.port = 12345;
        f.host = "127.0.0.2";
        f.backend = "http://flag:1/v1";
        f.backendType = "vllm";
        f.logFormat = "text";
        ServeSettings s = resolve(f, Map.of("PROXY_PORT", "9000", "HOST", "0.0.0.0", "OPENAI_API_BASE_URL",
                "http://env:2/v1", "OPENROUTER_API_KEY", SeenSecrets.key("x"), "LOG_FORMAT", "json"));
        assertThat(s.port).isEqualTo(12345);
        assertThat(s.host).isEqualTo("127.0.0.2");
        assertThat(s.backend.config().host()).isEqualTo("flag");
        assertThat(s.backend.config().flavor()).isEqualTo(BackendFlavor.VLLM);
        assertThat(s.logFormat).isEqualTo("text");
    }

    @Test
    void invalidValuesAreClearErrors() {
        ServeSettings.Flags bad = new ServeSettings.Flags();
        bad.backend = "ftp://x";
        assertThatThrownBy(() -> resolve(bad, Map.of())).hasMessageContaining("http://");
        assertThatThrownBy(() -> resolve(new ServeSettings.Flags(), Map.of("PORT", "eighty")))
                .hasMessageContaining("PORT must be a number");
        ServeSettings.Flags type = new ServeSettings.Flags();
        type.backend = "http://x/v1";
        type.backendType = "bogus";
        assertThatThrownBy(() -> resolve(type, Map.of())).hasMessageContaining("unknown backend type 'bogus'");
        ServeSettings.Flags format = new ServeSettings.Flags();
        format.logFormat = "xml";
        assertThatThrownBy(() -> resolve(format, Map.of())).hasMessageContaining("json or text");
    }

    @Test
    void modelOverridesComeFromRepeatableFlags() {
        ServeSettings.Flags f = new ServeSettings.Flags();
        f.modelCapabilities = java.util.List.of("qwen3*=+thinking", "*coder*=+insert,-tools");
        f.modelContext = java.util.List.of("gpt-4o*=128000");
        ServeSettings s = resolve(f, Map.of());
        assertThat(s.modelOverrides).hasSize(3);
        assertThat(s.relayConfig(java.util.List.of()).modelOverrides()).hasSize(3);
        ServeSettings.Flags bad = new ServeSettings.Flags();
        bad.modelCapabilities = java.util.List.of("qwen3*=+telepathy");
        assertThatThrownBy(() -> resolve(bad, Map.of())).hasMessageContaining("unknown capability");
    }

    @Test
    void browserOriginsComeFromOllamaOriginsAndTheFlag() {
        ServeSettings.Flags f = new ServeSettings.Flags();
        f.origins = java.util.List.of("https://ui.example");
        ServeSettings s = resolve(f, Map.of("OLLAMA_ORIGINS", "chrome-extension://*,https://other.example"));

        assertThat(s.cors.allowsOrigin("https://ui.example")).isTrue();
        assertThat(s.cors.allowsOrigin("chrome-extension://abc")).isTrue();
        assertThat(s.cors.allowsOrigin("https://other.example")).isTrue();
        assertThat(s.cors.allowsOrigin("http://localhost:3000")).isTrue();
        assertThat(s.cors.allowsOrigin("https://evil.example")).isFalse();
        assertThat(resolve(new ServeSettings.Flags(), Map.of()).cors.allowsOrigin("https://ui.example")).isFalse();
    }
}
