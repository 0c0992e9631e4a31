package io.llmrelay.server.endpoint;

import com.fasterxml.jackson.core.JsonGenerator;
import io.llmrelay.core.backend.ModelInfo;
import io.llmrelay.core.balance.AttemptOutcome;
import io.llmrelay.core.balance.BackendStats;
import io.llmrelay.core.json.Json;
import io.llmrelay.core.registry.ModelRoute;
import io.llmrelay.core.resilience.BackendResilience;
import io.llmrelay.core.resilience.CircuitBreaker;
import io.llmrelay.core.resilience.RetryBudget;
import io.llmrelay.core.translate.ContentTypes;
import io.llmrelay.server.exchange.Exchange;
import io.llmrelay.server.fleet.Backend;
import io.llmrelay.server.fleet.Fleet;
import io.llmrelay.server.fleet.ModelCatalog;
import io.llmrelay.server.fleet.RecentErrors;
import io.llmrelay.server.fleet.Router;
import io.llmrelay.server.runtime.RelayVersion;
import io.llmrelay.server.upstream.BackendPool;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /internal/status}: the fleet as the router sees it, as JSON, for an operator asking why a
 * backend gets no traffic. Per backend: whether it may be routed to and why not, its health, breaker,
 * hold-off, ejection and slow-start share, requests in flight, time to first byte (EWMA), attempts by
 * outcome, pooled connections, models and its last errors; per model, its backends and fallbacks; the
 * retry budget; the client keys (names, model globs, limits) and how the admin routes are reached
 * ({@link AccessStatus}). Secrets never appear: a key is named by where it comes from, extra headers by
 * name only, a client key by its name.
 * Reads the state every loop shares; never calls a backend.
 */
final class InternalStatus {

    /** a fleet of thousands of models still answers in a reasonable size */
    private static final int MAX_MODELS = 500;

    private final Relay relay;

    InternalStatus(Relay relay) {
        this.relay = relay;
    }

    void status(Exchange ex) {
        Fleet fleet = relay.fleet();
        ByteBuf out = ex.alloc().buffer(4096);
        try (JsonGenerator g = Json.generator(out)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeStringField("version", RelayVersion.version());
            g.writeStringField("started_at", relay.startedAt().toString());
            g.writeNumberField("uptime_seconds",
                    Duration.between(relay.startedAt(), relay.clocks().wall().instant()).toSeconds());
            writeBudget(g, fleet.resilience().failover().budget(), fleet.config().resilience().retry().budgetPercent());
            g.writeArrayFieldStart("backends");
            for (Backend b : fleet.backends()) {
                writeBackend(g, b);
            }
            g.writeEndArray();
            writeModels(g, fleet.router());
            AccessStatus.write(g, relay.config().security());
            g.writeEndObject();
        } catch (IOException e) {
            out.release();
            throw new UncheckedIOException(e);
        }
        ex.respond(200, ContentTypes.JSON, out);
    }

    private static void writeBudget(JsonGenerator g, RetryBudget budget, int percent) throws IOException {
        g.writeObjectFieldStart("retry_budget");
        g.writeNumberField("percent", percent);
        g.writeNumberField("window_seconds", RetryBudget.WINDOW.toSeconds());
        g.writeNumberField("requests", budget.requests());
        g.writeNumberField("retries", budget.retries());
        g.writeNumberField("retries_allowed", budget.allowed());
        g.writeEndObject();
    }

