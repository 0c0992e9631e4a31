package io.llmrelay.core.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Every metric llm-relay exports, recorded from the event loops without locks and written in
 * Prometheus text format on scrape. The names are the contract documented in docs/METRICS.md.
 */
public final class RelayMetrics {

    /** Label combinations per counter beyond which new ones are folded into {@code _other}. */
    private static final int MAX_SERIES = 2_000;

    /** Reports what each backend's own counters hold (read at scrape time, so requests pay nothing for them). */
    public interface BackendGauges {
        void report(BackendSink sink);
    }

    /** Receives one backend's figures. */
    public interface BackendSink {
        /** Its pooled connections, idle and in use, and its requests in flight. */
        void connections(String backend, long idle, long active, long inFlight);

        /** How many of its attempts ended with {@code outcome}. */
        void attempts(String backend, String outcome, long count);

        /**
         * Whether it may be routed to now, its breaker's state ({@code closed}, {@code open},
         * {@code half-open}) and how often the breaker opened.
         */
        default void resilience(String backend, boolean routable, String breakerState, long breakerOpens) {}
    }

    /** The breaker states, each a series of {@code llm_relay_backend_breaker_state} (1 for the current one). */
    private static final List<String> BREAKER_STATES = List.of("closed", "open", "half-open");

    public final CounterFamily requests = new CounterFamily("llm_relay_requests_total",
            "Requests answered, by route, model, backend and HTTP status.", MAX_SERIES,
            "route", "model", "backend", "status");
    public final CounterFamily promptTokens = new CounterFamily("llm_relay_prompt_tokens_total",
            "Prompt tokens reported by backends, by model and backend.", MAX_SERIES, "model", "backend");
    public final CounterFamily completionTokens = new CounterFamily("llm_relay_completion_tokens_total",
            "Completion tokens reported by backends, by model and backend.", MAX_SERIES, "model", "backend");
    public final CounterFamily clientDisconnects = new CounterFamily("llm_relay_client_disconnects_total",
            "Clients that left while a backend request was running; each such request was cancelled.", MAX_SERIES,
            "route");
    public final CounterFamily refused = new CounterFamily("llm_relay_requests_refused_total",
            "Requests refused for their size or shape before anything was sent to a backend, by reason.", 64, "reason");
    public final CounterFamily errors = new CounterFamily("llm_relay_errors_total",
            "Failed requests by kind of failure.", MAX_SERIES, "kind");
    /**
     * Requests made with a client key, by the key's name (never the key) and status class. A family of
     * its own rather than a label on {@code llm_relay_requests_total}, which would multiply its series by
     * the number of keys; the names come from the configuration, so the series are bounded.
     */
    public final CounterFamily keyRequests = new CounterFamily("llm_relay_key_requests_total",
            "Requests made with each client API key, by the key's name and status class (2xx, 4xx, 5xx).",
            MAX_SERIES, "key", "status_class");

    public final HistogramFamily duration = new HistogramFamily("llm_relay_request_duration_seconds",
            "Time from a complete request to the end of its answer.", "route");
    public final HistogramFamily timeToFirstByte = new HistogramFamily("llm_relay_time_to_first_byte_seconds",
            "Time from a complete request to the first byte of its answer.", "route");
    public final HistogramFamily timeToFirstToken = new HistogramFamily("llm_relay_time_to_first_token_seconds",
            "Time from a complete request to the first token from the backend (translated routes).", "route");
    public final HistogramFamily chunkGap = new HistogramFamily("llm_relay_stream_chunk_gap_seconds",
            "Time between consecutive writes of a streamed answer.", "route");
    public final HistogramFamily overhead = new HistogramFamily("llm_relay_proxy_overhead_seconds",
            "Time spent inside llm-relay per request, excluding the wait for the backend.", "route");

    private final LongAdder inflightRequests = new LongAdder();
    private final LongAdder inflightStreams = new LongAdder();
    private final List<BackendGauges> backendGauges = new ArrayList<>();
    private final JvmMetrics jvm = new JvmMetrics();
    private volatile LongSupplier eventLoopCpuNanos;
    private volatile LongSupplier logLinesDropped;

    public void requestStarted() {
        inflightRequests.increment();
    }

    public void requestEnded() {
        inflightRequests.decrement();
    }

    public void streamStarted() {
        inflightStreams.increment();
    }

    public void streamEnded() {
        inflightStreams.decrement();
    }

    public long inflightRequests() {
        return inflightRequests.sum();
    }

    public long inflightStreams() {
        return inflightStreams.sum();
    }

    /** Adds a source of per-backend connection counts (set up once at start). */
    public synchronized void addBackendGauges(BackendGauges gauges) {
        backendGauges.add(gauges);
    }

    /**
     * Where the event loops' CPU time comes from (set once at start); without it that counter is not
     * exported.
     */
    public void eventLoopCpu(LongSupplier nanos) {
        this.eventLoopCpuNanos = nanos;
    }

    /** Where the count of log lines dropped by a full log queue comes from (set once at start). */
    /**
     * The rate limits' own figures, read at scrape time: refusals by limit label, whether Redis answers
     * (1, 0; -1 without Redis) and its errors.
     */
    public interface RateLimitFigures {
        java.util.Map<String, Long> refusedByLimit();

        int redisUp();

        long redisErrors();
    }

    private volatile RateLimitFigures rateLimits;

    public void rateLimits(RateLimitFigures figures) {
        this.rateLimits = figures;
    }

    /** Counts a request refused for its size or shape. */
    public void refused(Refusal why) {
        refused.inc(why.label());
    }

    public void logLinesDropped(LongSupplier dropped) {
        this.logLinesDropped = dropped;
    }

