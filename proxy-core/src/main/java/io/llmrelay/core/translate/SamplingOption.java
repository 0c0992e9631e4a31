package io.llmrelay.core.translate;

import io.llmrelay.core.backend.BackendFlavor;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/**
 * The Ollama {@code options} that have a counterpart in some backend's OpenAI request, and the
 * field each flavour names it. An option missing from a flavour's column is dropped for that flavour
 * (never faked with a different knob). Options not listed here are accepted and ignored.
 */
enum SamplingOption {
    // Ollama name       type            generic / default      per-flavour overrides
    NUM_PREDICT("num_predict", Type.INT, "max_tokens", BackendFlavor.OPENAI, "max_completion_tokens"),
    TEMPERATURE("temperature", Type.FLOAT, "temperature"),
    TOP_P("top_p", Type.FLOAT, "top_p"),
    TOP_K("top_k", Type.INT, null,
            BackendFlavor.OPENROUTER, "top_k", BackendFlavor.VLLM, "top_k",
            BackendFlavor.LLAMACPP, "top_k", BackendFlavor.LMSTUDIO, "top_k"),
    MIN_P("min_p", Type.FLOAT, null,
            BackendFlavor.OPENROUTER, "min_p", BackendFlavor.VLLM, "min_p",
            BackendFlavor.LLAMACPP, "min_p", BackendFlavor.LMSTUDIO, "min_p"),
    TYPICAL_P("typical_p", Type.FLOAT, null, BackendFlavor.LLAMACPP, "typical_p"),
    REPEAT_PENALTY("repeat_penalty", Type.FLOAT, null,
            BackendFlavor.OPENROUTER, "repetition_penalty", BackendFlavor.VLLM, "repetition_penalty",
            BackendFlavor.LLAMACPP, "repeat_penalty", BackendFlavor.LMSTUDIO, "repeat_penalty"),
    REPEAT_LAST_N("repeat_last_n", Type.INT, null, BackendFlavor.LLAMACPP, "repeat_last_n"),
    PRESENCE_PENALTY("presence_penalty", Type.FLOAT, "presence_penalty"),
    FREQUENCY_PENALTY("frequency_penalty", Type.FLOAT, "frequency_penalty"),
    SEED("seed", Type.INT, "seed"),
    STOP("stop", Type.STRINGS, "stop");

    enum Type { INT, FLOAT, STRINGS }

    private static final Map<String, SamplingOption> BY_NAME = new HashMap<>();

    static {
        for (SamplingOption option : values()) {
            BY_NAME.put(option.ollamaName, option);
        }
    }

    final String ollamaName;
    final Type type;
    private final EnumMap<BackendFlavor, String> fields = new EnumMap<>(BackendFlavor.class);

    SamplingOption(String ollamaName, Type type, String defaultField, Object... overrides) {
        this.ollamaName = ollamaName;
        this.type = type;
        if (defaultField != null) {
            for (BackendFlavor flavor : BackendFlavor.values()) {
                fields.put(flavor, defaultField);
            }
        }
        for (int i = 0; i < overrides.length; i += 2) {
            fields.put((BackendFlavor) overrides[i], (String) overrides[i + 1]);
        }
    }

    /** The request field for this option on {@code flavor}, or null when the flavour has none. */
    String field(BackendFlavor flavor) {
        return fields.get(flavor);
    }

    static SamplingOption byName(String ollamaName) {
        return BY_NAME.get(ollamaName);
    }
}
