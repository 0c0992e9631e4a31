package io.llmrelay.core.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BackendFlavorTest {

    @ParameterizedTest
    @CsvSource({
        "openai-compatible, GENERIC", "generic, GENERIC", "openai, OPENAI", "OpenAI, OPENAI", "openrouter, OPENROUTER",
        "vllm, VLLM", "' VLLM ', VLLM", "llamacpp, LLAMACPP", "lmstudio, LMSTUDIO"})
    void fromIdTakesTheIdOrTheName(String id, BackendFlavor flavor) {
        assertThat(BackendFlavor.fromId(id)).isEqualTo(flavor);
    }

    @Test
    void anUnknownIdListsTheKnownOnes() {
        assertThatThrownBy(() -> BackendFlavor.fromId("ollama")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown backend type 'ollama' (expected one of openai-compatible, openai, openrouter, vllm, "
                        + "llamacpp, lmstudio)");
    }

    @ParameterizedTest
    @CsvSource({
        "api.openai.com, OPENAI", "API.OPENAI.COM, OPENAI", "openrouter.ai, OPENROUTER", "eu.openrouter.ai, OPENROUTER",
        "localhost, GENERIC", "notopenrouter.ai, GENERIC", "api.openai.com.evil.test, GENERIC"})
    void guessFromTheHost(String host, BackendFlavor flavor) {
        assertThat(BackendFlavor.guess(host)).isEqualTo(flavor);
    }

    @Test
    void idsInDeclarationOrder() {
        assertThat(BackendFlavor.ids()).containsExactly("openai-compatible", "openai", "openrouter", "vllm", "llamacpp", "lmstudio");
        for (BackendFlavor f : BackendFlavor.values()) {
            assertThat(BackendFlavor.fromId(f.id())).isEqualTo(f);
        }
    }
}
