package io.llmrelay.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrelay.core.backend.BackendFlavor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.llmrelay.testing.SeenSecrets;

/** The example in docs/CONFIG.md is one a user can copy: it loads, and means what the page says. */
class ConfigDocExampleTest {

    private static final Path PAGE = Path.of("..", "docs", "CONFIG.md");

    @TempDir
    Path dir;

    /** The first fenced block of {@code language} after {@code marker}. */
    private static String block(String page, String marker, String language) {
        Matcher m = Pattern.compile("```" + language + "\\n(.*?)```", Pattern.DOTALL).matcher(page);
        assertThat(m.find(page.indexOf(marker))).as("a ```%s block after %s", language, marker).isTrue();
        return m.group(1);
    }

    @Test
    void theCompleteExampleLoads() throws IOException {
        String page = Files.readString(PAGE);
        Path config = dir.resolve("relay.yaml");
        Files.writeString(config, block(page, "## A complete example", "yaml"));
        Files.writeString(dir.resolve("models.txt"), block(page, "`models.txt`, beside", "text"));
        Files.writeString(dir.resolve("mapping.json"), block(page, "`mapping.json`, beside", "json"));

        ConfigFile c = ConfigFile.load(config, Map.of("VLLM_KEY", SeenSecrets.key("vk"), "OPENROUTER_API_KEY", SeenSecrets.key("ok")));

        assertThat(c.backends()).extracting(BackendConfig::flavor)
                .containsExactly(BackendFlavor.VLLM, BackendFlavor.OLLAMA, BackendFlavor.OPENROUTER);
        assertThat(c.backends()).extracting(BackendConfig::displayUrl).containsExactly(
                "http://gpu-1.internal:8000/v1", "http://ollama-1.internal:11434", "https://openrouter.ai/api/v1");
        assertThat(c.routing()).isEqualTo(new RoutingConfig(RoutingConfig.Strategy.PRIORITY, RoutingConfig.Sticky.HEADER));
        assertThat(c.models().aliases()).containsOnlyKeys("coder", "big");
        assertThat(c.models().filter()).containsExactly("qwen*", "llama3.2:3b", "meta-llama/*", "!*-base");
        assertThat(c.models().mapping()).containsEntry("qwen3", "qwen/qwen3-32b");
        assertThat(c.modelOverrides()).hasSize(3);
        assertThat(c.server().port()).isEqualTo(11434);
        assertThat(c.server().maxRequestBytes()).isEqualTo(32 * 1024 * 1024);
        assertThat(c.server().origins()).isEqualTo(List.of("https://chat.example.org"));
        assertThat(c.backends().get(0).options().timeouts()).isEqualTo(new BackendTimeouts(Duration.ofSeconds(2),
                Duration.ofSeconds(30), Duration.ofSeconds(60)));
        assertThat(c.backends().get(1).options().timeouts()).isEqualTo(BackendTimeouts.INHERIT);
        assertThat(c.models().fallbacks()).containsExactly(Map.entry("coder", List.of("qwen3", "llama3.2:3b")));
        assertThat(c.server().healthInterval()).isEqualTo(Duration.ofSeconds(1));
        ResilienceConfig r = c.resilience();
        assertThat(r.health()).isEqualTo(new ResilienceConfig.Health(null, null, 3, 2, Duration.ofSeconds(30),
                ResilienceConfig.Ready.ANY_BACKEND));
        assertThat(r.breaker()).isEqualTo(new ResilienceConfig.Breaker(5, Duration.ofSeconds(15)));
        assertThat(r.outlier()).isEqualTo(new ResilienceConfig.Outlier(3, Duration.ofSeconds(1), Duration.ofMinutes(1), 50));
        assertThat(r.retry()).isEqualTo(ResilienceConfig.Retry.defaults());
    }

    /** Every key the loader accepts has its row in the page's tables (or, for a section's map, its mention). */
    @Test
    void everyKeyIsDocumented() throws IOException {
        String page = Files.readString(PAGE);
        for (List<String> keys : List.of(BackendsSection.KEYS, ModelsSection.KEYS, RoutingSection.KEYS,
                ServerSection.KEYS, ResilienceSection.HEALTH_KEYS, ResilienceSection.BREAKER_KEYS,
                ResilienceSection.OUTLIER_KEYS, ResilienceSection.RETRY_KEYS, SecuritySection.AUTH_KEYS,
                SecuritySection.LIMITS_KEYS, SecuritySection.KEY_RATE_KEYS, SecuritySection.ADMIN_KEYS,
                KeysFile.ENTRY_KEYS, SecuritySection.REQUEST_KEYS)) {
            for (String key : keys) {
                // a row of its own; server's timeouts have a row each, as timeouts.connect
                assertThat(page).as("docs/CONFIG.md has a row for '%s'", key).contains("| `" + key);
            }
        }
        for (String key : BackendsSection.TIMEOUT_KEYS) {
            assertThat(page).as("docs/CONFIG.md explains a backend's '%s'", key).contains("`" + key + "`: ");
        }
        for (String section : ConfigFile.SECTIONS) {
            assertThat(page).as("a heading for %s:", section).containsPattern("## .*`" + section + ":`");
        }
    }
}
