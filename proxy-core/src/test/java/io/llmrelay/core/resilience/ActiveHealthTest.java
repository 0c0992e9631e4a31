package io.llmrelay.core.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrelay.core.config.ResilienceConfig;
import io.llmrelay.core.resilience.ActiveHealth.State;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ActiveHealthTest {

    /** three failures to fall, two successes to rise */
    private final ActiveHealth health = new ActiveHealth(
            new ResilienceConfig.Health(null, null, 3, 2, Duration.ZERO, ResilienceConfig.Ready.EVERY_MODEL));

    @Test
    void beforeTheFirstProbeItIsUnknownAndRoutable() {
        assertThat(health.state()).isEqualTo(State.UNKNOWN);
        assertThat(health.routable()).isTrue();
    }

    @Test
    void theFirstProbeDecidesAtOnce() {
        assertThat(health.record(false)).isEqualTo(State.UNHEALTHY);
        ActiveHealth other = new ActiveHealth(ResilienceConfig.Health.defaults());
        assertThat(other.record(true)).isEqualTo(State.HEALTHY);
    }

    @Test
    void fallFailuresInARowMarkItDown() {
        health.record(true);
        assertThat(health.record(false)).isEqualTo(State.HEALTHY);
        assertThat(health.record(false)).isEqualTo(State.HEALTHY);
        assertThat(health.streak()).isEqualTo(2);
        assertThat(health.record(true)).as("a success ends the run").isEqualTo(State.HEALTHY);
        assertThat(health.streak()).isZero();
        health.record(false);
        health.record(false);
        assertThat(health.record(false)).isEqualTo(State.UNHEALTHY);
        assertThat(health.routable()).isFalse();
        assertThat(health.state().id()).isEqualTo("unhealthy");
    }

    @Test
    void riseSuccessesInARowMarkItUp() {
        health.record(false);
        assertThat(health.record(true)).isEqualTo(State.UNHEALTHY);
        assertThat(health.record(false)).isEqualTo(State.UNHEALTHY);
        assertThat(health.record(true)).isEqualTo(State.UNHEALTHY);
        assertThat(health.record(true)).isEqualTo(State.HEALTHY);
        assertThat(health.routable()).isTrue();
    }
}
