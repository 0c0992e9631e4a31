package io.llmrelay.server.upstream;

import io.llmrelay.core.api.Clocks;
import io.llmrelay.core.api.ExchangeTimes;
import io.llmrelay.core.api.ModelNames;
import io.llmrelay.core.backend.ModelInfo;
import io.llmrelay.core.backend.ModelListParser;
import io.llmrelay.core.config.RelayConfig;
import io.llmrelay.core.metrics.ErrorKind;
import io.llmrelay.core.translate.ErrorMessages;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Promise;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;

/**
 * The models a backend serves, read from its {@code /models} and kept as an immutable snapshot that
 * any event loop may read. Concurrent refreshes from several loops share one fetch.
 */
public final class ModelCatalog {

    private static final long MAX_LIST_BYTES = 32L * 1024 * 1024;
    private static final AtomicLong FETCHES = new AtomicLong();

    /** One successful read of the model list. */
    public record Snapshot(List<ModelInfo> models, long fetchedNanos, Instant fetchedAt) {

        /** The model an Ollama client means by {@code requested}, or null. */
        public ModelInfo find(String requested) {
            for (ModelInfo m : models) {
                if (ModelNames.matches(requested, m.id())) {
                    return m;
                }
            }
            return null;
        }
    }

    private final Backend backend;
    private final RelayConfig relay;
    private final Clocks clocks;
    private final Duration idleTimeout;
    private final AtomicReference<Promise<Snapshot>> inFlight = new AtomicReference<>();
    private volatile Snapshot snapshot;
    private volatile String lastError;

    ModelCatalog(Backend backend, RelayConfig relay) {
        this.backend = backend;
        this.relay = relay;
        this.clocks = Clocks.SYSTEM;
        this.idleTimeout = relay.timeouts().upstreamIdle();
    }

    /** The last good snapshot, or null if the list was never read. */
    public Snapshot current() {
        return snapshot;
    }

    /** Why the last refresh failed, or null when it succeeded. */
    public String lastError() {
        return lastError;
    }

    /**
     * The backend id to send for a requested name: the listed id it matches, else the name without
     * Ollama's {@code :latest} tag (the backend then decides whether it knows the model).
     */
    public String resolve(String requested) {
        Snapshot s = snapshot;
        ModelInfo found = s == null ? null : s.find(requested);
        return found != null ? found.id() : ModelNames.withoutLatestTag(requested);
    }

    /**
     * Calls {@code then} on {@code loop} with a snapshot at most {@code maxAge} old, reading the list
     * again if needed. On failure it gets the failure and the last good snapshot (maybe null).
     */
    public void get(EventLoop loop, Duration maxAge, BiConsumer<Snapshot, UpstreamFailure> then) {
        Snapshot s = snapshot;
        if (s != null && clocks.nanoTime() - s.fetchedNanos() <= maxAge.toNanos()) {
            then.accept(s, null);
            return;
        }
        Promise<Snapshot> mine = loop.newPromise();
        Promise<Snapshot> running = inFlight.compareAndExchange(null, mine);
        Promise<Snapshot> wait = running != null ? running : mine;
        wait.addListener(f -> {
            Runnable deliver = () -> then.accept(f.isSuccess() ? (Snapshot) f.getNow() : snapshot,
                    f.isSuccess() ? null : ((Failed) f.cause()).failure);
            if (loop.inEventLoop()) {
                deliver.run();
            } else {
                loop.execute(deliver);
            }
        });
        if (running == null) {
            fetch(loop, mine);
        }
    }

    /** Carries a failed read through the promise. */
    private static final class Failed extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient UpstreamFailure failure;

        Failed(UpstreamFailure failure) {
            super(failure.message(), null, false, false);
            this.failure = failure;
        }
    }

    private void fetch(EventLoop loop, Promise<Snapshot> promise) {
        UpstreamRequest request = UpstreamRequests.get(backend.config(), "/models",
                "models-" + FETCHES.incrementAndGet());
        JsonResponse listener = new JsonResponse(MAX_LIST_BYTES, (result, failure) -> {
            inFlight.set(null);
            try {
                Snapshot fresh = new Snapshot(models(result, failure), clocks.nanoTime(), clocks.wall().instant());
                snapshot = fresh;
                lastError = null;
                promise.setSuccess(fresh);
            } catch (Failed e) {
                lastError = e.getMessage();
                promise.setFailure(e);
            }
        });
        new UpstreamCall(backend, loop, request, listener, new ExchangeTimes(clocks.nanoTime()), clocks, idleTimeout)
                .start();
    }

    private List<ModelInfo> models(JsonResponse.Result result, UpstreamFailure failure) {
        if (failure != null) {
            throw new Failed(failure);
        }
        if (result.status() != 200) {
            String message = ErrorMessages.fromBody(result.body());
            throw new Failed(new UpstreamFailure(result.status(), "backend " + backend.describe() + " answered "
                    + result.status() + " to GET /models" + (message == null ? "" : ": " + message),
                    ErrorKind.BACKEND_STATUS, false));
        }
        if (result.body() == null) {
            throw new Failed(new UpstreamFailure(502, "backend " + backend.describe()
                    + " sent a model list that is not JSON", ErrorKind.BACKEND_PROTOCOL, false));
        }
        try {
            List<ModelInfo> listed = ModelListParser.parse(result.body());
            List<ModelInfo> described = new java.util.ArrayList<>(listed.size());
            for (ModelInfo m : listed) {
                described.add(relay.describe(m));
            }
            return java.util.Collections.unmodifiableList(described);
        } catch (IllegalArgumentException e) {
            throw new Failed(new UpstreamFailure(502, "backend " + backend.describe() + " sent an unusable model list: "
                    + e.getMessage(), ErrorKind.BACKEND_PROTOCOL, false));
        }
    }
}
