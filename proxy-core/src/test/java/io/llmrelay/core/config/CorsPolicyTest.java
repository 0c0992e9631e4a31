package io.llmrelay.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CorsPolicyTest {

    private final CorsPolicy defaults = CorsPolicy.defaultPolicy();

    @ParameterizedTest
    @ValueSource(strings = {"http://localhost", "http://localhost:3000", "https://127.0.0.1:8443", "http://0.0.0.0:8080",
        "HTTP://LOCALHOST:5173", "app://obsidian.md", "file://", "tauri://localhost", "vscode-webview://abc123",
        "vscode-file://vscode-app"})
    void ollamasDefaultOriginsAreAllowed(String origin) {
        assertThat(defaults.allowsOrigin(origin)).isTrue();
        assertThat(defaults.allowOriginValue(origin)).isEqualTo(origin);
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://evil.example", "http://localhost.evil.example", "http://127.0.0.1.nip.io",
        "chrome-extension://abcdef", "null"})
    void otherOriginsAreNot(String origin) {
        assertThat(defaults.allowsOrigin(origin)).isFalse();
    }

    @Test
    void theOperatorAddsOriginsWithWildcards() {
        CorsPolicy p = CorsPolicy.withExtraOrigins(List.of("https://chat.example.com, chrome-extension://*", "moz-extension://*"));

        assertThat(p.allowsOrigin("https://chat.example.com")).isTrue();
        assertThat(p.allowsOrigin("chrome-extension://abcdef")).isTrue();
        assertThat(p.allowsOrigin("moz-extension://xyz")).isTrue();
        assertThat(p.allowsOrigin("https://chat.example.com.evil.example")).isFalse();
        assertThat(p.allowsOrigin("http://localhost:3000")).as("defaults stay").isTrue();
    }

    @Test
    void aLoneStarAllowsEveryOriginAndSaysSo() {
        CorsPolicy p = CorsPolicy.withExtraOrigins(List.of("*"));

        assertThat(p.allowsOrigin("https://anything.example")).isTrue();
        assertThat(p.allowOriginValue("https://anything.example")).isEqualTo("*");
    }

    @Test
    void preflightHeadersAreThoseOfOllamaAndTheOpenAiSdks() {
        assertThat(defaults.allowsHeaders(null)).isTrue();
        assertThat(defaults.allowsHeaders("Content-Type, Authorization")).isTrue();
        assertThat(defaults.allowsHeaders("content-type,x-stainless-os,x-stainless-retry-count,openai-beta")).isTrue();
        assertThat(defaults.allowsHeaders("content-type, x-secret")).isFalse();
    }

    @Test
    void starsMatchAnyRun() {
        assertThat(CorsPolicy.matches("a*c", "abbbc")).isTrue();
        assertThat(CorsPolicy.matches("a*c", "ac")).isTrue();
        assertThat(CorsPolicy.matches("a*b*c", "axxbyyc")).isTrue();
        assertThat(CorsPolicy.matches("a*c", "abcd")).isFalse();
        assertThat(CorsPolicy.matches("ab*", "a")).isFalse();
        assertThat(CorsPolicy.matches("*b", "b")).isTrue();
    }
}
