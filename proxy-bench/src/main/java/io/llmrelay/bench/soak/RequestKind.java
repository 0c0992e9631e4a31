package io.llmrelay.bench.soak;

/**
 * The requests a soak mixes: both client APIs, streamed and whole, chat, generate and embeddings.
 * Each kind knows its route, its body and the shape of a complete answer; the model is chosen by
 * the mix so that every model of the fleet is used.
 */
enum RequestKind {
    OLLAMA_CHAT_STREAM("/api/chat", Api.OLLAMA, Shape.NDJSON, Content.CHAT),
    OLLAMA_CHAT("/api/chat", Api.OLLAMA, Shape.JSON, Content.CHAT),
    OLLAMA_GENERATE_STREAM("/api/generate", Api.OLLAMA, Shape.NDJSON, Content.GENERATE),
    OLLAMA_GENERATE("/api/generate", Api.OLLAMA, Shape.JSON, Content.GENERATE),
    OLLAMA_EMBED("/api/embed", Api.OLLAMA, Shape.JSON, Content.EMBEDDING),
    OPENAI_CHAT_STREAM("/v1/chat/completions", Api.OPENAI, Shape.SSE, Content.CHAT),
    OPENAI_CHAT("/v1/chat/completions", Api.OPENAI, Shape.JSON, Content.CHAT),
    OPENAI_EMBEDDINGS("/v1/embeddings", Api.OPENAI, Shape.JSON, Content.EMBEDDING);

    /** Which client API a route belongs to: it decides the shape of its errors. */
    enum Api { OLLAMA, OPENAI }

    /** How a complete answer is framed. */
    enum Shape { NDJSON, SSE, JSON }

    /** What a complete answer carries. */
    enum Content { CHAT, GENERATE, EMBEDDING }

    final String path;
    final Api api;
    final Shape shape;
    final Content content;

    RequestKind(String path, Api api, Shape shape, Content content) {
        this.path = path;
        this.api = api;
        this.shape = shape;
        this.content = content;
    }

    boolean streamed() {
        return shape != Shape.JSON;
    }

    /** The OpenAI routes are passed through as bytes: the backend's own answer reaches the client unchanged. */
    boolean passThrough() {
        return api == Api.OPENAI;
    }

    boolean embedding() {
        return content == Content.EMBEDDING;
    }

    /**
     * The request body for {@code model} with {@code prompt} (plain text, no characters JSON must
     * escape); {@code maxTokens} above 0 caps a reply ({@code num_predict}, {@code max_tokens}).
     */
    String body(String model, String prompt, int maxTokens) {
        String ollamaCap = maxTokens > 0 ? ",\"options\":{\"num_predict\":" + maxTokens + "}" : "";
        String openAiCap = maxTokens > 0 ? ",\"max_tokens\":" + maxTokens : "";
        return switch (this) {
            case OLLAMA_CHAT_STREAM, OLLAMA_CHAT -> "{\"model\":\"" + model + "\",\"stream\":" + streamed()
                    + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]" + ollamaCap + "}";
            case OLLAMA_GENERATE_STREAM, OLLAMA_GENERATE -> "{\"model\":\"" + model + "\",\"stream\":" + streamed()
                    + ",\"prompt\":\"" + prompt + "\"" + ollamaCap + "}";
            case OLLAMA_EMBED -> "{\"model\":\"" + model + "\",\"input\":\"" + prompt + "\"}";
            case OPENAI_CHAT_STREAM, OPENAI_CHAT -> "{\"model\":\"" + model + "\",\"stream\":" + streamed()
                    + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]" + openAiCap + "}";
            case OPENAI_EMBEDDINGS -> "{\"model\":\"" + model + "\",\"input\":\"" + prompt + "\"}";
        };
    }

    /** The name in reports: {@code /api/chat stream}, {@code /v1/embeddings}. */
    String label() {
        return path + (content == Content.EMBEDDING ? "" : streamed() ? " stream" : " whole");
    }
}
