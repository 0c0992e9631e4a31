package io.llmrelay.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmrelay.core.backend.BackendFlavor;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RelayConfigTest {

    private static final BackendConfig B = new BackendConfig("b", URI.create("http://localhost:8000/v1"), BackendFlavor.VLLM, null);

    @Test
    void backendsAreCopied() {
        List<BackendConfig> backends = new ArrayList<>(List.of(B));
        RelayConfig c = config(backends, 11434, 1, 1);
        backends.clear();
        assertThat(c.backends()).containsExactly(B);
        assertThatThrownBy(() -> c.backends().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void portAndLimitsAreChecked() {
        assertThat(config(List.of(B), 0, 1, 1).port()).isZero();
        assertThat(config(List.of(B), 65535, 1, 1).port()).isEqualTo(65535);
        assertThatThrownBy(() -> config(List.of(B), 65536, 1, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("port must be between 0 and 65535: 65536");
        assertThatThrownBy(() -> config(List.of(B), -1, 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> config(List.of(B), 1, 0, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("size limits must be positive");
        assertThatThrownBy(() -> config(List.of(B), 1, 1, -5)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void defaultTimeouts() {
        assertThat(RelayConfig.Timeouts.defaults()).isEqualTo(new RelayConfig.Timeouts(Duration.ofSeconds(10),
                Duration.ofSeconds(300), Duration.ofSeconds(60), Duration.ofSeconds(60), Duration.ofSeconds(120),
                Duration.ofSeconds(10)));
        assertThat(new RelayConfig.Timeouts(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1),
                Duration.ofSeconds(1), Duration.ofSeconds(1)).drain()).as("the five-limit form keeps the default drain")
                .isEqualTo(RelayConfig.Timeouts.DEFAULT_DRAIN);
        assertThat(RelayConfig.Timeouts.defaults().withDrain(Duration.ZERO).drain()).isZero();
        assertThatThrownBy(() -> RelayConfig.Timeouts.defaults().withDrain(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("the drain deadline cannot be negative");
    }

    private static RelayConfig config(List<BackendConfig> backends, int port, int maxRequest, int maxEvent) {
        return new RelayConfig("127.0.0.1", port, backends, maxRequest, maxEvent, 0, RelayConfig.Timeouts.defaults(),
                Duration.ofMinutes(1), Duration.ofSeconds(2), java.util.List.of(), CorsPolicy.defaultPolicy());
    }
}
