package io.llmrelay.server.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;

/** The key a request presents, from {@code Authorization: Bearer} or {@code x-api-key}. */
class PresentedKeyTest {

    private static PresentedKey of(String... headers) {
        HttpHeaders h = new DefaultHttpHeaders();
        for (int i = 0; i + 1 < headers.length; i += 2) {
            h.add(headers[i], headers[i + 1]);
        }
        return PresentedKey.of(h);
    }

    @Test
    void bearerOrXApiKey() {
        assertThat(of("Authorization", "Bearer k1").key()).isEqualTo("k1");
        assertThat(of("authorization", "bearer   k1 ").key()).isEqualTo("k1");
        assertThat(of("Authorization", "BEARER k1").key()).isEqualTo("k1");
        assertThat(of("X-Api-Key", "k2").key()).isEqualTo("k2");
        assertThat(of("Authorization", "Bearer k3", "x-api-key", "k3").key()).isEqualTo("k3");
    }

    @Test
    void noKeyWithoutABearerCredential() {
        assertThat(of().key()).isNull();
        assertThat(of("Authorization", "Basic dXNlcjpwYXNz").key()).isNull();
        assertThat(of("Authorization", "Bearer").key()).isNull();
        assertThat(of("Authorization", "Bearer   ").key()).isNull();
        assertThat(of("x-api-key", "").key()).isNull();
        assertThat(of().conflicting()).isFalse();
        // another scheme beside an x-api-key: the x-api-key is the key
        assertThat(of("Authorization", "Basic abc", "x-api-key", "k4").key()).isEqualTo("k4");
    }

    @Test
    void twoDifferentKeysConflict() {
        assertThat(of("Authorization", "Bearer a", "x-api-key", "b").conflicting()).isTrue();
        assertThat(of("Authorization", "Bearer a", "Authorization", "Bearer b").conflicting()).isTrue();
        assertThat(of("x-api-key", "a", "x-api-key", "b").conflicting()).isTrue();
        assertThat(of("Authorization", "Bearer a", "x-api-key", "b").key()).isNull();
    }

    @Test
    void itsTextNeverShowsTheKey() {
        assertThat(of("Authorization", "Bearer sk-very-secret").toString()).doesNotContain("sk-very-secret");
    }
}
