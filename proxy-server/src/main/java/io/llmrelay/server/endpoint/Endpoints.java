package io.llmrelay.server.endpoint;

import io.llmrelay.server.exchange.Dispatcher;
import io.llmrelay.server.exchange.Endpoint;
import io.llmrelay.server.exchange.Gate;
import io.llmrelay.server.exchange.RequestLimiter;
import io.llmrelay.server.http.Route;
import java.util.EnumMap;
import java.util.Map;

/** The table from route to endpoint: the one place that says who serves what. */
public final class Endpoints {

    private Endpoints() {}

    /** The main port's dispatcher, without rate limits. */
    public static Dispatcher dispatcher(Relay relay) {
        return dispatcher(relay, RequestLimiter.NONE);
    }

    /**
     * The main port's dispatcher: client keys and admin access as the configuration in force says
     * ({@code relay.config()} is read for each request), then {@code limiter}. The admin port's is its
     * {@link Dispatcher#forAdminPort()}.
     */
    public static Dispatcher dispatcher(Relay relay, RequestLimiter limiter) {
        AdminEndpoints admin = new AdminEndpoints(relay);
        OllamaModelEndpoints models = new OllamaModelEndpoints(relay);
        ResponsesEndpoints responses = new ResponsesEndpoints(relay);
        OllamaInferenceEndpoints inference = new OllamaInferenceEndpoints(relay);
        OpenAiPassThrough openAi = new OpenAiPassThrough(relay);
        ReloadEndpoint reload = new ReloadEndpoint(relay);
        MessagesEndpoints messages = new MessagesEndpoints(relay);
        Map<Route, Endpoint> table = new EnumMap<>(Route.class);
        table.put(Route.ROOT, admin::root);
        table.put(Route.VERSION, admin::version);
        table.put(Route.HEALTH, admin::health);
        table.put(Route.READY, admin::ready);
        table.put(Route.METRICS, admin::metrics);
        table.put(Route.INTERNAL_STATUS, new InternalStatus(relay)::status);
        table.put(Route.RELOAD, reload::reload);
        table.put(Route.TAGS, models::tags);
        table.put(Route.SHOW, models::show);
        table.put(Route.PS, models::ps);
        table.put(Route.PULL, models::pull);
        table.put(Route.PUSH, models::manage);
        table.put(Route.CREATE, models::manage);
        table.put(Route.COPY, models::manage);
        table.put(Route.DELETE, models::manage);
        table.put(Route.BLOBS, models::manage);
        table.put(Route.CHAT, inference::chat);
        table.put(Route.GENERATE, inference::generate);
        table.put(Route.EMBED, inference::embed);
        table.put(Route.EMBEDDINGS, inference::legacyEmbeddings);
        table.put(Route.OPENAI_CHAT, openAi::forward);
        table.put(Route.OPENAI_COMPLETIONS, openAi::forward);
        table.put(Route.RESPONSES, responses::create);
        table.put(Route.RESPONSE, responses::stored);
        table.put(Route.OPENAI_EMBEDDINGS, openAi::forward);
        table.put(Route.OPENAI_MODELS, openAi::listModels);
        table.put(Route.OPENAI_MODEL, openAi::model);
        table.put(Route.ANTHROPIC_MESSAGES, messages::create);
        table.put(Route.ANTHROPIC_COUNT_TOKENS, messages::countTokens);
        Gate gate = new Gate(() -> relay.config().security(), limiter);
        // the port is bound once, at start: which socket serves the admin routes never changes while running
        return new Dispatcher(table, gate, relay.config().security().admin().port() > 0);
    }
}
