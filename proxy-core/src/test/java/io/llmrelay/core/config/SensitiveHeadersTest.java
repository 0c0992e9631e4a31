package io.llmrelay.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SensitiveHeadersTest {

    @ParameterizedTest
    @ValueSource(strings = {"Authorization", "proxy-authorization", "X-Api-Key", "api-key", "apikey", "X-Auth-Token",
        "x-goog-api-key", "Ocp-Apim-Subscription-Key", "Cookie", "X_SECRET"})
    void credentialHeadersAreRedacted(String name) {
        assertThat(SensitiveHeaders.isSensitive(name)).isTrue();
        assertThat(SensitiveHeaders.displayValue(name, "sk-123")).isEqualTo("(redacted)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"HTTP-Referer", "X-Title", "X-Monkey", "Accept-Language", "OpenAI-Organization"})
    void otherHeadersAreShown(String name) {
        assertThat(SensitiveHeaders.isSensitive(name)).isFalse();
        assertThat(SensitiveHeaders.displayValue(name, "value")).isEqualTo("value");
    }
}
