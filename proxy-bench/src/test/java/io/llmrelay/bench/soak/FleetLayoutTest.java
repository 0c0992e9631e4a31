package io.llmrelay.bench.soak;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrelay.core.config.BackendConfig;
import io.llmrelay.core.config.ConfigFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The soak's fleet: every model on two backends at least, and a configuration the proxy reads. */
class FleetLayoutTest {

    @Test
    void everyModelHasAtLeastTwoBackends() {
        for (String model : FleetLayout.allModels()) {
            assertThat(FleetLayout.MEMBERS.stream().filter(m -> m.models().contains(model)).count()).as(model)
                    .isGreaterThanOrEqualTo(2);
        }
        assertThat(FleetLayout.chatModels()).containsExactly("soak-a", "soak-b");
        assertThat(FleetLayout.embeddingModels()).containsExactly("soak-embed");
    }

    @Test
    void theConfigurationLoadsWithItsBackendsModelsAndLimits(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("relay.yaml");
        Files.writeString(file, FleetLayout.relayYaml(List.of(8101, 8102, 8103), 250, 2000));
        ConfigFile config = ConfigFile.load(file, Map.of());
        List<BackendConfig> backends = config.backends();
        assertThat(backends).extracting(BackendConfig::name).containsExactly("soak-1", "soak-2", "soak-3");
        assertThat(backends.get(1).baseUrl().toString()).isEqualTo("http://127.0.0.1:8102/v1");
        assertThat(backends.get(2).options().models()).containsExactly("soak-a", "soak-embed");
        assertThat(backends.get(0).options().timeouts().firstByte()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.server().healthInterval()).isEqualTo(Duration.ofMillis(250));
    }
}
