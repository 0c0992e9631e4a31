package io.llmrelay.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClosestNameTest {

    private static final List<String> KEYS = List.of("name", "weight", "max_concurrency", "api_key_env", "url");

    @Test
    void typosCaseAndSeparatorsFindTheKey() {
        assertThat(ClosestName.to("wieght", KEYS)).contains("weight");
        assertThat(ClosestName.to("maxConcurrency", KEYS)).contains("max_concurrency");
        assertThat(ClosestName.to("api-key-env", KEYS)).contains("api_key_env");
        assertThat(ClosestName.to("URL", KEYS)).contains("url");
    }

    @Test
    void aDifferentWordIsNoTypo() {
        assertThat(ClosestName.to("colour", KEYS)).isEmpty();
        assertThat(ClosestName.to("x", KEYS)).isEmpty();
    }

    @Test
    void distanceIsLevenshtein() {
        assertThat(ClosestName.distance("kitten", "sitting")).isEqualTo(3);
        assertThat(ClosestName.distance("", "abc")).isEqualTo(3);
        assertThat(ClosestName.distance("same", "same")).isZero();
    }
}
