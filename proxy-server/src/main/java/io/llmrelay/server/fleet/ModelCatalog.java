package io.llmrelay.server.fleet;

import io.llmrelay.server.upstream.JsonResponse;
import io.llmrelay.server.upstream.UpstreamRequest;
import io.llmrelay.server.upstream.UpstreamRequests;
import io.llmrelay.server.upstream.UpstreamFailure;
import io.llmrelay.server.upstream.UpstreamCall;
import com.fasterxml.jackson.databind.JsonNode;
import io.llmrelay.core.api.Clocks;
import io.llmrelay.core.api.ExchangeTimes;
import io.llmrelay.core.api.ModelNames;
import io.llmrelay.core.backend.BackendFlavor;
import io.llmrelay.core.backend.LlamaCppProps;
import io.llmrelay.core.backend.OllamaShow;
import io.llmrelay.core.dialect.Dialect;
import io.llmrelay.core.json.Json;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.llmrelay.core.backend.LmStudioModels;
import io.llmrelay.core.backend.ModelInfo;
import io.llmrelay.core.backend.ModelListParser;
import io.llmrelay.core.backend.ModelOverride;
import io.llmrelay.core.backend.ServerFacts;
import io.llmrelay.core.config.RelayConfig;
import io.llmrelay.core.metrics.ErrorKind;
import io.llmrelay.core.translate.ErrorMessages;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Promise;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The models a backend serves, kept as an immutable snapshot that any event loop may read: its
 * {@code /models}, completed by the server's own facts (llama.cpp {@code /props}, LM Studio's model
 * API) and the operator's overrides. The same read tells the server's type when it was not
 * configured. Concurrent refreshes from several loops share one fetch.
 */
public final class ModelCatalog {

    private static final long MAX_LIST_BYTES = 32L * 1024 * 1024;
    private static final long MAX_FACTS_BYTES = 4L * 1024 * 1024;
    private static final AtomicLong FETCHES = new AtomicLong();
    private static final Logger LOG = LoggerFactory.getLogger(ModelCatalog.class);

    /** One successful read of the model list, and the server type it showed. */
    public static final class Snapshot {
        private final List<ModelInfo> models;
        /** the models as the backend described them (its list and facts), before the operator's overrides */
        private final List<ModelInfo> reported;
        /** the overrides {@link #models} were described with */
        private final List<ModelOverride> describedWith;
        private final Map<String, ModelInfo> byName;
        private final BackendFlavor flavor;
        private final long fetchedNanos;
        private final Instant fetchedAt;

        Snapshot(List<ModelInfo> models, List<ModelInfo> reported, List<ModelOverride> describedWith,
                BackendFlavor flavor, long fetchedNanos, Instant fetchedAt) {
            this.models = Collections.unmodifiableList(models);
            this.reported = List.copyOf(reported);
            this.describedWith = describedWith;
            this.flavor = flavor;
            this.fetchedNanos = fetchedNanos;
            this.fetchedAt = fetchedAt;
            Map<String, ModelInfo> names = new HashMap<>();
            for (ModelInfo m : models) { // the first listed wins, as a scan of the list would find it
                names.putIfAbsent(m.id().toLowerCase(Locale.ROOT), m);
                names.putIfAbsent(ModelNames.ollamaName(m.id()).toLowerCase(Locale.ROOT), m);
            }
            this.byName = names;
        }

        public List<ModelInfo> models() {
            return models;
        }

        public BackendFlavor flavor() {
            return flavor;
        }

        public long fetchedNanos() {
            return fetchedNanos;
        }

        public Instant fetchedAt() {
            return fetchedAt;
        }

        /** The model a client means by {@code requested} (case-insensitive, {@code :latest} optional), or null. */
        public ModelInfo find(String requested) {
            return byName.get(requested.toLowerCase(Locale.ROOT));
        }
    }

    private final Backend backend;
    /** the fleet's configuration: its model overrides and upstream idle limit; a reload replaces it */
    private volatile RelayConfig relay;
    private final Clocks clocks;
    private final AtomicReference<Promise<Snapshot>> inFlight = new AtomicReference<>();
    /** written under this object's lock (a read's end and a reload may race), read from anywhere */
    private volatile Snapshot snapshot;
    private volatile UpstreamFailure lastFailure;
    /** Told when what the catalogue knows changes (the fleet rebuilds its registry); any thread. */
    private volatile Runnable onChange = () -> {};
    /**
     * Set once the first read's outcome (or the operator's fixed list) has reached {@link #onChange}:
     * a request on another loop that saw the snapshot before the fleet rebuilt its registry was told
     * "model not found" by the registry of before.
     */
    private volatile boolean told;

