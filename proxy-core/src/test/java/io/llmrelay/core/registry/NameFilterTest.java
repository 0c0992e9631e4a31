package io.llmrelay.core.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class NameFilterTest {

    @Test
    void anEmptyListKeepsEverything() {
        NameFilter all = NameFilter.of(List.of());
        assertThat(all.keepsAll()).isTrue();
        assertThat(all.keeps("anything:at-all")).isTrue();
    }

    @Test
    void onlyExclusionsKeepEverythingElse() {
        NameFilter f = NameFilter.of(List.of("!*embed*", "!gpt-3.5*"));
        assertThat(f.keeps("qwen3:8b")).isTrue();
        assertThat(f.keeps("nomic-embed-text:latest")).isFalse();
        assertThat(f.keeps("GPT-3.5-turbo")).isFalse();
    }

    @Test
    void withInclusionsANameMustMatchOneAndNoExclusion() {
        NameFilter f = NameFilter.of(List.of("qwen3*", "llama*", "!*:70b"));
        assertThat(f.keeps("qwen3:8b")).isTrue();
        assertThat(f.keeps("llama3.1:8b")).isTrue();
        assertThat(f.keeps("llama3.1:70b")).isFalse();
        assertThat(f.keeps("mistral")).isFalse();
    }

    @Test
    void aNameAndItsLatestFormAreOneName() {
        assertThat(NameFilter.of(List.of("demo")).keeps("demo:latest")).isTrue();
        assertThat(NameFilter.of(List.of("demo:latest")).keeps("demo")).isTrue();
        assertThat(NameFilter.of(List.of("!demo")).keeps("Demo:Latest")).isFalse();
        assertThat(NameFilter.of(List.of("demo")).keeps("demo:7b")).isFalse(); // another tag is another model
    }

    @Test
    void patternsAreTrimmedAndEmptyOnesAreErrors() {
        assertThat(NameFilter.of(List.of(" ! phi* ")).keeps("phi4")).isFalse();
        assertThat(NameFilter.of(List.of(" ! phi* ")).toString()).isEqualTo("[!phi*]");
        assertThatThrownBy(() -> NameFilter.of(List.of("qwen*", "!"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty model pattern '!'").hasMessageContaining("'!glob' to exclude");
        assertThatThrownBy(() -> NameFilter.of(List.of(""))).isInstanceOf(IllegalArgumentException.class);
    }
}
