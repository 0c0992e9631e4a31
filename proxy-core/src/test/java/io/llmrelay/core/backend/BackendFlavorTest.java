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
        "vllm, VLLM", "' VLLM ', VLLM", "llamacpp, LLAMACPP", "lmstudio, LMSTUDIO", "ollama, OLLAMA"})
    void fromIdTakesTheIdOrTheName(String id, BackendFlavor flavor) {
        assertThat(BackendFlavor.fromId(id)).isEqualTo(flavor);
    }

    @Test
    void anUnknownIdListsTheKnownOnes() {
        assertThatThrownBy(() -> BackendFlavor.fromId("tgi")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown backend type 'tgi' (expected one of openai-compatible, openai, openrouter, vllm, "
                        + "llamacpp, lmstudio, ollama)");
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
        assertThat(BackendFlavor.ids()).containsExactly("openai-compatible", "openai", "openrouter", "vllm", "llamacpp",
                "lmstudio", "ollama");
        for (BackendFlavor f : BackendFlavor.values()) {
            assertThat(BackendFlavor.fromId(f.id())).isEqualTo(f);
        }
    }

    // what each server says of itself in its model list (real answers, trimmed) or its Server header
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{'object':'list','data':[{'id':'smollm2','object':'model','owned_by':'llamacpp','meta':{'n_ctx':2048}}]} | | LLAMACPP",
        "{'object':'list','data':[]}                                                              | llama.cpp | LLAMACPP",
        "{'object':'list','data':[{'id':'Qwen/Qwen3-8B','object':'model','owned_by':'vllm','max_model_len':32768}]} | uvicorn | VLLM",
        "{'object':'list','data':[{'id':'qwen3-8b','object':'model','owned_by':'organization_owner'}]}  | | LMSTUDIO",
        "{'object':'list','data':[{'id':'llama3.2:latest','object':'model','created':1,'owned_by':'library'}]} | | OLLAMA",
        "{'data':[{'id':'openai/gpt-4o','canonical_slug':'openai/gpt-4o','context_length':128000}]}    | | OPENROUTER",
        "{'object':'list','data':[{'id':'gpt-4o','object':'model','owned_by':'system'}]}               | | GENERIC",
        "{'object':'list','data':null}                                                            | | GENERIC"})
    void detectedFromWhatTheServerSays(String list, String server, BackendFlavor flavor) throws Exception {
        com.fasterxml.jackson.databind.JsonNode body = io.llmrelay.core.json.Json.mapper().readTree(list.replace('\'', '"'));
        assertThat(BackendFlavor.detect(body, server, BackendFlavor.GENERIC)).isEqualTo(flavor);
    }

    @Test
    void detectionFallsBackToTheHostGuess() {
        assertThat(BackendFlavor.detect(null, null, BackendFlavor.OPENAI)).isEqualTo(BackendFlavor.OPENAI);
    }
}
