package io.llmrelay.core.config;

import java.util.Locale;

/**
 * A client API beside OpenAI chat completions that a backend may serve itself ({@code native_apis}):
 * requests in it are then forwarded to that backend as bytes instead of translated onto its chat
 * completions.
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

    /** The name written in the config file. */
    public String id() {
        return id;
    }

    /** The API named {@code id} (case-insensitive); {@link IllegalArgumentException} naming the choices otherwise. */
    public static NativeApi fromId(String id) {
        String wanted = id.trim().toLowerCase(Locale.ROOT);
        for (NativeApi api : values()) {
            if (api.id.equals(wanted)) {
                return api;
            }
        }
        throw new IllegalArgumentException("'" + id + "' is not an API a backend can serve natively (messages, responses)");
    }
}
