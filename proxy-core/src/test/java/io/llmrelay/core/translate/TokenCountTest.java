package io.llmrelay.core.translate;

import static io.llmrelay.core.translate.TestJson.json;
import static io.llmrelay.core.translate.TestJson.parse;
import static io.llmrelay.core.translate.TestJson.written;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmrelay.core.api.RelayException;
import io.llmrelay.core.backend.BackendFlavor;
import io.llmrelay.core.json.Json;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TokenCountTest {

    private static final String PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";

    private static final InferenceRequest TOOLS = MessagesRequests.countTokens(json("{'model':'m','system':'Be brief.',"
            + "'tools':[{'name':'f','description':'Find','input_schema':{'type':'object'}}],'messages':["
            + "{'role':'user','content':'Find cats'},"
            + "{'role':'assistant','content':[{'type':'tool_use','id':'t','name':'f','input':{'q':'cats'}}]},"
            + "{'role':'user','content':[{'type':'tool_result','tool_use_id':'t','content':'3 cats'}]}]}"));

    @Test
    void theTextIsEveryMessagesRoleAndTextToolCallsAndTools() {
        assertThat(PromptText.render(TOOLS)).isEqualTo("system\nBe brief.\nuser\nFind cats\nassistant\nf {\"q\":\"cats\"}\n"
                + "tool\n3 cats\n{\"name\":\"f\",\"description\":\"Find\",\"parameters\":{\"type\":\"object\"}}\n");
    }

    @Test
    void theEstimateIsAQuarterOfTheBytesPlusEachMessageAndImage() {
        long bytes = PromptText.render(TOOLS).getBytes(StandardCharsets.UTF_8).length;
        assertThat(TokenCount.estimate(TOOLS)).isEqualTo((bytes + 3) / 4 + 4 * 4);
        InferenceRequest image = MessagesRequests.countTokens(json("{'model':'m','messages':[{'role':'user','content':["
                + "{'type':'text','text':'\u00e9t\u00e9'},{'type':'image','source':{'type':'base64','media_type':'image/png',"
                + "'data':'" + PNG + "'}}]}]}"));
        // "user\n" + "été\n": 11 UTF-8 bytes, 3 tokens; one message; one image
        assertThat(TokenCount.estimate(image)).isEqualTo(3 + 4 + TokenCount.IMAGE_TOKENS);
    }

    @Test
    void onlyLlamaCppAndVllmHaveATokenizerToAsk() {
        assertThat(TokenCount.hasTokenizer(BackendFlavor.LLAMACPP)).isTrue();
        assertThat(TokenCount.hasTokenizer(BackendFlavor.VLLM)).isTrue();
        for (BackendFlavor other : new BackendFlavor[] {BackendFlavor.GENERIC, BackendFlavor.OPENAI,
                BackendFlavor.OPENROUTER, BackendFlavor.LMSTUDIO, BackendFlavor.OLLAMA}) {
            assertThat(TokenCount.hasTokenizer(other)).as(other.id()).isFalse();
        }
    }

    @Test
    void llamaCppIsGivenTheTextAndVllmTheMessages() {
        assertThat(parse(written(out -> TokenCount.writeRequest(TOOLS, "model-id", BackendFlavor.LLAMACPP, out))))
                .isEqualTo(Json.NODES.objectNode().put("content", PromptText.render(TOOLS)).put("add_special", true));
        assertThat(parse(written(out -> TokenCount.writeRequest(TOOLS, "model-id", BackendFlavor.VLLM, out))))
                .isEqualTo(json("{'model':'model-id','messages':[{'role':'system','content':'Be brief.'},"
                        + "{'role':'user','content':'Find cats'},{'role':'assistant','content':'','tool_calls':[{'id':'t',"
                        + "'type':'function','function':{'name':'f','arguments':'{\\'q\\':\\'cats\\'}'}}]},"
                        + "{'role':'tool','content':'3 cats','tool_call_id':'t'}],'tools':[{'type':'function','function':"
                        + "{'name':'f','description':'Find','parameters':{'type':'object'}}}],'add_generation_prompt':true}"));
    }

    @Test
    void theTokenizersAnswerIsReadOnEveryCutAndAnsweredAsInputTokens() {
        String llama = "{\"tokens\":[1,15043,3186,29991]}";
        String vllm = "{\"count\":7,\"max_model_len\":32768,\"tokens\":[1,2,3,4,5,6,7],\"token_strs\":null}";
        for (int cut = 0; cut <= llama.length(); cut++) {
            assertThat(answer(TOOLS, BackendFlavor.LLAMACPP, llama, cut)).isEqualTo("{\"input_tokens\":4}");
        }
        for (int cut = 0; cut <= vllm.length(); cut++) {
            assertThat(answer(TOOLS, BackendFlavor.VLLM, vllm, cut)).isEqualTo("{\"input_tokens\":7}");
        }
    }

    @Test
    void imagesLlamaCppWasNotGivenAreAddedToItsCount() {
        InferenceRequest image = MessagesRequests.countTokens(json("{'model':'m','messages':[{'role':'user','content':["
                + "{'type':'image','source':{'type':'url','url':'https://example.com/a.png'}}]}]}"));
        assertThat(answer(image, BackendFlavor.LLAMACPP, "{\"tokens\":[1,2]}", 0))
                .isEqualTo("{\"input_tokens\":" + (2 + TokenCount.IMAGE_TOKENS) + "}");
        assertThat(answer(image, BackendFlavor.VLLM, "{\"count\":300}", 0)).isEqualTo("{\"input_tokens\":300}");
    }

    @ParameterizedTest
    @EnumSource(value = BackendFlavor.class, names = {"LLAMACPP", "VLLM"})
    void anAnswerWithoutACountOrUnreadableIs502(BackendFlavor flavor) {
        assertThatThrownBy(() -> answer(TOOLS, flavor, "{\"error\":\"no\"}", 0))
                .isInstanceOfSatisfying(RelayException.class, e -> {
                    assertThat(e.status()).isEqualTo(502);
                    assertThat(e.getMessage()).isEqualTo("backend's tokenizer answered without \"tokens\" or \"count\": "
                            + "{\"error\":\"no\"}");
                });
        assertThatThrownBy(() -> answer(TOOLS, flavor, "{\"tokens\":[1,", 3))
                .isInstanceOfSatisfying(RelayException.class, e -> {
                    assertThat(e.status()).isEqualTo(502);
                    assertThat(e.getMessage()).startsWith("backend's tokenizer sent an unreadable answer: ");
                });
    }

    private static String answer(InferenceRequest request, BackendFlavor flavor, String body, int cut) {
        BodyTranslator t = TokenCount.translator(request, flavor);
        try {
            assertThat(t.streaming()).isFalse();
            assertThat(t.contentType()).isEqualTo("application/json; charset=utf-8");
            CollectingOutput out = new CollectingOutput();
            CollectingOutput.feedCut(t, out, body.getBytes(StandardCharsets.UTF_8), cut);
            t.onEnd(out);
            return out.text();
        } finally {
            t.close();
        }
    }
}