    ModelCatalog(Backend backend, RelayConfig relay, Clocks clocks) {
        this.backend = backend;
        this.relay = relay;
        this.clocks = clocks;
        List<String> fixed = backend.config().options().models();
        if (!fixed.isEmpty()) { // the operator's list: known from the start, nothing to read
            this.snapshot = fixedSnapshot(fixed);
            this.told = true; // the fleet builds its first registry after the catalogues exist
        }
    }

    private Snapshot fixedSnapshot(List<String> ids) {
        List<ModelInfo> listed = new ArrayList<>(ids.size());
        ids.forEach(id -> listed.add(ModelInfo.unlisted(id)));
        return described(reported(listed, ServerFacts.NONE), backend.config().flavor(), clocks.nanoTime(),
                clocks.wall().instant());
    }

    /**
     * A reload's configuration: its model overrides apply to the snapshot at once (described again
     * from what the backend reported, no read needed), its idle limit to the next read.
     */
    void reconfigure(RelayConfig next) {
        boolean changed = false;
        synchronized (this) {
            relay = next;
            Snapshot s = snapshot;
            if (s != null && !s.describedWith.equals(next.modelOverrides())) {
                Snapshot again = described(s.reported, s.flavor, s.fetchedNanos, s.fetchedAt);
                snapshot = again;
                changed = !again.models().equals(s.models());
            }
        }
        if (changed) {
            onChange.run();
        }
    }

