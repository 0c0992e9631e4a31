package io.llmrelay.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmrelay.core.backend.BackendFlavor;
import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import io.llmrelay.testing.SeenSecrets;

class BackendConfigTest {

    @ParameterizedTest
    @CsvSource({
        "http://localhost:8000/v1,            http://localhost:8000/v1",
        "http://localhost:8000/v1/,           http://localhost:8000/v1",
        "' https://openrouter.ai/api/v1// ',  https://openrouter.ai/api/v1",
        "https://api.openai.com/v1?x=1#f,     https://api.openai.com/v1",
        "http://host,                         http://host",
        "http://host/,                        http://host",
    })
    void parseUrlDropsTrailingSlashesQueryAndFragment(String url, String expected) {
        assertThat(BackendConfig.parseUrl(url)).isEqualTo(URI.create(expected));
    }

    @Test
    void parseUrlRefusesGarbage() {
        assertThatThrownBy(() -> BackendConfig.parseUrl("http://bad host/")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("invalid backend URL 'http://bad host/': ");
    }

    @ParameterizedTest
    @CsvSource({
        "http://localhost:8000/v1,      false, localhost,      8000, localhost:8000,  /v1,     http://localhost:8000/v1",
        "https://api.openai.com/v1,     true,  api.openai.com, 443,  api.openai.com,  /v1,     https://api.openai.com/v1",
        "http://vllm,                   false, vllm,           80,   vllm,            '',      http://vllm",
        "https://x.test:443/api/v1,     true,  x.test,         443,  x.test,          /api/v1, https://x.test/api/v1",
        "http://x.test:80,              false, x.test,         80,   x.test,          '',      http://x.test",
        "HTTPS://x.test:8443,           true,  x.test,         8443, x.test:8443,     '',      HTTPS://x.test:8443",
        "'http://[::1]:8000/v1',        false, '[::1]',        8000, '[::1]:8000',    /v1,     'http://[::1]:8000/v1'",
        "http://user:pw@h.test:9000/v1, false, h.test,         9000, h.test:9000,     /v1,     http://h.test:9000/v1",
    })
    void addressParts(String url, boolean tls, String host, int port, String hostHeader, String basePath, String display) {
        BackendConfig c = new BackendConfig("b", BackendConfig.parseUrl(url), BackendFlavor.GENERIC, null);
        assertThat(c.tls()).isEqualTo(tls);
        assertThat(c.host()).isEqualTo(host);
        assertThat(c.port()).isEqualTo(port);
        assertThat(c.hostHeader()).isEqualTo(hostHeader);
        assertThat(c.basePath()).isEqualTo(basePath);
        assertThat(c.displayUrl()).isEqualTo(display);
    }

    @Test
    void onlyHttpUrlsWithAHost() {
        assertThatThrownBy(() -> new BackendConfig("b", URI.create("ftp://x/v1"), BackendFlavor.GENERIC, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("backend URL must start with http:// or https://: ftp://x/v1");
        assertThatThrownBy(() -> new BackendConfig("b", URI.create("localhost:8000"), BackendFlavor.GENERIC, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("backend URL must start with http:// or https://");
        assertThatThrownBy(() -> new BackendConfig("b", URI.create("/v1"), BackendFlavor.GENERIC, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BackendConfig("b", URI.create("http:///v1"), BackendFlavor.GENERIC, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("backend URL has no host: http:///v1");
    }

    @Test
    void theKeyNeverShowsInToString() {
        BackendConfig c = new BackendConfig("or", URI.create("https://openrouter.ai/api/v1"), BackendFlavor.OPENROUTER,
                Secret.of(SeenSecrets.key("sk-or-v1-supersecret"), "env OPENROUTER_API_KEY"));
        assertThat(c.toString()).doesNotContain("supersecret").contains("env OPENROUTER_API_KEY");
    }
}
