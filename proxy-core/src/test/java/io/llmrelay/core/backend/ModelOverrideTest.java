package io.llmrelay.core.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;

class ModelOverrideTest {

    private static final ModelInfo QWEN = new ModelInfo("Qwen/Qwen2.5-Coder-7B", 0, "", 0, Set.of("completion", "tools"));

    @Test
    void addsAndRemovesCapabilitiesOfMatchingModels() {
        ModelInfo out = ModelOverride.capabilities("qwen/*coder*=+insert,-tools").applyTo(QWEN);
        assertThat(out.capabilities()).containsExactly("completion", "insert");
        assertThat(out.id()).isEqualTo(QWEN.id());
    }

    @Test
    void plainNamesReplaceTheCapabilities() {
        assertThat(ModelOverride.capabilities("*=completion,vision,+thinking").applyTo(QWEN).capabilities())
                .containsExactly("completion", "vision", "thinking");
    }

    @Test
    void otherModelsAreUntouched() {
        assertThat(ModelOverride.capabilities("llama*=+vision").applyTo(QWEN)).isSameAs(QWEN);
        assertThat(ModelOverride.capabilities("Qwen/Qwen2.5-Coder-?B=+vision").matches(QWEN.id())).isTrue();
        assertThat(ModelOverride.capabilities("Qwen/Qwen2.5-Coder-?B=+vision").matches("Qwen/Qwen2.5-Coder-14B")).isFalse();
    }

    @Test
    void capabilitiesThisProxyDoesNotKnowPassThroughUnlessReplaced() {
        ModelInfo newer = new ModelInfo("gemma3n", 0, "", 0, Set.of("completion", "audio"));
        assertThat(ModelOverride.capabilities("gemma*=+vision").applyTo(newer).capabilities())
                .containsExactly("completion", "vision", "audio");
        assertThat(ModelOverride.capabilities("gemma*=completion").applyTo(newer).capabilities())
                .containsExactly("completion");
    }

    @Test
    void setsTheContextLengthTheBackendDoesNotReport() {
        ModelInfo out = ModelOverride.contextLength("QWEN/*=131072").applyTo(QWEN);
        assertThat(out.contextLength()).isEqualTo(131072);
        assertThat(out.usableContextLength()).isEqualTo(131072);
    }

    @Test
    void neverOverridesTheBackendsOwnContext() {
        // llama.cpp said: trained on 8192, 2048 per slot; the operator's figure cannot make a slot larger
        ModelInfo reported = new ModelInfo("smollm2", 0, "llamacpp", 8192, 2048, Set.of("completion"), ModelDetails.UNKNOWN);
        ModelInfo out = ModelOverride.contextLength("smollm2=32768").applyTo(reported);
        assertThat(out.contextLength()).isEqualTo(8192);
        assertThat(out.usableContextLength()).isEqualTo(2048);
    }

    @Test
    void keepsWhatTheServerSaidBesideCapabilities() {
        ModelDetails details = new ModelDetails(96576768, "gguf", "Q4_1", 134515008, "");
        ModelInfo reported = new ModelInfo("smollm2", 7, "llamacpp", 8192, 2048, Set.of("completion"), details);
        ModelInfo out = ModelOverride.capabilities("smollm2=+tools").applyTo(reported);
        assertThat(out).isEqualTo(new ModelInfo("smollm2", 7, "llamacpp", 8192, 2048, Set.of("completion", "tools"), details));
    }

    @Test
    void badSpecsAreClearErrors() {
        assertThatThrownBy(() -> ModelOverride.capabilities("qwen")).hasMessageContaining("PATTERN=CAPABILITIES");
        assertThatThrownBy(() -> ModelOverride.capabilities("qwen=+x")).hasMessageContaining("unknown capability 'x'");
        assertThatThrownBy(() -> ModelOverride.contextLength("qwen=lots")).hasMessageContaining("number of tokens");
        assertThatThrownBy(() -> ModelOverride.contextLength("qwen=0")).hasMessageContaining("positive");
        assertThatThrownBy(() -> ModelOverride.contextLength("=5")).hasMessageContaining("PATTERN=TOKENS");
    }
}
