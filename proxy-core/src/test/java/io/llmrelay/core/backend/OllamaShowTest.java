package io.llmrelay.core.backend;

import static io.llmrelay.core.backend.OllamaBodies.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

class OllamaShowTest {

    @Test
    void readsCapabilitiesContextAndParameterCount() {
        OllamaShow show = OllamaShow.parse(json(OllamaBodies.SHOW_LLAMA));
        assertThat(show.capabilities()).containsExactly("completion", "tools");
        assertThat(show.contextLength()).isEqualTo(131072);
        assertThat(show.parameterCount()).isEqualTo(3212749888L);
        assertThat(show.architecture()).isEqualTo("llama");
        assertThat(show.details().family()).isEqualTo("llama");
        assertThat(show.details().parameterLabel()).isEqualTo("3.2B");
        assertThat(show.modifiedSeconds()).isEqualTo(OffsetDateTime.parse("2025-05-04T17:37:44-07:00").toEpochSecond());
    }

    @Test
    void completesTheListedModelWithoutLosingWhatTheListSaid() {
        ModelInfo listed = OllamaTags.parse(json(OllamaBodies.TAGS)).get(1);
        ModelInfo full = OllamaShow.parse(json(OllamaBodies.SHOW_LLAMA)).applyTo(listed);
        assertThat(full.id()).isEqualTo("llama3.2:latest");
        assertThat(full.capabilities()).containsExactly("completion", "tools");
        assertThat(full.contextLength()).isEqualTo(131072);
        assertThat(full.created()).isEqualTo(listed.created());
        assertThat(full.details()).isEqualTo(new ModelDetails(2019393189L, "gguf", "Q4_K_M", 3212749888L, "3.2B",
                "a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72", "llama", List.of("llama"), ""));
        assertThat(full.details().parameterSize()).isEqualTo("3.2B"); // the node's label, not a recount
    }

    @Test
    void aNewerNodesCapabilitiesAndFamiliesAreKept() {
        ModelInfo bare = new ModelInfo("gemma3:4b", 0, "library", 0, java.util.Set.of("completion", "tools"));
        ModelInfo gemma = OllamaShow.parse(json(OllamaBodies.SHOW_GEMMA)).applyTo(bare);
        assertThat(gemma.capabilities()).containsExactly("completion", "vision", "audio");
        assertThat(gemma.contextLength()).isEqualTo(131072);
        assertThat(gemma.created()).isEqualTo(OffsetDateTime.parse("2025-06-01T10:00:00Z").toEpochSecond());
        assertThat(gemma.details().families()).containsExactly("gemma3", "clip");
        // the operator's overrides still apply to a label the proxy does not know, and keep it
        ModelInfo overridden = ModelOverride.capabilities("gemma3*=+tools").applyTo(gemma);
        assertThat(overridden.capabilities()).containsExactly("completion", "tools", "vision", "audio");
    }

    @Test
    void withoutAnArchitectureTheOneContextLengthKeyIsUsed() {
        OllamaShow show = OllamaShow.parse(json("""
                {"model_info":{"general.parameter_count":7000,"qwen3.context_length":40960}}"""));
        assertThat(show.contextLength()).isEqualTo(40960);
        assertThat(show.architecture()).isEmpty();
    }

    @Test
    void aDescriptionThatSaysNothingChangesNothing() {
        ModelInfo listed = OllamaTags.parse(json(OllamaBodies.TAGS)).get(0);
        OllamaShow empty = OllamaShow.parse(json("{\"model_info\":{}}"));
        assertThat(empty.capabilities()).isEmpty();
        assertThat(empty.applyTo(listed)).isEqualTo(listed);
        assertThat(OllamaShow.parse(json("{\"model_info\":null,\"capabilities\":null}")).contextLength()).isZero();
    }

    @Test
    void bodiesOfAnotherShapeAreClearErrors() {
        assertThatThrownBy(() -> OllamaShow.parse(json("\"llama\""))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Ollama model description (/api/show) is not a JSON object");
        assertThatThrownBy(() -> OllamaShow.parse(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OllamaShow.parse(json("{\"model_info\":[]}"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"model_info\" is not a JSON object");
        assertThatThrownBy(() -> OllamaShow.parse(json("{\"capabilities\":{}}"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"capabilities\" is not an array");
        assertThatThrownBy(() -> OllamaShow.parse(json("{\"details\":[]}"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"details\" is not a JSON object");
    }
}
