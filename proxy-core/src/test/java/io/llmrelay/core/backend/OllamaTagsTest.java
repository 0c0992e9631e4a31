package io.llmrelay.core.backend;

import static io.llmrelay.core.backend.OllamaBodies.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

class OllamaTagsTest {

    @Test
    void keepsEachModelsNameDigestSizeTimeAndDetails() {
        List<ModelInfo> models = OllamaTags.parse(json(OllamaBodies.TAGS));
        assertThat(models).extracting(ModelInfo::id).containsExactly("deepseek-r1:latest", "llama3.2:latest");
        ModelInfo r1 = models.get(0);
        assertThat(r1.created()).isEqualTo(OffsetDateTime.parse("2025-05-10T08:06:48-07:00").toEpochSecond());
        assertThat(r1.ownedBy()).isEqualTo("library");
        assertThat(r1.details()).isEqualTo(new ModelDetails(4683075271L, "gguf", "Q4_K_M", 0, "7.6B",
                "0a8c266910232fd3291e71e5ba1e058cc5af9d411192cf88b6d30e92b6e73163", "qwen2", List.of("qwen2"), ""));
        assertThat(r1.details().hasDigest()).isTrue();
        assertThat(r1.details().parameterSize()).isEqualTo("7.6B");
        assertThat(models.get(1).details().sizeBytes()).isEqualTo(2019393189L);
        assertThat(models.get(1).details().family()).isEqualTo("llama");
    }

    @Test
    void capabilitiesAreTheNodesWhereItListsThemElseAGuessUntilShowSays() {
        List<ModelInfo> models = OllamaTags.parse(json("""
                {"models":[{"name":"qwen3:8b","capabilities":["completion","tools","thinking"]},
                {"name":"nomic-embed-text:latest"},{"name":"user/coder:7b","details":{"families":null,"context_length":32768}}]}"""));
        assertThat(models.get(0).capabilities()).containsExactly("completion", "tools", "thinking");
        assertThat(models.get(1).capabilities()).containsExactly("embedding");
        ModelInfo coder = models.get(2);
        assertThat(coder.ownedBy()).isEqualTo("user");
        assertThat(coder.details().families()).isEmpty();
        assertThat(coder.contextLength()).isEqualTo(32768);
        assertThat(coder.details().hasDigest()).isFalse();
    }

    @Test
    void nullOrEmptyListsAreNoModelsAndNamelessEntriesAreSkipped() {
        assertThat(OllamaTags.parse(json("{\"models\":null}"))).isEmpty();
        assertThat(OllamaTags.parse(json("{\"models\":[]}"))).isEmpty();
        assertThat(OllamaTags.parse(json("{\"models\":[{\"size\":1},{\"model\":\"only-model:latest\"}]}")))
                .extracting(ModelInfo::id).containsExactly("only-model:latest");
    }

    @Test
    void unreadableOptionalFieldsAreLeftUnknown() {
        ModelInfo m = OllamaTags.parse(json("""
                {"models":[{"name":"x:1b","modified_at":"yesterday","size":"big","digest":7}]}""")).get(0);
        assertThat(m.created()).isZero();
        assertThat(m.details().sizeBytes()).isZero();
        assertThat(m.details().digest()).isEmpty();
    }

    @Test
    void bodiesOfAnotherShapeAreClearErrors() {
        assertThatThrownBy(() -> OllamaTags.parse(json("[]"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Ollama model list (/api/tags) is not a JSON object");
        assertThatThrownBy(() -> OllamaTags.parse(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OllamaTags.parse(json("{\"data\":[]}"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("without a \"models\" array");
        assertThatThrownBy(() -> OllamaTags.parse(json("{\"models\":{}}"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"models\" is not an array");
        assertThatThrownBy(() -> OllamaTags.parse(json("{\"models\":[\"llama3\"]}")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("entry 0 is not a JSON object");
        assertThatThrownBy(() -> OllamaTags.parse(json("{\"models\":[{\"name\":\"a\",\"details\":\"gguf\"}]}")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("entry 'a': \"details\" is not a JSON object");
        assertThatThrownBy(() -> OllamaTags.parse(json("{\"models\":[{\"name\":\"a\",\"capabilities\":\"tools\"}]}")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"capabilities\" is not an array");
    }
}
