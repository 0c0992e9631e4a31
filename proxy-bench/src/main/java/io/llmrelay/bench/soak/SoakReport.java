package io.llmrelay.bench.soak;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmrelay.bench.load.OverheadScrape;
import io.llmrelay.core.json.Json;
import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A soak's figures: the table on stdout and the JSON file, and whether it passed (nothing hung,
 * nothing malformed, no leak report, nothing still held by the proxy once every client was done).
 */
final class SoakReport {

    private static final List<String> ATTEMPT_OUTCOMES = List.of("ok", "cancelled", "rejected", "overloaded",
            "server_error", "unreachable", "timeout", "broken");
    private static final List<String> ERROR_KINDS = List.of("invalid_request", "backend_unreachable", "backend_timeout",
            "backend_status", "backend_protocol", "client_stalled", "internal");

    private final SoakCommand o;
    private final Tally warm;
    private final Tally soak;
    private final Tally probes;
    private final long soakNanos;
    /** CPU time of the soak proper: proxy, backends, client. */
    private final long[] cpuMicros;
    private final SoakRun.Memory start;
    private final SoakRun.Memory end;
    private final ArrayNode samples;
    private final FaultSwitcher switcher;
    private final String metrics;
    private final JsonNode gauges;
    private final List<JsonNode> backendStats;
    private final LogScan proxyLog;
    private final List<LogScan> backendLogs;
    private final boolean paranoidConfirmed;
    private final int proxyExit;
    private final long totalNanos;
    private final String finishedAt = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
            .format(Instant.now().atZone(ZoneOffset.UTC));

    SoakReport(SoakCommand o, Tally warm, Tally soak, Tally probes, long soakNanos, long[] cpuMicros, SoakRun.Memory start,
            SoakRun.Memory end, ArrayNode samples, FaultSwitcher switcher, String metrics, JsonNode gauges,
            List<JsonNode> backendStats, LogScan proxyLog, List<LogScan> backendLogs, boolean paranoidConfirmed,
            int proxyExit, long totalNanos) {
        this.o = o;
        this.warm = warm;
        this.soak = soak;
        this.probes = probes;
        this.soakNanos = soakNanos;
        this.cpuMicros = cpuMicros;
        this.start = start;
        this.end = end;
        this.samples = samples;
        this.switcher = switcher;
        this.metrics = metrics;
        this.gauges = gauges;
        this.backendStats = backendStats;
        this.proxyLog = proxyLog;
        this.backendLogs = backendLogs;
        this.paranoidConfirmed = paranoidConfirmed;
        this.proxyExit = proxyExit;
        this.totalNanos = totalNanos;
    }

    long malformed() {
        return warm.count(Outcome.MALFORMED) + soak.count(Outcome.MALFORMED) + probes.count(Outcome.MALFORMED);
    }

    long hung() {
        return warm.count(Outcome.HUNG) + soak.count(Outcome.HUNG) + probes.count(Outcome.HUNG);
    }

    /** Whatever the proxy still holds with every client done: requests, streams, backend slots. */
    boolean heldAfter() {
        return gauges.path("inflight_requests_besides_the_scrape").asDouble(0) > 0
                || gauges.path("inflight_streams").asDouble(0) > 0 || gauges.path("backend_slots_held").asDouble(0) > 0;
    }

    boolean passed() {
        return malformed() == 0 && hung() == 0 && proxyLog.leaks == 0 && !heldAfter();
    }

    private double perRequestMillis(long micros) {
        return soak.total() == 0 ? 0 : micros / 1000.0 / soak.total();
    }

    private double rate() {
        return soak.total() / (soakNanos / 1e9);
    }

    private long metric(String sample) {
        double v = metrics == null ? Double.NaN : OverheadScrape.sum(metrics, sample);
        return Double.isNaN(v) ? 0 : Math.round(v);
    }

    private Map<String, Long> faultsInjected() {
        Map<String, Long> byMode = new TreeMap<>();
        for (JsonNode s : backendStats) {
            if (s != null) {
                s.path("faults").properties().forEach(e -> byMode.merge(e.getKey(), e.getValue().asLong(), Long::sum));
            }
        }
        return byMode;
    }

