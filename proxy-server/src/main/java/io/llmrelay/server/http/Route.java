package io.llmrelay.server.http;

import io.llmrelay.core.api.ClientApi;
import io.netty.handler.codec.http.HttpMethod;
import java.util.Set;

/** Every path the proxy serves, with its methods and the API its callers speak. */
public enum Route {
    ROOT("/", ClientApi.OLLAMA, HttpMethod.GET, HttpMethod.HEAD),
    VERSION("/api/version", ClientApi.OLLAMA, HttpMethod.GET, HttpMethod.HEAD),
    TAGS("/api/tags", ClientApi.OLLAMA, HttpMethod.GET, HttpMethod.HEAD),
    PS("/api/ps", ClientApi.OLLAMA, HttpMethod.GET),
    SHOW("/api/show", ClientApi.OLLAMA, HttpMethod.POST),
    CHAT("/api/chat", ClientApi.OLLAMA, HttpMethod.POST),
    GENERATE("/api/generate", ClientApi.OLLAMA, HttpMethod.POST),
    EMBED("/api/embed", ClientApi.OLLAMA, HttpMethod.POST),
    EMBEDDINGS("/api/embeddings", ClientApi.OLLAMA, HttpMethod.POST),
    PULL("/api/pull", ClientApi.OLLAMA, HttpMethod.POST),
    PUSH("/api/push", ClientApi.OLLAMA, HttpMethod.POST),
    CREATE("/api/create", ClientApi.OLLAMA, HttpMethod.POST),
    COPY("/api/copy", ClientApi.OLLAMA, HttpMethod.POST),
    DELETE("/api/delete", ClientApi.OLLAMA, HttpMethod.DELETE),
    BLOBS("/api/blobs/", ClientApi.OLLAMA, HttpMethod.HEAD, HttpMethod.POST),
    OPENAI_CHAT("/v1/chat/completions", ClientApi.OPENAI, HttpMethod.POST),
    OPENAI_COMPLETIONS("/v1/completions", ClientApi.OPENAI, HttpMethod.POST),
    RESPONSES("/v1/responses", ClientApi.OPENAI, HttpMethod.POST),
    /** a stored response ({@code GET}, {@code DELETE}, {@code POST .../cancel}): none is ever stored */
    RESPONSE("/v1/responses/", ClientApi.OPENAI, HttpMethod.GET, HttpMethod.DELETE, HttpMethod.POST),
    OPENAI_EMBEDDINGS("/v1/embeddings", ClientApi.OPENAI, HttpMethod.POST),
    OPENAI_MODELS("/v1/models", ClientApi.OPENAI, HttpMethod.GET),
    OPENAI_MODEL("/v1/models/", ClientApi.OPENAI, HttpMethod.GET),
    ANTHROPIC_MESSAGES("/v1/messages", ClientApi.ANTHROPIC, HttpMethod.POST),
    ANTHROPIC_COUNT_TOKENS("/v1/messages/count_tokens", ClientApi.ANTHROPIC, HttpMethod.POST),
    HEALTH("/health", ClientApi.OLLAMA, HttpMethod.GET, HttpMethod.HEAD),
    READY("/health/ready", ClientApi.OLLAMA, HttpMethod.GET, HttpMethod.HEAD),
    METRICS("/metrics", ClientApi.OLLAMA, HttpMethod.GET),
    INTERNAL_STATUS("/internal/status", ClientApi.OLLAMA, HttpMethod.GET),
    RELOAD("/internal/reload", ClientApi.OLLAMA, HttpMethod.POST);

    private final String path;
    private final ClientApi api;
    private final Set<HttpMethod> methods;

    Route(String path, ClientApi api, HttpMethod... methods) {
        this.path = path;
        this.api = api;
        this.methods = Set.of(methods);
    }

    public ClientApi api() {
        return api;
    }

    public boolean allows(HttpMethod method) {
        return methods.contains(method);
    }

    /**
     * True for the routes that are the operator's, not the clients': {@code /metrics} and every
     * {@code /internal/*} route. They follow {@code admin:} (loopback only, the admin key, or the admin
     * port), never the client keys.
     */
    public boolean isAdmin() {
        return this == METRICS || path.startsWith("/internal/");
    }

    /** True for the routes clients probe before they have a key: {@code /}, {@code /api/version}, {@code /health*}. */
    public boolean isOpen() {
        return this == ROOT || this == VERSION || this == HEALTH || this == READY;
    }

    /** The route as metrics label it: its path, with a placeholder for a parameter. */
    public String label() {
        return this == BLOBS ? "/api/blobs/{digest}" : this == OPENAI_MODEL ? "/v1/models/{model}"
                : this == RESPONSE ? "/v1/responses/{id}" : path;
    }

    /** The {@code Allow} header value for a 405. */
    public String allowHeader() {
        StringBuilder sb = new StringBuilder();
        for (HttpMethod m : methods) {
            sb.append(sb.length() == 0 ? "" : ", ").append(m.name());
        }
        return sb.toString();
    }

    /** True when this route's path is a prefix that takes a parameter (blobs, a model id, a response id). */
    boolean isPrefix() {
        return path.endsWith("/") && path.length() > 1;
    }

    String path() {
        return path;
    }
}
