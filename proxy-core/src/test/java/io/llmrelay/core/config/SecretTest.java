package io.llmrelay.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import io.llmrelay.testing.SeenSecrets;

class SecretTest {

    @Test
    void revealsOnlyWhenAsked() {
        Secret s = Secret.of(SeenSecrets.key("sk-123"), "env OPENAI_API_KEY");
        assertThat(s.reveal()).isEqualTo("sk-123");
        assertThat(s.source()).isEqualTo("env OPENAI_API_KEY");
        assertThat(s.toString()).isEqualTo("Secret[env OPENAI_API_KEY]");
        assertThat(String.valueOf(s)).doesNotContain("sk-123");
    }

    @Test
    void anEmptySecretIsRefused() {
        assertThatThrownBy(() -> Secret.of("", "flag --api-key")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("empty secret from flag --api-key");
        assertThatThrownBy(() -> Secret.of(null, "env X")).isInstanceOf(IllegalArgumentException.class);
    }
}