    void print(PrintStream out) {
        out.printf("%nllm-relay soak, %s: %,d requests (after %,d of warm-up), %d clients, seed %d, a fault switch every "
                + "%d ms (at most %d backend%s faulty), disconnect rate %.2f%n", finishedAt, o.requests, o.warmup,
                o.concurrency, o.seed, o.faultEveryMillis, o.maxFaulty, o.maxFaulty == 1 ? "" : "s", o.disconnectRate);
        out.printf("fleet: %s%n%n", String.join("; ", FleetLayout.describe()));
        row(out, "sent", soak.total(), "");
        for (Outcome outcome : Outcome.values()) {
            String note = outcome == Outcome.MALFORMED || outcome == Outcome.HUNG ? "must be 0" : "";
            row(out, outcome.label, soak.count(outcome), share(soak.count(outcome)) + note);
        }
        row(out, "failovers (X-Relay-Attempts > 1)", soak.failovers(), share(soak.failovers()));
        out.printf("%-46s %s%n", "leak reports (paranoid)", proxyLog.leaks + "  must be 0"
                + (paranoidConfirmed ? "" : " (paranoid level NOT confirmed)"));
        out.printf("%-46s %s%n", "held after the run (requests, streams, slots)",
                String.format("%.0f, %.0f, %.0f  must be 0", Math.max(0, gauges.path("inflight_requests_besides_the_scrape").asDouble()),
                        gauges.path("inflight_streams").asDouble(), gauges.path("backend_slots_held").asDouble()));
        row(out, "faults switched", switcher.switches(), "");
        out.printf("%-46s %s%n", "proxy RSS, start → end", mb(start.rssKb()) + " → " + mb(end.rssKb()));
        out.printf("%-46s %s%n", "proxy heap after GC, start → end", mb(start.heapKb()) + " → " + mb(end.heapKb()));
        out.printf("%-46s %.0f s, %.0f requests/s%n", "duration, rate", soakNanos / 1e9, rate());
        out.printf(Locale.ROOT, "%-46s proxy %.2f, backends %.2f, client %.2f%n", "CPU ms per request",
                perRequestMillis(cpuMicros[0]), perRequestMillis(cpuMicros[1]), perRequestMillis(cpuMicros[2]));
        out.println();
        out.printf("%-46s %s%n", "warm-up / leak probes", warm.total() + " / " + probes.total() + " sent; malformed "
                + (warm.count(Outcome.MALFORMED) + probes.count(Outcome.MALFORMED)) + ", hung "
                + (warm.count(Outcome.HUNG) + probes.count(Outcome.HUNG)) + ", completed "
                + (warm.count(Outcome.COMPLETED) + probes.count(Outcome.COMPLETED)));
        StringBuilder attempts = new StringBuilder();
        for (String outcome : ATTEMPT_OUTCOMES) {
            long n = metric("llm_relay_backend_attempts_total{outcome=\"" + outcome + "\"}");
            if (n > 0) {
                attempts.append(attempts.length() == 0 ? "" : ", ").append(outcome).append(' ').append(n);
            }
        }
        out.printf("%-46s %s%n", "backend attempts (proxy's /metrics)", attempts);
        out.printf("%-46s %s%n", "faults injected (backends' /__stats)", faultsInjected());
        out.printf("%-46s %d (leak reports in the backends' logs: %d)%n", "ERROR lines in the proxy's log",
                proxyLog.errors, backendLogs.stream().mapToLong(l -> l.leaks).sum());
        if (switcher.refused() > 0) {
            out.printf("%-46s %d, last: %s%n", "fault switches refused", switcher.refused(), switcher.lastRefusal());
        }
        examples(out, Outcome.MALFORMED);
        examples(out, Outcome.HUNG);
        for (String leak : proxyLog.leakExamples) {
            out.println("leak report: " + leak);
        }
        out.println(passed() ? "PASS" : "FAIL");
    }

    private void examples(PrintStream out, Outcome outcome) {
        for (Tally t : List.of(warm, soak, probes)) {
            for (ObjectNode e : t.examples(outcome)) {
                out.println(outcome.label + ": " + e);
            }
        }
    }

    private String share(long n) {
        return soak.total() == 0 ? "" : String.format(Locale.ROOT, "%5.1f %%  ", 100.0 * n / soak.total());
    }

    private static void row(PrintStream out, String label, long n, String note) {
        out.printf(Locale.ROOT, "%-46s %,10d  %s%n", label, n, note);
    }

    private static String mb(long kb) {
        return kb < 0 ? "?" : String.format(Locale.ROOT, "%.0f MB", kb / 1024.0);
    }

