package io.llmrelay.core.backend;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ModelInfoTest {

    private static final ModelDetails DETAILS = new ModelDetails(1, "gguf", "Q4_0", 2, "8B");

    private static ModelInfo model() {
        return new ModelInfo("qwen3", 7, "me", 4096, 2048, Set.of("completion", "tools"), DETAILS);
    }

    @Test
    void equalWhenEveryComponentIsAndNotOtherwise() {
        ModelInfo m = model();
        assertThat(m).isEqualTo(model()).hasSameHashCodeAs(model());
        assertThat(List.of(
                new ModelInfo("llama", 7, "me", 4096, 2048, Set.of("completion", "tools"), DETAILS),
                new ModelInfo("qwen3", 8, "me", 4096, 2048, Set.of("completion", "tools"), DETAILS),
                new ModelInfo("qwen3", 7, "you", 4096, 2048, Set.of("completion", "tools"), DETAILS),
                new ModelInfo("qwen3", 7, "me", 8192, 2048, Set.of("completion", "tools"), DETAILS),
                new ModelInfo("qwen3", 7, "me", 4096, 4096, Set.of("completion", "tools"), DETAILS),
                new ModelInfo("qwen3", 7, "me", 4096, 2048, Set.of("completion"), DETAILS),
                new ModelInfo("qwen3", 7, "me", 4096, 2048, Set.of("completion", "tools"), ModelDetails.UNKNOWN)))
                .allSatisfy(other -> assertThat(other).isNotEqualTo(m));
        assertThat(m).isNotEqualTo(null).isNotEqualTo("qwen3");
    }

    @Test
    void listsOfModelsCompareAsACatalogueRefreshComparesThem() {
        List<ModelInfo> before = List.of(model(), ModelInfo.unlisted("tiny"));
        assertThat(List.of(model(), ModelInfo.unlisted("tiny"))).isEqualTo(before);
        assertThat(List.of(model().withCreated(9), ModelInfo.unlisted("tiny"))).isNotEqualTo(before);
    }

    @Test
    void absentTextsAndDetailsCompareAsRecordsDo() {
        ModelInfo bare = new ModelInfo(null, 0, null, 0, 0, null, null);
        assertThat(bare).isEqualTo(new ModelInfo(null, 0, null, 0, 0, null, ModelDetails.UNKNOWN))
                .hasSameHashCodeAs(new ModelInfo(null, 0, null, 0, 0, null, null));
        assertThat(bare).isNotEqualTo(model());
    }
}
