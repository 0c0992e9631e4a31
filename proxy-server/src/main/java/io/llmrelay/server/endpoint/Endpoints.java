package io.llmrelay.server.endpoint;

import io.llmrelay.server.exchange.Dispatcher;
import io.llmrelay.server.exchange.Endpoint;
import io.llmrelay.server.http.Route;
import java.util.EnumMap;
import java.util.Map;

/** The table from route to endpoint: the one place that says who serves what. */
public final class Endpoints {

    private Endpoints() {}

    public static Dispatcher dispatcher() {
        Map<Route, Endpoint> table = new EnumMap<>(Route.class);
        table.put(Route.ROOT, AdminEndpoints::root);
        table.put(Route.VERSION, AdminEndpoints::version);
        table.put(Route.HEALTH, AdminEndpoints::health);
        table.put(Route.READY, AdminEndpoints::ready);
        table.put(Route.METRICS, AdminEndpoints::metrics);
        table.put(Route.TAGS, OllamaModelEndpoints::tags);
        table.put(Route.SHOW, OllamaModelEndpoints::show);
        table.put(Route.PS, OllamaModelEndpoints::ps);
        table.put(Route.PULL, OllamaModelEndpoints::pull);
        table.put(Route.PUSH, OllamaModelEndpoints::unsupported);
        table.put(Route.CREATE, OllamaModelEndpoints::unsupported);
        table.put(Route.COPY, OllamaModelEndpoints::unsupported);
        table.put(Route.DELETE, OllamaModelEndpoints::unsupported);
        table.put(Route.BLOBS, OllamaModelEndpoints::unsupported);
        table.put(Route.CHAT, OllamaInferenceEndpoints::chat);
        table.put(Route.GENERATE, OllamaInferenceEndpoints::generate);
        table.put(Route.EMBED, OllamaInferenceEndpoints::embed);
        table.put(Route.EMBEDDINGS, OllamaInferenceEndpoints::legacyEmbeddings);
        table.put(Route.OPENAI_CHAT, OpenAiPassThrough::forward);
        table.put(Route.OPENAI_COMPLETIONS, OpenAiPassThrough::forward);
        table.put(Route.OPENAI_EMBEDDINGS, OpenAiPassThrough::forward);
        table.put(Route.OPENAI_MODELS, OpenAiPassThrough::listModels);
        table.put(Route.OPENAI_MODEL, OpenAiPassThrough::model);
        return new Dispatcher(table);
    }
}