    ObjectNode json() {
        ObjectNode j = Json.NODES.objectNode();
        j.put("finished", finishedAt);
        j.put("passed", passed());
        ObjectNode settings = j.putObject("settings");
        settings.put("requests", o.requests);
        settings.put("warmup", o.warmup);
        settings.put("probe", o.probe);
        settings.put("concurrency", o.concurrency);
        settings.put("seed", o.seed);
        settings.put("disconnect_rate", o.disconnectRate);
        settings.put("fault_every_ms", o.faultEveryMillis);
        settings.put("faults", String.join(",", o.faults));
        settings.put("max_faulty", o.maxFaulty);
        settings.put("no_fault_share", o.noFaultShare);
        settings.put("oversize_bytes", o.oversizeBytes);
        settings.put("deadline_s", o.deadlineSeconds);
        settings.put("backend_timeout_ms", o.backendTimeoutMillis);
        settings.put("health_interval_ms", o.healthIntervalMillis);
        settings.put("token_delay_ms", o.tokenDelayMillis);
        settings.put("max_tokens", o.maxTokens);
        settings.put("proxy_java_opts", "-Dio.netty.leakDetection.level=paranoid " + o.proxyJavaOpts);
        ArrayNode fleet = settings.putArray("fleet");
        FleetLayout.describe().forEach(fleet::add);

        ObjectNode s = soak.json();
        s.put("duration_s", Math.round(soakNanos / 1e8) / 10.0);
        s.put("rate_per_s", Math.round(rate()));
        ObjectNode cpu = s.putObject("cpu_ms_per_request");
        cpu.put("proxy", Math.round(perRequestMillis(cpuMicros[0]) * 100) / 100.0);
        cpu.put("backends", Math.round(perRequestMillis(cpuMicros[1]) * 100) / 100.0);
        cpu.put("client", Math.round(perRequestMillis(cpuMicros[2]) * 100) / 100.0);
        j.set("soak", s);
        j.set("warmup", warm.json());
        j.set("leak_probes", probes.json());
        j.put("malformed_all_phases", malformed());
        j.put("hung_all_phases", hung());
        j.put("leaks", proxyLog.leaks);
        j.put("paranoid_confirmed", paranoidConfirmed);
        ArrayNode leakExamples = j.putArray("leak_reports");
        proxyLog.leakExamples.forEach(leakExamples::add);
        j.set("held_after_run", gauges);
        ObjectNode faults = j.putObject("faults");
        faults.put("switched", switcher.switches());
        ObjectNode byMode = faults.putObject("switched_to");
        switcher.switchesByMode().forEach(byMode::put);
        faults.put("switches_refused", switcher.refused());
        ObjectNode injected = faults.putObject("injected");
        faultsInjected().forEach(injected::put);
        ObjectNode mem = j.putObject("proxy_memory");
        mem.put("rss_start_kb", start.rssKb());
        mem.put("rss_end_kb", end.rssKb());
        mem.put("heap_after_gc_start_kb", start.heapKb());
        mem.put("heap_after_gc_end_kb", end.heapKb());
        mem.set("rss_samples", samples);
        ObjectNode proxy = j.putObject("proxy_metrics");
        ObjectNode att = proxy.putObject("backend_attempts");
        for (String outcome : ATTEMPT_OUTCOMES) {
            att.put(outcome, metric("llm_relay_backend_attempts_total{outcome=\"" + outcome + "\"}"));
        }
        ObjectNode errors = proxy.putObject("errors");
        for (String kind : ERROR_KINDS) {
            errors.put(kind, metric("llm_relay_errors_total{kind=\"" + kind + "\"}"));
        }
        proxy.put("client_disconnects", metric("llm_relay_client_disconnects_total"));
        ObjectNode log = j.putObject("proxy_log");
        log.put("lines", proxyLog.lines);
        log.put("error_lines", proxyLog.errors);
        ArrayNode errorExamples = log.putArray("error_examples");
        proxyLog.errorExamples.forEach(errorExamples::add);
        log.put("exit_status", proxyExit);
        j.put("backend_leak_reports", backendLogs.stream().mapToLong(l -> l.leaks).sum());
        ArrayNode stats = j.putArray("backend_stats");
        backendStats.forEach(stats::add);
        j.put("total_s", Math.round(totalNanos / 1e9));
        return j;
    }
}
