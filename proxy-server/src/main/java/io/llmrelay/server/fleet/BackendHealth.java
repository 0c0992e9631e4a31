package io.llmrelay.server.fleet;

import io.llmrelay.server.upstream.JsonResponse;
import io.llmrelay.server.upstream.UpstreamRequest;
import io.llmrelay.server.upstream.UpstreamRequests;
import io.llmrelay.server.upstream.UpstreamFailure;
import io.llmrelay.server.upstream.UpstreamCall;
import io.llmrelay.core.api.Clocks;
import io.llmrelay.core.api.ExchangeTimes;
import io.llmrelay.core.config.RelayConfig;
import io.llmrelay.core.config.ResilienceConfig;
import io.llmrelay.core.resilience.ActiveHealth;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Active health checks of one backend, so that readiness follows it within seconds: a GET of its
 * dialect's cheapest route ({@code /v1/models}, an Ollama node's {@code /api/version}) or of
 * {@code health.path}, every interval, on one event loop, with a deadline. {@code health.fall}
 * failures in a row mark it down, {@code health.rise} successes up. Any HTTP answer below 500 is up (the server is there; a 401 only means the
 * list needs the client's key). It also keeps the model catalogue fresh: read again when it is due,
 * when it never was, and when the backend comes back.
 *
 * <p>Runs on its loop only; readiness reads the volatile state from any thread.
 */
public final class BackendHealth {

    private static final Logger LOG = LoggerFactory.getLogger(BackendHealth.class);
    private static final AtomicLong PROBES = new AtomicLong();

    private final Backend backend;
    private final EventLoop loop;
    private final Clocks clocks;
    /** the settings: set before the first probe, then by a reload, on the loop */
    private long intervalNanos;
    private Duration timeout;
    private Duration modelsRefresh;
    private String path;

    private volatile String lastError = "not checked yet";
    private final CompletableFuture<Void> firstVerdict = new CompletableFuture<>();
    private boolean stopped;
    private ScheduledFuture<?> next;

    public BackendHealth(Backend backend, EventLoop loop, RelayConfig config, Clocks clocks) {
        this.backend = backend;
        this.loop = loop;
        this.clocks = clocks;
        configure(config);
    }

    private void configure(RelayConfig config) {
        intervalNanos = config.healthInterval().toNanos();
        ResilienceConfig.Health health = config.resilience().health();
        // unless set, a probe may take as long as a few intervals, and never less than a second: a busy
        // backend is not a dead one
        timeout = health.timeout() != null ? health.timeout()
                : Duration.ofNanos(Math.max(TimeUnit.SECONDS.toNanos(1), 2 * intervalNanos));
        modelsRefresh = config.modelsRefresh();
        path = health.path() != null ? backend.config().rootPath() + health.path()
                : backend.dialect().healthPath(backend.config());
    }

    /** A reload's probe period, deadline, path and list refresh, from the next probe on. */
    void reconfigure(RelayConfig config) {
        loop.execute(() -> configure(config));
    }

    /** The loop the probes run on. */
    EventLoop loop() {
        return loop;
    }

    /** Completes when the first probe has given its verdict (either way); for a backend a reload adds. */
    CompletableFuture<Void> firstVerdict() {
        return firstVerdict;
    }

    /** Probes now, then every interval until {@link #stop()}. */
    public void start() {
        loop.execute(this::probe);
    }

    public void stop() {
        loop.execute(() -> {
            stopped = true;
            if (next != null) {
                next.cancel(false);
            }
        });
    }

    /** True once the probes have found the backend healthy, until they find it unhealthy. */
    public boolean up() {
        return backend.resilience().health() == ActiveHealth.State.HEALTHY;
    }

    /** Why the backend is not up, or null when it is. */
    public String lastError() {
        return up() ? null : lastError;
    }

    private void probe() {
        if (stopped) {
            return;
        }
        Probe probe = new Probe();
        UpstreamCall call = new UpstreamCall(backend.origin(), loop,
                UpstreamRequests.get(backend.config(), path, "health-" + PROBES.incrementAndGet()),
                probe, new ExchangeTimes(clocks.nanoTime()), clocks, timeout);
        probe.deadline = loop.schedule(() -> {
            call.cancel();
            probe.finish(false, "no answer to GET " + path + " within " + timeout.toMillis() + " ms");
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
        call.start();
    }

    private void record(boolean ok, String error) {
        if (!ok) {
            lastError = error;
        }
        boolean wasUp = up();
        boolean nowUp = backend.resilience().probe(ok) == ActiveHealth.State.HEALTHY;
        if (ok) {
            ModelCatalog catalog = backend.catalog();
            ModelCatalog.Snapshot s = catalog.current();
            if (!wasUp || s == null || catalog.lastError() != null
                    || clocks.nanoTime() - s.fetchedNanos() >= modelsRefresh.toNanos()) {
                catalog.refresh(loop);
            }
        }
        if (wasUp != nowUp) {
            if (nowUp) {
                LOG.info("backend {} is up", backend.describe());
            } else {
                LOG.warn("backend {} is down: {}", backend.describe(), error);
            }
        }
        firstVerdict.complete(null);
        if (!stopped) {
            next = loop.schedule(this::probe, intervalNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** One probe's answer: only the status matters; the body is read to the end and dropped. */
    private final class Probe implements UpstreamCall.Listener {
        ScheduledFuture<?> deadline;
        private int status;
        private boolean done;

        void finish(boolean ok, String error) {
            if (done) {
                return;
            }
            done = true;
            if (deadline != null) {
                deadline.cancel(false);
            }
            record(ok, error);
        }

        @Override
        public void onHead(HttpResponse head) {
            status = head.status().code();
        }

        @Override
        public void onContent(ByteBuf content) {
            // the list itself is the catalogue's business
        }

        @Override
        public void onEnd() {
            finish(status < 500, "backend " + backend.describe() + " answered " + status + " to GET " + path);
        }

        @Override
        public void onFailure(UpstreamFailure failure) {
            finish(false, failure.message());
        }

        @Override
        public boolean onBatchEnd() {
            return true;
        }
    }
}