    /** One scrape's backend figures, gathered so that each family is written in one piece. */
    private static final class BackendRows implements BackendSink {
        record Row(String backend, String label, long value) {}

        final List<Row> attempts = new ArrayList<>();
        final List<Row> connections = new ArrayList<>();
        final List<Row> inFlight = new ArrayList<>();
        final List<Row> routable = new ArrayList<>();
        final List<Row> breaker = new ArrayList<>();
        final List<Row> breakerOpens = new ArrayList<>();

        @Override
        public void resilience(String backend, boolean isRoutable, String breakerState, long opens) {
            routable.add(new Row(backend, "", isRoutable ? 1 : 0));
            for (String state : BREAKER_STATES) {
                breaker.add(new Row(backend, state, state.equals(breakerState) ? 1 : 0));
            }
            breakerOpens.add(new Row(backend, "", opens));
        }

        @Override
        public void connections(String backend, long idle, long active, long requests) {
            connections.add(new Row(backend, "idle", idle));
            connections.add(new Row(backend, "active", active));
            inFlight.add(new Row(backend, "", requests));
        }

        @Override
        public void attempts(String backend, String outcome, long count) {
            if (count > 0) {
                attempts.add(new Row(backend, outcome, count));
            }
        }
    }

    /** The whole scrape answer. */
    public String scrape() {
        StringBuilder sb = new StringBuilder(16 * 1024);
        PrometheusText out = new PrometheusText(sb);
        requests.writeTo(out);
        promptTokens.writeTo(out);
        completionTokens.writeTo(out);
        clientDisconnects.writeTo(out);
        errors.writeTo(out);
        refused.writeTo(out);
        RateLimitFigures limits = rateLimits;
        if (limits != null) {
            out.family("llm_relay_rate_limited_total", "counter",
                    "Requests refused by a rate limit (429), by limit; redis_unavailable: refused (503) while Redis could not be consulted.");
            limits.refusedByLimit().forEach((label, n) -> out.sample("llm_relay_rate_limited_total", n, "limit", label));
            if (limits.redisUp() >= 0) {
                out.family("llm_relay_redis_up", "gauge", "1 while the Redis that shares the rate limits answers, 0 while not.");
                out.sample("llm_relay_redis_up", limits.redisUp());
                out.family("llm_relay_redis_errors_total", "counter",
                        "Failed Redis commands and connections, lost connections, and checks it answered too late.");
                out.sample("llm_relay_redis_errors_total", limits.redisErrors());
            }
        }
        keyRequests.writeTo(out);
        out.family("llm_relay_inflight_requests", "gauge", "Requests being answered now.");
        out.sample("llm_relay_inflight_requests", inflightRequests.sum());
        out.family("llm_relay_inflight_streams", "gauge", "Streamed answers being written now.");
        out.sample("llm_relay_inflight_streams", inflightStreams.sum());
        List<BackendGauges> sources;
        synchronized (this) {
            sources = List.copyOf(backendGauges);
        }
        BackendRows rows = new BackendRows();
        sources.forEach(g -> g.report(rows));
        out.family("llm_relay_backend_attempts_total", "counter",
                "Attempts (one request on one backend) by backend and outcome.");
        rows.attempts.forEach(r -> out.sample("llm_relay_backend_attempts_total", r.value, "backend", r.backend,
                "outcome", r.label));
        out.family("llm_relay_backend_connections", "gauge", "Pooled backend connections, idle or in use.");
        rows.connections.forEach(r -> out.sample("llm_relay_backend_connections", r.value, "backend", r.backend,
                "state", r.label));
        out.family("llm_relay_backend_in_flight", "gauge",
                "Requests in flight on each backend (what least-connections and max_concurrency count).");
        rows.inFlight.forEach(r -> out.sample("llm_relay_backend_in_flight", r.value, "backend", r.backend));
        out.family("llm_relay_backend_routable", "gauge",
                "1 while the backend may be routed to: healthy, breaker closed, not held off by Retry-After, not ejected.");
        rows.routable.forEach(r -> out.sample("llm_relay_backend_routable", r.value, "backend", r.backend));
        out.family("llm_relay_backend_breaker_state", "gauge", "The backend's circuit breaker: 1 for its current state.");
        rows.breaker.forEach(r -> out.sample("llm_relay_backend_breaker_state", r.value, "backend", r.backend,
                "state", r.label));
        out.family("llm_relay_backend_breaker_opens_total", "counter",
                "How often the backend's circuit breaker opened (or re-opened after a failed trial).");
        rows.breakerOpens.forEach(r -> out.sample("llm_relay_backend_breaker_opens_total", r.value, "backend", r.backend));
        duration.writeTo(out);
        timeToFirstByte.writeTo(out);
        timeToFirstToken.writeTo(out);
        chunkGap.writeTo(out);
        overhead.writeTo(out);
        LongSupplier loopCpu = eventLoopCpuNanos;
        if (loopCpu != null) {
            out.family("llm_relay_event_loop_cpu_seconds_total", "counter",
                    "CPU time of the event-loop threads; llm_relay_proxy_overhead_seconds shares it among the requests served.");
            out.sample("llm_relay_event_loop_cpu_seconds_total", loopCpu.getAsLong() / 1e9);
        }
        LongSupplier dropped = logLinesDropped;
        if (dropped != null) {
            out.family("llm_relay_log_lines_dropped_total", "counter",
                    "Log lines dropped because the log writer fell behind (stdout slower than the lines logged).");
            out.sample("llm_relay_log_lines_dropped_total", dropped.getAsLong());
        }
        jvm.writeTo(out);
        return sb.toString();
    }
}
