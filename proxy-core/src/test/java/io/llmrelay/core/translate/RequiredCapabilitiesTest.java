package io.llmrelay.core.translate;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmrelay.core.api.RelayException;
import io.llmrelay.core.backend.ModelInfo;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RequiredCapabilitiesTest {

    private static final ModelInfo PLAIN = new ModelInfo("smollm2", 0, "llamacpp", 8192, Set.of("completion"));
    private static final ModelInfo FULL = new ModelInfo("qwen3", 0, "", 0, Set.of("completion", "tools", "thinking"));
    private static final ModelInfo EMBED = new ModelInfo("smollm2-embed", 0, "", 0, Set.of("embedding"));
    private static final String TOOL = "'tools':[{'type':'function','function':{'name':'f','parameters':{}}}]";

    @Test
    void toolsNeedAToolCapableModel() {
        InferenceRequest r = chat("'model':'smollm2:latest','messages':[{'role':'user','content':'hi'}]," + TOOL);
        assertRefused(r, PLAIN, "\"smollm2:latest\" does not support tools");
        assertThatCode(() -> RequiredCapabilities.check(r, FULL)).doesNotThrowAnyException();
    }

    @Test
    void thinkingNeedsAThinkingModelButThinkFalseNeedsNothing() {
        assertRefused(chat("'model':'smollm2','messages':[{'role':'user','content':'hi'}],'think':true"), PLAIN,
                "\"smollm2\" does not support thinking");
        assertRefused(chat("'model':'smollm2','messages':[{'role':'user','content':'hi'}],'think':'high'"), PLAIN,
                "\"smollm2\" does not support thinking");
        assertThatCode(() -> RequiredCapabilities.check(
                chat("'model':'smollm2','messages':[{'role':'user','content':'hi'}],'think':false"), PLAIN))
                .doesNotThrowAnyException();
    }

    @Test
    void anEmbeddingModelNeitherChatsNorGenerates() {
        assertRefused(chat("'model':'smollm2-embed','messages':[{'role':'user','content':'hi'}]"), EMBED,
                "\"smollm2-embed\" does not support chat");
        assertRefused(OllamaRequests.generate(TestJson.json("{'model':'smollm2-embed','prompt':'hi'}")),
                EMBED, "\"smollm2-embed\" does not support generate");
    }

    @Test
    void aPlainRequestPassesOnAPlainModel() {
        assertThatCode(() -> RequiredCapabilities.check(
                chat("'model':'smollm2','messages':[{'role':'user','content':'hi'}]"), PLAIN)).doesNotThrowAnyException();
    }

    private static void assertRefused(InferenceRequest r, ModelInfo model, String message) {
        assertThatThrownBy(() -> RequiredCapabilities.check(r, model))
                .isInstanceOf(RelayException.class)
                .hasMessage(message)
                .satisfies(e -> org.assertj.core.api.Assertions.assertThat(((RelayException) e).status()).isEqualTo(400));
    }

    private static InferenceRequest chat(String fields) {
        return OllamaRequests.chat(TestJson.json("{" + fields + "}"));
    }
}