    private static void writeBackend(JsonGenerator g, Backend b) throws IOException {
        BackendResilience.Status r = b.resilience().status();
        BackendStats stats = b.stats();
        g.writeStartObject();
        g.writeStringField("name", b.name());
        g.writeStringField("url", b.config().displayUrl());
        g.writeStringField("type", b.flavor().id());
        g.writeStringField("api_key", b.config().apiKey() == null ? null : "set, from " + b.config().apiKey().source());
        g.writeBooleanField("pass_client_auth", b.options().passClientAuth());
        if (!b.options().headers().isEmpty()) {
            g.writeArrayFieldStart("extra_headers"); // names only: their values may be credentials
            for (String name : b.options().headers().keySet()) {
                g.writeString(name);
            }
            g.writeEndArray();
        }
        g.writeStringField("state", r.routable() ? "routable" : "kept out");
        g.writeStringField("reason", r.reason());
        g.writeObjectFieldStart("health");
        g.writeStringField("state", r.health().id());
        g.writeStringField("last_error", b.health().lastError());
        g.writeEndObject();
        writeBreaker(g, r.breaker());
        g.writeNumberField("held_off_ms", millis(r.heldOffNanos()));
        g.writeNumberField("ejected_ms", millis(r.ejectedNanos()));
        g.writeNumberField("ejections", r.ejectionLevel());
        g.writeNumberField("errors_in_a_row", r.consecutiveErrors());
        g.writeNumberField("slow_start_share", Math.round(r.share() * 1000) / 1000.0);
        g.writeNumberField("in_flight", stats.inFlight());
        g.writeNumberField("max_concurrency", b.options().maxConcurrency());
        if (stats.cold()) {
            g.writeNullField("first_byte_ewma_ms");
        } else {
            g.writeNumberField("first_byte_ewma_ms", Math.round(stats.firstByteEwmaNanos() / 1e3) / 1e3);
        }
        g.writeObjectFieldStart("attempts");
        for (AttemptOutcome o : AttemptOutcome.values()) {
            g.writeNumberField(o.label(), stats.count(o));
        }
        g.writeEndObject();
        writeConnections(g, b);
        writeModelList(g, b.catalog());
        writeRecentErrors(g, b.recentErrors());
        g.writeEndObject();
    }

    private static void writeBreaker(JsonGenerator g, CircuitBreaker.Status breaker) throws IOException {
        g.writeObjectFieldStart("breaker");
        g.writeStringField("state", breaker.state().id());
        g.writeNumberField("failures_in_a_row", breaker.consecutiveFailures());
        g.writeNumberField("times_opened", breaker.timesOpened());
        if (breaker.trialInNanos() >= 0) {
            g.writeNumberField("trial_in_ms", millis(breaker.trialInNanos()));
        }
        g.writeEndObject();
    }

    private static void writeConnections(JsonGenerator g, Backend b) throws IOException {
        long idle = 0;
        long active = 0;
        for (BackendPool pool : b.origin().pools()) {
            idle += pool.idleConnections();
            active += pool.activeConnections();
        }
        g.writeObjectFieldStart("connections");
        g.writeNumberField("idle", idle);
        g.writeNumberField("active", active);
        g.writeEndObject();
    }

    private static void writeModelList(JsonGenerator g, ModelCatalog catalog) throws IOException {
        ModelCatalog.Snapshot s = catalog.current();
        g.writeStringField("models_error", catalog.listless() ? null : catalog.lastError());
        if (s == null) {
            g.writeNullField("models");
            return;
        }
        g.writeStringField("models_read_at", s.fetchedAt().toString());
        g.writeNumberField("models_total", s.models().size());
        g.writeArrayFieldStart("models");
        List<ModelInfo> models = s.models();
        for (int i = 0; i < Math.min(models.size(), MAX_MODELS); i++) {
            g.writeString(models.get(i).id());
        }
        g.writeEndArray();
    }

    private static void writeRecentErrors(JsonGenerator g, RecentErrors errors) throws IOException {
        g.writeNumberField("errors_total", errors.total());
        g.writeArrayFieldStart("recent_errors");
        for (RecentErrors.Entry e : errors.entries()) {
            g.writeStartObject();
            g.writeStringField("at", e.at().toString());
            g.writeStringField("outcome", e.outcome());
            g.writeStringField("message", e.message());
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private static void writeModels(JsonGenerator g, Router router) throws IOException {
        List<ModelRoute> routes = router.registry().models();
        g.writeNumberField("models_total", routes.size());
        g.writeArrayFieldStart("models");
        for (ModelRoute route : routes.subList(0, Math.min(routes.size(), MAX_MODELS))) {
            g.writeStartObject();
            g.writeStringField("name", route.name());
            g.writeBooleanField("routable", router.routable(route));
            g.writeArrayFieldStart("backends");
            for (ModelRoute.Target t : route.targets()) {
                g.writeString(t.backend() + "/" + t.model());
            }
            g.writeEndArray();
            List<ModelRoute> fallbacks = router.fallbacks(route);
            if (!fallbacks.isEmpty()) {
                g.writeArrayFieldStart("fallbacks");
                for (ModelRoute f : fallbacks) {
                    g.writeString(f.name());
                }
                g.writeEndArray();
            }
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(Math.max(0, nanos));
    }
}
