package io.llmrelay.core.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ModelNamesTest {

    @ParameterizedTest
    @CsvSource({
        "llama3.2,                                  llama3.2:latest",
        "llama3.2:3b,                               llama3.2:3b",
        "Qwen/Qwen3-8B,                             Qwen/Qwen3-8B:latest",
        "openai/gpt-4o,                             openai/gpt-4o:latest",
        "meta-llama/llama-3.3-70b-instruct:free,    meta-llama/llama-3.3-70b-instruct:free",
        "qwen3:latest,                              qwen3:latest",
        "localhost:8080/model,                      localhost:8080/model:latest",
    })
    void ollamaNameAddsLatestWhenThereIsNoTag(String id, String name) {
        assertThat(ModelNames.ollamaName(id)).isEqualTo(name);
    }

    @ParameterizedTest
    @CsvSource({
        "qwen3,                  qwen3,                 true",
        "QWEN3,                  qwen3,                 true",
        "qwen3:latest,           qwen3,                 true",
        "Qwen/Qwen3-8B:latest,   Qwen/Qwen3-8B,         true",
        "qwen/qwen3-8b:LATEST,   Qwen/Qwen3-8B,         true",
        "gpt-4o:FREE,            gpt-4o:free,           true",
        "qwen3:latest,           qwen3:latest,          true",
        "qwen3:8b,               qwen3,                 false",
        "qwen3,                  qwen3:8b,              false",
        "gpt-4o:latest,          gpt-4o:free,           false",
        "qwen3-latest,           qwen3,                 false",
        "qwen3x,                 qwen3,                 false",
        "qwen,                   qwen3,                 false",
        "qwen3:latest:latest,    qwen3,                 false",
    })
    void matchesIgnoresCaseAndTheLatestTag(String requested, String backendId, boolean matches) {
        assertThat(ModelNames.matches(requested, backendId)).isEqualTo(matches);
    }

    @ParameterizedTest
    @CsvSource({
        "qwen3:latest,           qwen3",
        "qwen3:LATEST,           qwen3",
        "Qwen/Qwen3-8B:latest,   Qwen/Qwen3-8B",
        "qwen3:8b,               qwen3:8b",
        "qwen3,                  qwen3",
        "latest,                 latest",
        "x,                      x",
    })
    void withoutLatestTag(String requested, String upstream) {
        assertThat(ModelNames.withoutLatestTag(requested)).isEqualTo(upstream);
    }

    @Test
    void mixtureOfExpertsSizesKeepTheirLowerCaseX() {
        assertThat(ModelNames.parameterSize("mistralai/Mixtral-8x7B-Instruct")).isEqualTo("8x7B");
        assertThat(ModelNames.parameterSize("mixtral-8x22b")).isEqualTo("8x22B");
    }

    @Test
    void digestIsTheSha256OfTheIdIn64LowercaseHex() {
        assertThat(ModelNames.digest("llama3.2")).isEqualTo("45b1c9806e74e0494dd9a08d54a93258ffe5b6ed6468a2c6c274a21bddd7d380");
        assertThat(ModelNames.digest("Qwen/Qwen3-8B")).isEqualTo("a82fd547628efc95bba6ce4fbe5c4c21fdfe5b815eca823db15d1df4837b1167");
        for (String id : new String[] {"", "a", "openai/gpt-4o", "\u2713"}) {
            assertThat(ModelNames.digest(id)).matches("[0-9a-f]{64}").isEqualTo(ModelNames.digest(id));
        }
    }

    @ParameterizedTest
    @CsvSource({
        "Qwen/Qwen3-8B,                           qwen3",
        "llama3.2,                                llama3",
        "llama3.2:3b,                             llama3",
        "meta-llama/Llama-3.1-8B-Instruct,        llama",
        "gpt-4o,                                  gpt",
        "mistralai/Mistral-7B-Instruct-v0.3,      mistral",
        "deepseek-r1:70b,                         deepseek",
        "openai/o3-mini,                          o3",
        "google/gemma-2-27b-it,                   gemma",
        "4o-mini,                                 ''",
        "'',                                      ''",
    })
    void familyIsTheLeadingNameOfTheLastSegment(String id, String family) {
        assertThat(ModelNames.family(id)).isEqualTo(family);
    }

    @ParameterizedTest
    @CsvSource({
        "Qwen/Qwen3-0.6B,                         0.6B",
        "Qwen/Qwen3-8B,                           8B",
        "meta-llama/Llama-3.1-8B-Instruct,        8B",
        "meta-llama/Llama-3.1-405B,               405B",
        "Qwen/Qwen2.5-VL-72B-Instruct,            72B",
        "Qwen/Qwen3-30B-A3B,                      30B",
        "HuggingFaceTB/SmolLM2-135M-Instruct,     135M",
        "google/gemma-2-27b-it,                   27B",
        "openai/gpt-oss-120b,                     120B",
        "model-1.5b,                              1.5B",
        "7b,                                      7B",
        "gpt-4o,                                  ''",
        "microsoft/phi-3-mini-4k-instruct,        ''",
        "BAAI/bge-m3,                             ''",
        "x7b,                                     ''",
        "llama3.2:3b,                             3B",
        "qwen3:8b,                                8B",
        "qwen2.5-coder:7b-instruct-q4_K_M,        7B",
        "llama3.2:latest,                         ''",
    })
    void parameterSizeFoundInTheName(String id, String size) {
        assertThat(ModelNames.parameterSize(id)).isEqualTo(size);
    }
}
