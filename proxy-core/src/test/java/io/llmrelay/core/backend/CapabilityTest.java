package io.llmrelay.core.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class CapabilityTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "Qwen/Qwen3-8B                      | completion,tools,thinking",
        "qwen3-embedding-0.6b               | embedding",
        "Qwen/Qwen2.5-VL-7B-Instruct        | completion,tools,vision",
        "deepseek-ai/DeepSeek-R1-Distill-Qwen-7B | completion,tools,thinking",
        "openai/gpt-oss-20b                 | completion,tools,thinking",
        "o3-mini                            | completion,tools,thinking",
        "gpt-4o-mini                        | completion,tools,vision",
        "gpt-5                              | completion,tools,vision,thinking",
        "meta-llama/Llama-3.1-8B-Instruct   | completion,tools",
        "google/gemma-3-27b-it              | completion,tools,vision",
        "llava-v1.6-mistral-7b              | completion,tools,vision",
        "nomic-embed-text                   | embedding",
        "codellama-7b                       | completion,tools",
    })
    void guessesFromWellKnownFamilies(String id, String expected) {
        assertThat(Capability.labels(Capability.guess(id))).containsExactly(expected.split(","));
    }

    @Test
    void labelsAreOllamasNames() {
        assertThat(Capability.fromLabel(" Thinking ")).isEqualTo(Capability.THINKING);
        assertThat(Capability.INSERT.label()).isEqualTo("insert");
        assertThatThrownBy(() -> Capability.fromLabel("telepathy")).hasMessageContaining("unknown capability 'telepathy'");
    }
}
