package io.llmrelay.core.backend;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/**
 * The kind of OpenAI-compatible server behind a backend. Flavours differ in which sampling extras
 * they accept, how thinking is switched, and where they report a model's context length.
 */
public enum BackendFlavor {
    /** A server that speaks only the standard OpenAI fields (the safe default). */
    GENERIC("openai-compatible"),
    /** api.openai.com: {@code max_completion_tokens}, {@code reasoning_effort}. */
    OPENAI("openai"),
    /** openrouter.ai: {@code reasoning: {effort}}, sampling extras, {@code context_length} in the model list. */
    OPENROUTER("openrouter"),
    /** vLLM's OpenAI server: {@code chat_template_kwargs.enable_thinking}, {@code max_model_len}. */
    VLLM("vllm"),
    /** llama.cpp's llama-server: llama.cpp sampling names, {@code chat_template_kwargs}. */
    LLAMACPP("llamacpp"),
    /** LM Studio's OpenAI-compatible server. */
    LMSTUDIO("lmstudio"),
    /** Ollama's OpenAI-compatible API ({@code /v1}): {@code reasoning_effort} switches thinking. */
    OLLAMA("ollama");

    private final String id;

    BackendFlavor(String id) {
        this.id = id;
    }

    /**
     * True when the flavour's {@code /v1/completions} takes a {@code suffix} (fill-in-the-middle), or
     * may: for vLLM and llama.cpp it is known not to (llama.cpp has its own {@code /infill} instead).
     */
    public boolean mayTakeSuffix() {
        return this != VLLM && this != LLAMACPP;
    }

    /** The name used on the command line and in config files. */
    public String id() {
        return id;
    }

    public static BackendFlavor fromId(String id) {
        String wanted = id.trim().toLowerCase(Locale.ROOT);
        for (BackendFlavor flavor : values()) {
            if (flavor.id.equals(wanted) || flavor.name().toLowerCase(Locale.ROOT).equals(wanted)) {
                return flavor;
            }
        }
        throw new IllegalArgumentException("unknown backend type '" + id + "' (expected one of "
                + String.join(", ", ids()) + ")");
    }

    /**
     * The flavour a server shows in its model list ({@code owned_by}, OpenRouter's extra fields) or
     * its {@code Server} header; {@code fallback} when it shows none.
     */
    public static BackendFlavor detect(JsonNode modelList, String serverHeader,
            BackendFlavor fallback) {
        if (serverHeader != null && serverHeader.toLowerCase(Locale.ROOT).contains("llama.cpp")) {
            return LLAMACPP;
        }
        JsonNode data = modelList == null ? null : modelList.get("data");
        if (data == null || !data.isArray()) {
            return fallback;
        }
        for (JsonNode m : data) {
            String owner = m.path("owned_by").asText("");
            switch (owner) {
                case "llamacpp":
                    return LLAMACPP;
                case "vllm":
                    return VLLM;
                case "organization_owner":
                    return LMSTUDIO;
                case "library":
                    return OLLAMA;
                default:
                    if (m.has("canonical_slug") || m.has("supported_parameters") && m.has("pricing")) {
                        return OPENROUTER;
                    }
            }
        }
        return fallback;
    }

    /** Guesses the flavour from a base URL's host, for backends given only by URL. */
    public static BackendFlavor guess(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.equals("api.openai.com")) {
            return OPENAI;
        }
        if (h.equals("openrouter.ai") || h.endsWith(".openrouter.ai")) {
            return OPENROUTER;
        }
        return GENERIC;
    }

    public static String[] ids() {
        BackendFlavor[] all = values();
        String[] ids = new String[all.length];
        for (int i = 0; i < all.length; i++) {
            ids[i] = all[i].id;
        }
        return ids;
    }
}
