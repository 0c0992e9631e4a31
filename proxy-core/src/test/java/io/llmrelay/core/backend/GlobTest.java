package io.llmrelay.core.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class GlobTest {

    @Test
    void starIsAnyRunAndQuestionMarkOneCharacter() {
        assertThat(Glob.of("qwen3*").matches("qwen3")).isTrue();
        assertThat(Glob.of("qwen3*").matches("qwen3-coder:30b")).isTrue();
        assertThat(Glob.of("Qwen/Qwen3-?B").matches("Qwen/Qwen3-8B")).isTrue();
        assertThat(Glob.of("Qwen/Qwen3-?B").matches("Qwen/Qwen3-14B")).isFalse();
        assertThat(Glob.of("*embed*").matches("nomic-embed-text:latest")).isTrue();
    }

    @Test
    void theWholeNameMustMatchIgnoringCase() {
        assertThat(Glob.of("QWEN3*").matches("qwen3:8b")).isTrue();
        assertThat(Glob.of("qwen3*").matches("my-qwen3")).isFalse();
        assertThat(Glob.of("llama3").matches("llama3.2")).isFalse();
    }

    @Test
    void everyOtherCharacterIsLiteral() {
        assertThat(Glob.of("llama3.2").matches("llama3x2")).isFalse(); // '.' is not a regex wildcard
        assertThat(Glob.of("a+b(c)[d]").matches("a+b(c)[d]")).isTrue();
        assertThat(Glob.of("x\\E.*").matches("x\\E.*")).isTrue();
        assertThat(Glob.of("x\\E.*").matches("x\\Eyy")).isFalse();
    }

    @Test
    void anEmptyPatternIsAnError() {
        assertThatThrownBy(() -> Glob.of(" ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must not be empty");
        assertThatThrownBy(() -> Glob.of(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
