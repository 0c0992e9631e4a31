package io.llmrelay.core.backend;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ModelDetailsTest {

    // Ollama's format.HumanNumber: SmolLM2-135M shows as 134.52M, Llama 3.1 8B as 8.0B, Qwen3 0.6B as 751.63M
    @ParameterizedTest
    @CsvSource({"134515008, 134.52M", "8030261248, 8.0B", "751632384, 751.63M", "7000000000, 7B", "135000000, 135M",
        "1500, 2K", "999, 999", "70553706496, 70.6B"})
    void parameterSizeAsOllamaPrintsIt(long count, String shown) {
        assertThat(new ModelDetails(0, "gguf", "", count, "").parameterSize()).isEqualTo(shown);
    }

    @Test
    void aServerLabelWhenThereIsNoCount() {
        assertThat(new ModelDetails(0, "mlx", "4bit", 0, "9B").parameterSize()).isEqualTo("9B");
        assertThat(ModelDetails.UNKNOWN.parameterSize()).isEmpty();
    }

    @Test
    void theServersOwnLabelWinsOverACount() {
        // an Ollama node says 8.0B; /api/show adds the count, and the node's words must come out unchanged
        assertThat(new ModelDetails(0, "gguf", "Q4_0", 8030261248L, "8B").parameterSize()).isEqualTo("8B");
    }

    @Test
    void withoutDigestFamilyOrParentTheyAreEmpty() {
        ModelDetails d = new ModelDetails(1, "gguf", "Q4_0", 2, "");
        assertThat(d.digest()).isEmpty();
        assertThat(d.hasDigest()).isFalse();
        assertThat(d.family()).isEmpty();
        assertThat(d.families()).isEmpty();
        assertThat(d.parentModel()).isEmpty();
        assertThat(new ModelDetails(0, null, null, 0, null, null, null, null, null)).isEqualTo(ModelDetails.UNKNOWN);
    }

    @Test
    void nullTextsBecomeEmpty() {
        ModelDetails d = new ModelDetails(1, null, null, 0, null);
        assertThat(d.format()).isEmpty();
        assertThat(d.quantization()).isEmpty();
        assertThat(d.parameterLabel()).isEmpty();
    }

    @Test
    void equalWhenEveryComponentIsAndNotOtherwise() {
        ModelDetails d = new ModelDetails(1, "gguf", "Q4_0", 2, "8B", "abc", "llama", List.of("llama"), "base");
        ModelDetails same = new ModelDetails(1, "gguf", "Q4_0", 2, "8B", "abc", "llama", List.of("llama"), "base");
        assertThat(d).isEqualTo(same).hasSameHashCodeAs(same);
        assertThat(List.of(
                new ModelDetails(9, "gguf", "Q4_0", 2, "8B", "abc", "llama", List.of("llama"), "base"),
                new ModelDetails(1, "mlx", "Q4_0", 2, "8B", "abc", "llama", List.of("llama"), "base"),
                new ModelDetails(1, "gguf", "Q8_0", 2, "8B", "abc", "llama", List.of("llama"), "base"),
                new ModelDetails(1, "gguf", "Q4_0", 9, "8B", "abc", "llama", List.of("llama"), "base"),
                new ModelDetails(1, "gguf", "Q4_0", 2, "9B", "abc", "llama", List.of("llama"), "base"),
                new ModelDetails(1, "gguf", "Q4_0", 2, "8B", "abd", "llama", List.of("llama"), "base"),
                new ModelDetails(1, "gguf", "Q4_0", 2, "8B", "abc", "qwen", List.of("llama"), "base"),
                new ModelDetails(1, "gguf", "Q4_0", 2, "8B", "abc", "llama", List.of("llama", "clip"), "base"),
                new ModelDetails(1, "gguf", "Q4_0", 2, "8B", "abc", "llama", List.of("llama"), "other")))
                .allSatisfy(other -> assertThat(other).isNotEqualTo(d));
        assertThat(d).isNotEqualTo(null).isNotEqualTo("gguf");
        // nulls are normalised, so an absent field equals an empty one
        assertThat(new ModelDetails(0, null, null, 0, null)).isEqualTo(ModelDetails.UNKNOWN)
                .hasSameHashCodeAs(ModelDetails.UNKNOWN);
    }
}
