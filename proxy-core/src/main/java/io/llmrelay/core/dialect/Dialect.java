package io.llmrelay.core.dialect;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrelay.core.backend.BackendFlavor;
import io.llmrelay.core.backend.ModelInfo;
import io.llmrelay.core.backend.ModelListParser;
import io.llmrelay.core.backend.OllamaTags;
import io.llmrelay.core.config.BackendConfig;
import java.util.List;

/**
 * The API a backend speaks, and so where its routes are, how its models are listed, how it is
 * probed, and whether an Ollama client's request must be translated for it. The fields each
 * OpenAI-compatible server type takes are its {@link BackendFlavor}; this is the layer above.
 */
public enum Dialect {

    /** OpenAI's API under a base URL such as {@code http://host:8000/v1}: Ollama requests are translated. */
    OPENAI_COMPATIBLE {
        @Override
        public String openAiPath(BackendConfig backend, String relative) {
            return backend.basePath() + relative;
        }

        @Override
        public String modelListPath(BackendConfig backend) {
            return backend.basePath() + "/models";
        }

        @Override
        public String healthPath(BackendConfig backend) {
            return modelListPath(backend);
        }

        @Override
        public List<ModelInfo> parseModelList(JsonNode body) {
            return ModelListParser.parse(body);
        }

        @Override
        public boolean speaksOllama() {
            return false;
        }
    },

    /**
     * An Ollama node at {@code http://host:11434}: Ollama requests go to its {@code /api/*} as bytes,
     * OpenAI requests to its {@code /v1/*}; its models come from {@code /api/tags} (and
     * {@code /api/show} for each), its own digests and details kept.
     */
    OLLAMA_NATIVE {
        @Override
        public String openAiPath(BackendConfig backend, String relative) {
            return backend.rootPath() + "/v1" + relative;
        }

        @Override
        public String modelListPath(BackendConfig backend) {
            return backend.rootPath() + "/api/tags";
        }

        @Override
        public String healthPath(BackendConfig backend) {
            return backend.rootPath() + "/api/version";
        }

        @Override
        public List<ModelInfo> parseModelList(JsonNode body) {
            return OllamaTags.parse(body);
        }

        @Override
        public boolean speaksOllama() {
            return true;
        }
    };

    /**
     * A backend configured as {@code type: ollama} is a native node; every other type, and an Ollama
     * server only detected behind a {@code /v1} URL, is spoken to in OpenAI's API.
     */
    public static Dialect of(BackendConfig backend) {
        return backend.flavor() == BackendFlavor.OLLAMA && !backend.detectFlavor() ? OLLAMA_NATIVE : OPENAI_COMPATIBLE;
    }

    /** The full path of an OpenAI route, given relative to {@code /v1} (e.g. {@code /chat/completions?x=1}). */
    public abstract String openAiPath(BackendConfig backend, String relative);

    /** The full path of an Ollama route such as {@code /api/chat}; only a node that {@link #speaksOllama()} has them. */
    public String ollamaPath(BackendConfig backend, String apiPath) {
        if (!speaksOllama()) {
            throw new IllegalStateException(backend.name() + " does not speak Ollama's API");
        }
        return backend.rootPath() + apiPath;
    }

    /** Where the model list is read. */
    public abstract String modelListPath(BackendConfig backend);

    /** What the health checks GET: any answer below 500 means the server is there. */
    public abstract String healthPath(BackendConfig backend);

    /** The models in the list's body; {@link IllegalArgumentException} for an unusable one. */
    public abstract List<ModelInfo> parseModelList(JsonNode body);

    /** True when Ollama's own API is served: Ollama requests pass through untranslated. */
    public abstract boolean speaksOllama();
}