    /** A list read that stalls this long is a failure: readiness and requests wait on it. */
    private Duration idleTimeout() {
        return min(relay.timeouts().upstreamIdle(), Duration.ofSeconds(10));
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** {@code listener} runs (on a loop) whenever the snapshot or the listless state changes. */
    void onChange(Runnable listener) {
        this.onChange = listener;
    }

    /** True once the list was read or tried at least once: a request need not wait for it. */
    public boolean tried() {
        return told;
    }

    /** The last good snapshot, or null if the list was never read. */
    public Snapshot current() {
        return snapshot;
    }

    /** True when the backend answered its last list read but gave no list (see {@link UpstreamFailure#noList()}). */
    public boolean listless() {
        UpstreamFailure f = lastFailure;
        return snapshot == null && f != null && f.noList();
    }

    /** The last read's failure, or null when it succeeded. */
    public UpstreamFailure lastFailure() {
        return lastFailure;
    }

    /** Why the last refresh failed, or null when it succeeded. */
    public String lastError() {
        UpstreamFailure f = lastFailure;
        return f == null ? null : f.message();
    }

    /**
     * The backend id to send for a requested name: the listed id it matches, else the name without
     * Ollama's {@code :latest} tag (only for a backend whose list cannot be read).
     */
    public String resolve(String requested) {
        Snapshot s = snapshot;
        ModelInfo found = s == null ? null : s.find(requested);
        return found != null ? found.id() : ModelNames.withoutLatestTag(requested);
    }

    /**
     * For requests: calls {@code then} at once with what is known (the snapshot at hand, or the
     * answer of a backend that gives no list), and reads the list first only while nothing is known.
     * Keeping it fresh is the health checks' work ({@link BackendHealth}), not the requests'.
     * Runs {@code then} on {@code loop}.
     */
    public void whenKnown(EventLoop loop, BiConsumer<Snapshot, UpstreamFailure> then) {
        Snapshot s = snapshot;
        UpstreamFailure failure = lastFailure;
        if (s != null || failure != null && failure.noList()) {
            then.accept(s, s != null ? null : failure);
            return;
        }
        get(loop, Duration.ZERO, then);
    }

    /** Reads the list again unless a read is already running; for the health checks. */
    public void refresh(EventLoop loop) {
        Promise<Snapshot> mine = loop.newPromise();
        if (inFlight.compareAndSet(null, mine)) {
            fetch(loop, mine);
        }
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

    /** The list, then the server's own facts where its type has them; the facts are a bonus, never a failure. */
    private void fetch(EventLoop loop, Promise<Snapshot> promise) {
        List<String> fixed = backend.config().options().models();
        if (!fixed.isEmpty()) { // the operator's list: nothing to read, names and overrides say it all
            finish(promise, fixedSnapshot(fixed), null);
            return;
        }
        call(loop, UpstreamRequests.get(backend.config(), backend.dialect().modelListPath(backend.config()), "models-" + FETCHES.incrementAndGet()),
                MAX_LIST_BYTES, (result, failure) -> {
                    List<ModelInfo> listed;
                    try {
                        listed = parseList(result, failure);
                    } catch (Failed e) {
                        finish(promise, null, e);
                        return;
                    }
                    BackendFlavor flavor = backend.config().detectFlavor()
                            ? BackendFlavor.detect(result.body(), result.server(), backend.config().flavor())
                            : backend.config().flavor();
                    if (backend.dialect() == Dialect.OLLAMA_NATIVE) {
                        shown(loop, listed, described -> finish(promise, described(reported(described, ServerFacts.NONE),
                                flavor, clocks.nanoTime(), clocks.wall().instant()), null));
                        return;
                    }
                    facts(loop, flavor, facts -> finish(promise, described(reported(listed, facts), flavor,
                            clocks.nanoTime(), clocks.wall().instant()), null));
                });
    }

    /**
     * An Ollama node's models completed by its {@code /api/show} of each (capabilities, context,
     * details), asked all at once; a model whose description cannot be had keeps what the list said.
     * The calls run on {@code loop}, so the countdown needs no atomics.
     */
    private void shown(EventLoop loop, List<ModelInfo> listed, Consumer<List<ModelInfo>> then) {
        if (listed.isEmpty()) {
            then.accept(listed);
            return;
        }
        ModelInfo[] described = listed.toArray(new ModelInfo[0]);
        int[] pending = {described.length};
        String path = backend.dialect().ollamaPath(backend.config(), "/api/show");
        for (int i = 0; i < described.length; i++) {
            int at = i;
            ByteBuf body = ByteBufUtil.writeUtf8(ByteBufAllocator.DEFAULT,
                    "{\"model\":" + Json.quote(described[i].id()) + "}");
            call(loop, UpstreamRequests.json(backend.config(), path, body, "models-" + FETCHES.incrementAndGet(), false),
                    MAX_FACTS_BYTES, (result, failure) -> {
                        if (failure == null && result.status() == 200 && result.body() != null) {
                            try {
                                described[at] = OllamaShow.parse(result.body()).applyTo(described[at]);
                            } catch (IllegalArgumentException unusable) {
                                // the list's own description stands
                            }
                        }
                        if (--pending[0] == 0) {
                            then.accept(List.of(described));
                        }
                    });
        }
    }

    private void finish(Promise<Snapshot> promise, Snapshot fresh, Failed failed) {
        inFlight.compareAndSet(promise, null);
        if (fresh != null) {
            boolean changed;
            synchronized (this) {
                if (!fresh.describedWith.equals(relay.modelOverrides())) { // a reload came while it was read
                    fresh = described(fresh.reported, fresh.flavor, fresh.fetchedNanos, fresh.fetchedAt);
                }
                Snapshot previous = snapshot;
                boolean wasListless = listless();
                snapshot = fresh;
                lastFailure = null;
                changed = previous == null || wasListless || !previous.models().equals(fresh.models())
                        || previous.flavor() != fresh.flavor();
            }
            if (changed) {
                onChange.run();
            }
            told = true;
            promise.setSuccess(fresh);
        } else {
            boolean wasListless = listless();
            boolean firstTry = snapshot == null && lastFailure == null;
            if (lastFailure == null) { // once per outage, not once per try
                LOG.warn("cannot read the model list of backend {}: {}", backend.describe(), failed.getMessage());
            }
            lastFailure = failed.failure;
            if (firstTry || wasListless != listless()) {
                onChange.run();
            }
            told = true;
            promise.setFailure(failed);
        }
    }

    /** What the server says beside its list, by type: llama.cpp's {@code /props}, LM Studio's model API. */
    private void facts(EventLoop loop, BackendFlavor flavor, Consumer<ServerFacts> then) {
        String id = "models-" + FETCHES.incrementAndGet();
        if (flavor == BackendFlavor.LLAMACPP) {
            call(loop, UpstreamRequests.get(backend.config(), backend.config().rootPath() + "/props", id), MAX_FACTS_BYTES,
                    (result, failure) -> then.accept(readFacts(result, failure, LlamaCppProps::parse)));
        } else if (flavor == BackendFlavor.LMSTUDIO) {
            call(loop, UpstreamRequests.get(backend.config(), backend.config().rootPath() + "/api/v1/models", id), MAX_LIST_BYTES,
                    (v1, v1Failure) -> {
                        ServerFacts facts = readFacts(v1, v1Failure, LmStudioModels::parse);
                        if (facts != ServerFacts.NONE || v1Failure != null) {
                            then.accept(facts);
                            return;
                        }
                        // LM Studio before 0.4 has only the v0 API
                        call(loop, UpstreamRequests.get(backend.config(), backend.config().rootPath() + "/api/v0/models", id), MAX_LIST_BYTES,
                                (v0, v0Failure) -> then.accept(readFacts(v0, v0Failure, LmStudioModels::parse)));
                    });
        } else {
            then.accept(ServerFacts.NONE);
        }
    }

    private static ServerFacts readFacts(JsonResponse.Result result, UpstreamFailure failure,
            Function<JsonNode, ServerFacts> parser) {
        if (failure != null || result.status() != 200 || result.body() == null) {
            return ServerFacts.NONE;
        }
        try {
            return parser.apply(result.body());
        } catch (IllegalArgumentException e) {
            return ServerFacts.NONE;
        }
    }

    private void call(EventLoop loop, UpstreamRequest request, long maxBytes,
            BiConsumer<JsonResponse.Result, UpstreamFailure> then) {
        new UpstreamCall(backend.origin(), loop, request, new JsonResponse(maxBytes, then),
                new ExchangeTimes(clocks.nanoTime()), clocks, idleTimeout()).start();
    }

    /** The listed models with the server's facts: what the backend itself says of them. */
    private static List<ModelInfo> reported(List<ModelInfo> listed, ServerFacts facts) {
        List<ModelInfo> out = new ArrayList<>(listed.size());
        for (ModelInfo m : listed) {
            out.add(facts.applyTo(m));
        }
        return out;
    }

    /**
     * A snapshot of the reported models with the operator's overrides as configured now. A model
     * already known keeps its time: servers such as llama.cpp report "now" as {@code created} on
     * every read.
     */
    private Snapshot described(List<ModelInfo> reported, BackendFlavor flavor, long fetchedNanos, Instant fetchedAt) {
        RelayConfig config = relay;
        Snapshot previous = snapshot;
        List<ModelInfo> out = new ArrayList<>(reported.size());
        for (ModelInfo m : reported) {
            ModelInfo known = previous == null ? null : previous.find(m.id());
            ModelInfo described = config.describe(m);
            out.add(known != null && known.id().equals(m.id()) ? described.withCreated(known.created()) : described);
        }
        return new Snapshot(out, reported, config.modelOverrides(), flavor, fetchedNanos, fetchedAt);
    }

    private List<ModelInfo> parseList(JsonResponse.Result result, UpstreamFailure failure) {
        if (failure != null) {
            throw new Failed(failure);
        }
        if (result.status() != 200) {
            String message = ErrorMessages.fromBody(result.body());
            throw new Failed(new UpstreamFailure(result.status(), "backend " + backend.describe() + " answered "
                    + result.status() + " to GET " + backend.dialect().modelListPath(backend.config()) + (message == null ? "" : ": " + message),
                    ErrorKind.BACKEND_STATUS, false));
        }
        if (result.body() == null) {
            throw new Failed(new UpstreamFailure(502, "backend " + backend.describe()
                    + " sent a model list that is not JSON", ErrorKind.BACKEND_PROTOCOL, false));
        }
        try {
            return backend.dialect().parseModelList(result.body());
        } catch (IllegalArgumentException e) {
            throw new Failed(new UpstreamFailure(502, "backend " + backend.describe() + " sent an unusable model list: "
                    + e.getMessage(), ErrorKind.BACKEND_PROTOCOL, false));
        }
    }
}
