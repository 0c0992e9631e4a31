package io.llmrelay.core.config;

import java.util.Locale;

/**
 * A client API besides chat completions that a backend may serve itself ({@code native_apis}): a
 * request in that API is then forwarded to the backend as bytes instead of translated. Ollama
 * (0.13/0.14 and later) serves both, so they are the default for {@code type: ollama} nodes.
 */
public enum NativeApi {
    /** Anthropic Messages, {@code POST /v1/messages}. */
    MESSAGES("messages"),
    /** OpenAI Responses, {@code POST /v1/responses}. */
    RESPONSES("responses");

    private final String id;

    NativeApi(String id) {
        this.id = id;
    }

    /** The name in {@code native_apis}. */
    public String id() {
        return id;
    }

    /** The API named {@code id} (any case), or null. */
    public static NativeApi fromId(String id) {
        String wanted = id.trim().toLowerCase(Locale.ROOT);
        for (NativeApi api : values()) {
            if (api.id.equals(wanted)) {
                return api;
            }
        }
        return null;
    }
}
