package io.llmrelay.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrelay.core.json.Json;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.function.ToDoubleFunction;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench report}: turns a results directory written by {@code proxy-bench/run.sh} into
 * {@code docs/BENCHMARKS.md}: medians over the repeated runs, overhead per percentile (llm-relay
 * minus direct at the same rate), ratios to direct and to nginx, and the targets met or missed.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Write the benchmark report (Markdown) from a results directory of run.sh.")
public final class ReportCommand implements Callable<Integer> {

    private static final String[] PCTS = {"p50", "p90", "p99", "p99.9", "max"};
    private static final String[] PCT_NAMES = {"p50", "p90", "p99", "p99.9", "max"};

    @Option(names = "--results", required = true, description = "Results directory written by run.sh.")
    Path dir;

    @Option(names = "--out", required = true, description = "Markdown file to write.")
    Path out;

    private Properties config;
    private final StringBuilder md = new StringBuilder();

    @Override
    public Integer call() throws Exception {
        config = new Properties();
        Path props = dir.resolve("meta/config.properties");
        if (Files.exists(props)) {
            try (Reader r = Files.newBufferedReader(props, StandardCharsets.UTF_8)) {
                config.load(r);
            }
        }
        write();
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, md.toString(), StandardCharsets.UTF_8);
        System.out.println("wrote " + out);
        return 0;
    }

    // ------------------------------------------------------------------ document

    private void write() throws IOException {
        boolean smoke = "smoke".equals(cfg("mode", "full"));
        int runs = Integer.parseInt(cfg("runs", "3"));
        line("# Benchmarks");
        line("");
        line("Written by `proxy-bench/run.sh`" + (smoke ? " in **`--smoke` mode** (tiny rates and durations: these "
                + "figures only show that the tools work, not how fast anything is)" : "") + ". Run started "
                + cfg("started", "?") + ", finished " + cfg("finished", "?") + ". Every figure is the **median of "
                + runs + " runs** unless a table says otherwise.");
        line("");
        line("> **Read these numbers as provisional.** " + cfg("machine_note",
                "They come from a 2-core machine that other work shared during the run.")
                + " Load average (1 min) at the start: " + cfg("loadavg_start", "?") + ", at the end: "
                + cfg("loadavg_end", "?") + "; CPU time stolen by the hypervisor over the whole run: "
                + cfg("steal_pct", "?") + " %. The reference figures are those of a rerun of `proxy-bench/run.sh` on a "
                + "quiet machine; run-to-run noise on this kind of box is about ±15 % even when it is quiet.");
        line("");
        targets();
        machine();
        method();
        passThrough();
        translatedChat();
        streaming();
        concurrency();
        maxRate();
        startup();
        jmh();
        profiles();
        reproduce();
    }

    private void targets() {
        double latRate = num(cfg("lat_rate", "0"));
        line("## Targets");
        line("");
        line("| Target | Goal | Measured | Verdict |");
        line("|---|---|---|---|");
        double nginxCpu = median(runs("v1", "nginx"), r -> r.path("proc").path("cpu_us_per_request").asDouble(Double.NaN));
        double relayCpu = median(runs("v1", "relay"), r -> r.path("proc").path("cpu_us_per_request").asDouble(Double.NaN));
        double chatCpu = median(runs("chat", "relay"), r -> r.path("proc").path("cpu_us_per_request").asDouble(Double.NaN));
        row("CPU per non-streamed `/v1` pass-through request", "≤ 1.2 × nginx",
                fmt(relayCpu) + " µs vs nginx " + fmt(nginxCpu) + " µs = " + ratio(relayCpu, nginxCpu),
                verdict(relayCpu / nginxCpu, 1.2, "×"));
        row("CPU per translated `/api/chat` request (non-streamed)", "≤ 1.5 × nginx (`/v1`)",
                fmt(chatCpu) + " µs vs nginx " + fmt(nginxCpu) + " µs = " + ratio(chatCpu, nginxCpu),
                verdict(chatCpu / nginxCpu, 1.5, "×"));
        String rateNote = latRate >= 5000 ? "" : " (at " + fmt0(latRate) + "/s, not 5,000/s: " + cfg("lat_rate_reason", "?") + ")";
        double a50 = added("v1", "relay", "total", "p50");
        double a99 = added("v1", "relay", "total", "p99");
        row("Added latency, `/v1` pass-through, p50" + rateNote, "≤ 100 µs at 5,000 req/s", fmt(a50) + " µs",
                verdict(a50, 100, " µs"));
        row("Added latency, `/v1` pass-through, p99" + rateNote, "≤ 500 µs at 5,000 req/s", fmt(a99) + " µs",
                verdict(a99, 500, " µs"));
        double c50 = added("chat", "relay", "total", "p50");
        double c99 = added("chat", "relay", "total", "p99");
        row("Added latency, translated `/api/chat`, p50 / p99" + rateNote, "(same goals, for reference)",
                fmt(c50) + " / " + fmt(c99) + " µs", verdict(c50, 100, " µs") + " / " + verdict(c99, 500, " µs"));
        double perEvent = worstJmh("AnswerTranslationBenchmark.translate", "true");
        row("Translating one streamed event (JMH, worst chunk split)", "≤ 1 µs", fmt(perEvent) + " ns",
                verdict(perEvent, 1000, " ns"));
        double g50 = added("stream", "relay", "gap", "p50");
        double g99 = added("stream", "relay", "gap", "p99");
        row("Added inter-chunk delay (streamed `/api/chat`), p50 / p99", "not measurable (≤ 100 µs p50, ≤ 1 ms p99)",
                fmt(g50) + " / " + fmt(g99) + " µs",
                Double.isNaN(g50) ? "not run" : (g50 <= 100 && g99 <= 1000 ? "met" : "**missed**"));
        double[] v1 = agreement("v1");
        double[] chat = agreement("chat");
        row("Overhead histogram (mean) agrees with the bench's measurement (event-loop CPU per request), `/v1` / `/api/chat`",
                "within 10 %", ratio(v1[0], 1) + " / " + ratio(chat[0], 1), within(v1[0]) + " / " + within(chat[0]));
        row("Overhead header (mean) agrees with the bench's measurement (event-loop CPU per request), `/v1` / `/api/chat`",
                "within 10 %", ratio(v1[1], 1) + " / " + ratio(chat[1], 1), within(v1[1]) + " / " + within(chat[1]));
        double[] rss = rssFor10k();
        row("RSS with 10,000 concurrent streams", "≤ 512 MB",
                Double.isNaN(rss[0]) ? "not run" : fmt0(rss[0] / 1024) + " MB" + (rss[1] < 10_000
                        ? " (extrapolated from " + fmt0(rss[1]) + " streams, " + fmt0(rss[2] / 1024) + " MB measured)" : ""),
                Double.isNaN(rss[0]) ? "not run" : verdict(rss[0] / 1024, 512, " MB"));
        line("");
        line("Added latency is llm-relay minus direct (load generator → mock) at the same rate and percentile; a "
                + "negative value is noise. CPU is the proxy process's `utime+stime` over the measured window divided "
                + "by the requests sent in it. The findings at the end say, for each miss, what the profiles show and which "
                + "misses this machine cannot judge.");
        line("");
    }

    private void machine() throws IOException {
        line("## Machine and versions");
        line("");
        line("```");
        for (String f : new String[] {"lscpu.txt", "memory.txt", "versions.txt", "limits.txt"}) {
            Path p = dir.resolve("meta").resolve(f);
            if (Files.exists(p)) {
                line(Files.readString(p).strip());
            }
        }
        line("```");
        line("");
        line("Process placement: " + cfg("placement", "?"));
        line("");
        line("Proxy JVM: `java " + cfg("relay_java_opts", "") + " -jar proxy-server/target/llm-relay.jar serve --port P "
                + "--backend http://127.0.0.1:M/v1 --log-level WARN` (one event loop: it sees one CPU); for the "
                + "concurrency scenarios `java " + cfg("container_java_opts", "") + " -jar ...` (section 4).");
        line("");
    }

    private void method() {
        line("## Method");
        line("");
        line("- **Open loop.** `bench load` (a Netty client in `proxy-bench`) sends at a constant rate: request *i* is due "
                + "at *t0 + i/rate*, goes out on an idle keep-alive connection or on a new one when all are busy, and "
                + "never waits for a response before the next send. Latency is measured from each request's *intended* "
                + "send time into HdrHistogram `Recorder`s (time to headers, to the first body byte, to the end; the gap "
                + "between body chunks of streams), so a stall anywhere, the generator's included, is counted instead of "
                + "being omitted (no coordinated omission).");
        line("- **Same rate, three paths.** Each scenario runs generator → mock (direct), generator → llm-relay → mock, "
                + "and, for pass-through, generator → nginx → mock; overhead is the difference per percentile. The mock "
                + "(`bench mock`, Netty, precomputed answers, pauses scheduled on its event loop) is the same process for "
                + "all three.");
        line("- **Runs.** " + cfg("warmup_note", "?") + " Each measured run has its own warm-up at its rate; scenarios are "
                + "run " + cfg("runs", "3") + " times, the three paths interleaved, and the median of each figure is "
                + "reported.");
        line("- **CPU.** `utime+stime` of the proxy (nginx: master and worker) from `/proc/<pid>/stat` over the measured "
                + "window, divided by the requests sent (or the stream lines received) in it.");
        line("- **Memory.** `VmRSS` from `/proc/<pid>/status` at the moment the most streams are open, and the heap from "
                + "`jcmd GC.heap_info` (used, then live after a forced full GC).");
        line("- **nginx** " + cfg("nginx_version", "") + ": one worker, `proxy_http_version 1.1`, upstream keepalive, "
                + "`proxy_buffering off`, `access_log off` (config written by `run.sh`).");
        line("- **Inter-chunk gap** of a stream is the time between two non-empty body reads on the client; with "
                + "the streaming profile's " + cfg("stream_delay_ms", "?") + " ms pause the direct gap is the pause "
                + "plus timer slack, and any delay the proxy adds appears as the difference.");
        line("");
    }

    private void passThrough() {
        line("## 1. Non-streamed pass-through: `POST /v1/chat/completions`");
        line("");
        line(rateLine("v1") + " Body: `" + cfg("v1_body", "?") + "`; the mock answers at once (zero-latency profile).");
        line("");
        latencyTable("v1", "total", true);
        cpuTable(new String[][] {{"v1", "nginx", "nginx, `/v1` pass-through"}, {"v1", "relay", "llm-relay, `/v1` pass-through"}},
                "v1", "nginx");
        errorsLine("v1");
        overheadHeader("v1");
    }

    private void translatedChat() {
        line("## 2. Translated `POST /api/chat`, non-streamed");
        line("");
        line(rateLine("chat") + " Body: `" + cfg("chat_body", "?") + "`. llm-relay always streams upstream (to "
                + "measure time to first token) and merges the stream, so **direct** here is the request llm-relay "
                + "itself sends: the mock's SSE answer to `stream:true` with `include_usage`, timed to its end.");
        line("");
        latencyTable("chat", "total", false);
        cpuTable(new String[][] {{"v1", "nginx", "nginx, `/v1` pass-through"}, {"chat", "relay", "llm-relay, translated `/api/chat`"}},
                "v1", "nginx");
        errorsLine("chat");
        overheadHeader("chat");
    }

    private void streaming() {
        line("## 3. Translated `POST /api/chat`, streamed");
        line("");
        line(rateLine("stream") + " Mock profile `" + cfg("stream_model", "?") + "` (time to first token, token events, "
                + "pause between them, bytes per event); direct is the mock's SSE stream for the same request.");
        line("");
        line("Time to first token (the first body chunk carrying a non-empty `content`; the mock sends its "
                + "role-only first event at once, which the translation does not forward):");
        line("");
        latencyTable("stream", "first_token", false);
        line("Inter-chunk gap:");
        line("");
        latencyTable("stream", "gap", false);
        line("Whole stream:");
        line("");
        latencyTable("stream", "total", false);
        double evD = median(runs("stream", "direct"), r -> r.path("events_per_s").asDouble(Double.NaN));
        double evR = median(runs("stream", "relay"), r -> r.path("events_per_s").asDouble(Double.NaN));
        double cpuEv = median(runs("stream", "relay"), r -> r.path("proc").path("cpu_us_per_event").asDouble(Double.NaN));
        line("| | direct (SSE lines) | llm-relay (NDJSON lines) |");
        line("|---|---:|---:|");
        line("| chunks received per second | " + fmt0(evD) + " | " + fmt0(evR) + " |");
        line("| proxy CPU per forwarded chunk | | " + fmt(cpuEv) + " µs |");
        line("");
        errorsLine("stream");
        streamPassThrough();
    }

    private void streamPassThrough() {
        if (runs("v1stream", "relay").isEmpty()) {
            return;
        }
        line("## 3b. Streamed pass-through: `POST /v1/chat/completions` with `stream:true`");
        line("");
        line(rateLine("v1stream") + " The same mock profile, SSE forwarded as bytes; nginx is the floor for the "
                + "cost of forwarding one chunk.");
        line("");
        line("Time to first token:");
        line("");
        latencyTable("v1stream", "first_token", true);
        line("Inter-chunk gap:");
        line("");
        latencyTable("v1stream", "gap", true);
        line("| Proxy CPU per forwarded chunk | µs | ratio to nginx |");
        line("|---|---:|---:|");
        double ng = median(runs("v1stream", "nginx"), r -> r.path("proc").path("cpu_us_per_event").asDouble(Double.NaN));
        double rl = median(runs("v1stream", "relay"), r -> r.path("proc").path("cpu_us_per_event").asDouble(Double.NaN));
        double tr = median(runs("stream", "relay"), r -> r.path("proc").path("cpu_us_per_event").asDouble(Double.NaN));
        line("| nginx, SSE pass-through | " + fmt(ng) + " | 1.00× |");
        line("| llm-relay, SSE pass-through | " + fmt(rl) + " | " + ratio(rl, ng) + " |");
        line("| llm-relay, translated to NDJSON (section 3) | " + fmt(tr) + " | " + ratio(tr, ng) + " |");
        line("");
        line("CPU per chunk here is the proxy's whole CPU over the window (request handling, connection and "
                + "timer work included) divided by the stream lines the client received.");
        line("");
        errorsLine("v1stream");
    }

    private void concurrency() {
        line("## 4. Many concurrent slow streams (translated `/api/chat`, streamed)");
        line("");
        line("These runs use a **fresh proxy started as the Docker image runs in a 512 MB container**: `java "
                + cfg("container_java_opts", "?") + "` (`MaxRAM` stands in for the container's memory limit; the "
                + "JVM picks its collector and heap from it). ");
        line("");
        line("Streams are opened at a constant rate until the target count is open at once (profile `"
                + cfg("c1k_model", "?") + "` / `" + cfg("c10k_model", "?") + "`: each stream outlives the sending "
                + "window). Memory is read when the last stream has been opened. " + cfg("c10k_note", ""));
        line("");
        line("| | ~1,000 streams | ~10,000 streams |");
        line("|---|---:|---:|");
        String[] s = {"c1k", "c10k"};
        cRow("streams requested (rate × window)", s, "relay", r -> r.path("measured_requests").asDouble() + r.path("rate").asDouble() * r.path("warmup_s").asDouble(), false);
        cRow("connections open at once, llm-relay run (max)", s, "relay", r -> r.path("max_open_connections").asDouble(), false);
        cRow("errors + timeouts, llm-relay run", s, "relay", r -> r.path("errors").asDouble(), false);
        cRow("errors + timeouts, direct run", s, "direct", r -> r.path("errors").asDouble(), false);
        cRow("proxy VmRSS before (MB)", s, "relay", r -> r.path("proc").path("rss_before_kb").asDouble(Double.NaN) / 1024, true);
        cRow("proxy VmRSS with all streams open (MB)", s, "relay", r -> r.path("proc").path("rss_at_peak_kb").asDouble(Double.NaN) / 1024, true);
        cRow("proxy heap used (MB)", s, "relay", r -> r.path("proc").path("heap_used_kb").asDouble(Double.NaN) / 1024, true);
        cRow("proxy heap live after full GC (MB)", s, "relay", r -> r.path("proc").path("heap_live_kb").asDouble(Double.NaN) / 1024, true);
        cRow("live heap per open stream (kB)", s, "relay", r -> r.path("proc").path("heap_live_kb").asDouble(Double.NaN)
                / Math.max(1, r.path("max_open_connections").asDouble()), true);
        cRow("RSS growth per open stream (kB)", s, "relay", r -> (r.path("proc").path("rss_at_peak_kb").asDouble(Double.NaN)
                - r.path("proc").path("rss_before_kb").asDouble(Double.NaN)) / Math.max(1, r.path("max_open_connections").asDouble()), true);
        cRow("proxy CPU per stream line (µs)", s, "relay", r -> r.path("proc").path("cpu_us_per_event").asDouble(Double.NaN), true);
        line("| time to first token p50 added (µs) | " + fmt(added("c1k", "relay", "first_token", "p50")) + " | "
                + fmt(added("c10k", "relay", "first_token", "p50")) + " |");
        line("| time to first token p99 added (µs) | " + fmt(added("c1k", "relay", "first_token", "p99")) + " | "
                + fmt(added("c10k", "relay", "first_token", "p99")) + " |");
        line("| inter-chunk gap p50 added (µs) | " + fmt(added("c1k", "relay", "gap", "p50")) + " | "
                + fmt(added("c10k", "relay", "gap", "p50")) + " |");
        line("| inter-chunk gap p99 added (µs) | " + fmt(added("c1k", "relay", "gap", "p99")) + " | "
                + fmt(added("c10k", "relay", "gap", "p99")) + " |");
        line("");
    }

    private void cRow(String name, String[] scenarios, String target, ToDoubleFunction<JsonNode> f, boolean decimals) {
        StringBuilder b = new StringBuilder("| " + name + " |");
        for (String sc : scenarios) {
            double v = median(runs(sc, target), f);
            b.append(' ').append(decimals ? fmt(v) : fmt0(v)).append(" |");
        }
        line(b.toString());
    }

    private void maxRate() {
        line("## 5. Highest sustainable rate (non-streamed)");
        line("");
        line("Rates tried in turn (" + cfg("sweep_rates", "?") + " req/s, " + cfg("sweep_warmup", "?") + " s warm-up and "
                + cfg("sweep_duration", "?") + " s measured each, the first step after a longer ramp that also warms the "
                + "generator). *Before p99 degrades*: the highest rate before the first whose p99 exceeds "
                + cfg("sweep_limit_us", "?") + " µs. *Still carried*: the highest rate before requests fail, get lost, or "
                + "queue (p50 over " + cfg("sweep_p50_limit_us", "?") + " µs), where the sweep stops. A 0 means even the "
                + "first rate missed. The generator and the mock share one core, so the direct rows are the ceiling of "
                + "the measuring setup itself. On a VM whose vCPUs are taken away now and then (see the steal figures), "
                + "p99 over a few seconds is decided by those pauses more than by the rate.");
        line("");
        line("| Path | before p99 degrades (median) | per run | first run: p99 degraded at | rate still carried (median) | first run: stopped at |");
        line("|---|---:|---|---|---:|---|");
        String[][] rows = {{"maxrate", "direct", "direct to mock, `/v1/chat/completions`"},
            {"maxrate", "nginx", "nginx, `/v1` pass-through"}, {"maxrate", "relay", "llm-relay, `/v1` pass-through"},
            {"maxratechat", "direct", "direct to mock, SSE (as llm-relay asks)"},
            {"maxratechat", "relay", "llm-relay, translated `/api/chat`"}};
        for (String[] r : rows) {
            List<JsonNode> rs = runs(r[0], r[1]);
            if (rs.isEmpty()) {
                continue;
            }
            double m = median(rs, n -> n.path("max_sustained_rate").asDouble(Double.NaN));
            StringBuilder per = new StringBuilder();
            for (JsonNode n : rs) {
                per.append(per.length() == 0 ? "" : ", ").append(fmt0(n.path("max_sustained_rate").asDouble()));
            }
            double carried = median(rs, n -> n.path("max_carried_rate").asDouble(Double.NaN));
            line("| " + r[2] + " | " + fmt0(m) + "/s | " + per + " | " + rs.get(0).path("stop_reason").asText() + " | "
                    + fmt0(carried) + "/s | " + rs.get(0).path("carried_stop_reason").asText() + " |");
        }
        line("");
    }

    private void startup() throws IOException {
        line("## 6. Start-up");
        line("");
        Path p = dir.resolve("startup.json");
        if (!Files.exists(p)) {
            line("Not run.");
            line("");
            return;
        }
        JsonNode s = Json.MAPPER.readTree(p.toFile());
        StringBuilder runsMs = new StringBuilder();
        s.path("runs_ms").forEach(n -> runsMs.append(runsMs.length() == 0 ? "" : ", ").append(fmt0(n.asDouble())));
        line("From starting `java -jar llm-relay.jar serve ...` (pinned like the benchmarks) to the first `200` on `GET /`: "
                + "**median " + fmt0(s.path("median_ms").asDouble()) + " ms** (runs: " + runsMs + " ms).");
        line("");
    }

    private void jmh() throws IOException {
        line("## 7. Microbenchmarks (JMH)");
        line("");
        Path p = dir.resolve("jmh.json");
        if (!Files.exists(p)) {
            line("Not run.");
            line("");
            return;
        }
        line("`java -jar proxy-bench/target/benchmarks.jar " + cfg("jmh_args", "") + "` (one fork, one thread, "
                + "`-Dio.netty.leakDetection.level=disabled`). Scores are per operation: per SSE event for the framer, "
                + "per **token event** for the answer translation (a whole 64-token response with a fresh translator per "
                + "invocation, so the per-response final chunk is included), per request for the request translation. "
                + "`B/op` is `gc.alloc.rate.norm` from `-prof gc`.");
        line("");
        line("| Benchmark | Parameters | ns/op | ± (99.9 %) | B/op |");
        line("|---|---|---:|---:|---:|");
        for (JsonNode b : Json.MAPPER.readTree(p.toFile())) {
            String name = b.path("benchmark").asText();
            name = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1);
            StringBuilder params = new StringBuilder();
            b.path("params").properties().forEach(e -> params.append(params.length() == 0 ? "" : ", ")
                    .append(e.getKey()).append('=').append(e.getValue().asText()));
            JsonNode pm = b.path("primaryMetric");
            double alloc = b.path("secondaryMetrics").path("gc.alloc.rate.norm").path("score").asDouble(Double.NaN);
            line("| `" + name + "` | " + params + " | " + fmt(pm.path("score").asDouble()) + " | "
                    + fmt(pm.path("scoreError").asDouble(Double.NaN)) + " | " + fmt0(alloc) + " |");
        }
        line("");
    }

    private void profiles() throws IOException {
        line("## 8. Where the proxy's time goes (JFR)");
        line("");
        boolean any = false;
        for (String[] f : new String[][] {{"profile-v1.md", "`/v1` pass-through, non-streamed"},
            {"profile-chat.md", "translated `/api/chat`, non-streamed"}, {"profile-stream.md", "translated `/api/chat`, streamed"}}) {
            Path p = dir.resolve(f[0]);
            if (Files.exists(p)) {
                any = true;
                line("### " + f[1]);
                line("");
                line(Files.readString(p).strip());
                line("");
            }
        }
        if (!any) {
            line("Not recorded in this run.");
            line("");
        } else {
            line("Recorded in separate 15 s runs at the scenarios' rates (`jcmd <pid> JFR.start` with JFR's `profile` "
                    + "settings and Java frames sampled every 1 ms), so these runs are not part of the figures above. "
                    + "Only the event loop's samples in Java code count: time in the kernel (`epoll_wait`, `read`, "
                    + "`write`) is not sampled, so the shares are of the proxy's Java work, not of all its CPU.");
            line("");
        }
        Path notes = dir.resolve("meta/findings.md");
        if (Files.exists(notes)) {
            line(Files.readString(notes).strip());
            line("");
        }
    }

    private void reproduce() {
        line("## Reproducing");
        line("");
        line("```bash");
        line("proxy-bench/run.sh            # full run (builds, ~" + cfg("full_minutes", "25") + " min), rewrites docs/BENCHMARKS.md");
        line("proxy-bench/run.sh --smoke    # about 30 s: proves the jars and tools work, asserts nothing about speed");
        line("java -jar proxy-bench/target/benchmarks.jar -prof gc        # all JMH benchmarks");
        line("java -cp proxy-bench/target/benchmarks.jar io.llmrelay.bench.Bench mock --help");
        line("java -cp proxy-bench/target/benchmarks.jar io.llmrelay.bench.Bench load --help");
        line("```");
        line("");
        line("Raw results (one JSON file per run, HdrHistogram interval logs, the nginx config, logs) are left in `"
                + cfg("results_dir", "?") + "`.");
    }

    // ------------------------------------------------------------------ tables

    private String rateLine(String scenario) {
        List<JsonNode> rs = runs(scenario, "relay");
        if (rs.isEmpty()) {
            return "Not run.";
        }
        JsonNode r = rs.get(0);
        return "Rate **" + fmt0(r.path("rate").asDouble()) + " req/s**, " + fmt0(r.path("duration_s").asDouble())
                + " s measured after " + fmt0(r.path("warmup_s").asDouble()) + " s warm-up, " + rs.size() + " runs.";
    }

    private void latencyTable(String scenario, String metric, boolean withNginx) {
        List<JsonNode> direct = runs(scenario, "direct");
        List<JsonNode> relay = runs(scenario, "relay");
        List<JsonNode> nginx = withNginx ? runs(scenario, "nginx") : List.of();
        if (relay.isEmpty()) {
            line("Not run.");
            line("");
            return;
        }
        boolean n = !nginx.isEmpty();
        line("| µs | direct | " + (n ? "nginx | " : "") + "llm-relay | " + (n ? "added by nginx | " : "")
                + "added by llm-relay | llm-relay / direct" + (n ? " | llm-relay / nginx | added: llm-relay / nginx" : "") + " |");
        line("|---|---:|" + (n ? "---:|" : "") + "---:|" + (n ? "---:|" : "") + "---:|---:|" + (n ? "---:|---:|" : ""));
        for (int i = 0; i < PCTS.length; i++) {
            String pc = PCTS[i];
            double d = pct(direct, metric, pc);
            double r = pct(relay, metric, pc);
            double x = pct(nginx, metric, pc);
            StringBuilder b = new StringBuilder("| " + PCT_NAMES[i] + " | " + fmt(d) + " | ");
            if (n) {
                b.append(fmt(x)).append(" | ");
            }
            b.append(fmt(r)).append(" | ");
            if (n) {
                b.append(fmt(x - d)).append(" | ");
            }
            b.append(fmt(r - d)).append(" | ").append(ratio(r, d));
            if (n) {
                b.append(" | ").append(ratio(r, x)).append(" | ").append(ratio(r - d, x - d));
            }
            line(b.append(" |").toString());
        }
        line("");
    }

    private void cpuTable(String[][] rows, String baseScenario, String baseTarget) {
        double base = median(runs(baseScenario, baseTarget), r -> r.path("proc").path("cpu_us_per_request").asDouble(Double.NaN));
        line("| Proxy CPU | µs per request | share of its core | ratio to nginx `/v1` |");
        line("|---|---:|---:|---:|");
        for (String[] row : rows) {
            List<JsonNode> rs = runs(row[0], row[1]);
            if (rs.isEmpty()) {
                continue;
            }
            double cpu = median(rs, r -> r.path("proc").path("cpu_us_per_request").asDouble(Double.NaN));
            double share = median(rs, r -> r.path("proc").path("cpu_share").asDouble(Double.NaN));
            line("| " + row[2] + " | " + fmt(cpu) + " | " + fmt0(share * 100) + " % | " + ratio(cpu, base) + " |");
        }
        line("");
    }

    private void machineLine(String scenario) {
        List<JsonNode> all = new ArrayList<>();
        for (String t : new String[] {"direct", "nginx", "relay"}) {
            all.addAll(runs(scenario, t));
        }
        double steal = median(all, r -> r.path("machine_steal_pct").asDouble(Double.NaN));
        double busy = median(all, r -> r.path("machine_busy_pct").asDouble(Double.NaN));
        if (!Double.isNaN(steal)) {
            line("Machine during these runs (median over them): " + fmt0(busy) + " % of both CPUs busy, " + fmt(steal)
                    + " % stolen by the hypervisor.");
            line("");
        }
    }

    private void errorsLine(String scenario) {
        machineLine(scenario);
        StringBuilder b = new StringBuilder("Failed requests (errors + timeouts, summed over runs): ");
        for (String t : new String[] {"direct", "nginx", "relay"}) {
            List<JsonNode> rs = runs(scenario, t);
            if (!rs.isEmpty()) {
                long e = 0;
                long conns = 0;
                for (JsonNode r : rs) {
                    e += r.path("errors").asLong();
                    conns = Math.max(conns, r.path("connections_opened").asLong());
                }
                b.append(t).append(' ').append(e).append(" (connections opened by the generator, max of runs: ")
                        .append(conns).append("); ");
            }
        }
        line(b.toString().replaceAll("; $", "."));
        line("");
    }

    /**
     * The proxy's own account of its time next to the bench's: the header as read on every
     * response, the histogram's change over the window, and the event loop's CPU per request.
     */
    private void overheadHeader(String scenario) {
        List<JsonNode> rs = runs(scenario, "relay");
        if (rs.isEmpty() || rs.get(0).path("latency_us").path("overhead_hdr").isMissingNode()) {
            return;
        }
        line("The proxy's own account of its time against the bench's measurements (µs per request, medians of the runs):");
        line("");
        line("| | mean | p50 | p99 |");
        line("|---|---:|---:|---:|");
        line("| `X-Relay-Overhead-Us`, read by the generator on every response | "
                + medianCells(rs, r -> r.path("latency_us").path("overhead_hdr"), "mean", "p50", "p99") + " |");
        if (rs.get(0).path("overhead_metrics").path("count").asLong() > 0) {
            line("| `llm_relay_proxy_overhead_seconds` on `/metrics`, change over the window | "
                    + medianCells(rs, r -> r.path("overhead_metrics"), "mean_us", "p50_us", "p99_us") + " |");
        }
        double loopCpu = median(rs, r -> r.path("proc").path("threads_cpu_us_per_request").asDouble(Double.NaN));
        if (loopCpu > 0) {
            line("| bench: CPU of the event-loop thread per request (`/proc/<pid>/task/<tid>/schedstat`) | " + fmt(loopCpu)
                    + " | | |");
        }
        line("| bench: added latency, llm-relay − direct | | " + fmt(added(scenario, "relay", "total", "p50")) + " | "
                + fmt(added(scenario, "relay", "total", "p99")) + " |");
        line("");
        double[] a = agreement(scenario);
        if (!Double.isNaN(a[0])) {
            line("Histogram mean / event-loop CPU: " + ratio(a[0], 1) + "; header mean / event-loop CPU: " + ratio(a[1], 1)
                    + ". See docs/METRICS.md for what each of them includes.");
            line("");
        }
    }

    /** Table cells: the median over the runs of each of {@code fields} of the object {@code at} picks. */
    private static String medianCells(List<JsonNode> rs, UnaryOperator<JsonNode> at,
            String... fields) {
        List<String> cells = new ArrayList<>();
        for (String field : fields) {
            cells.add(fmt(median(rs, r -> at.apply(r).path(field).asDouble(Double.NaN))));
        }
        return String.join(" | ", cells);
    }

    private static String within(double ratio) {
        if (Double.isNaN(ratio)) {
            return "not run";
        }
        double off = Math.abs(ratio - 1) * 100;
        return off <= 10 ? "met" : "**missed** by " + fmt0(off - 10) + " points";
    }

    /** {histogram mean, header mean} / event-loop CPU per request, medians of the runs. */
    private double[] agreement(String scenario) {
        List<JsonNode> rs = runs(scenario, "relay");
        double hist = median(rs, r -> r.path("overhead_metrics").path("mean_us").asDouble(Double.NaN));
        double cpu = median(rs, r -> r.path("proc").path("threads_cpu_us_per_request").asDouble(Double.NaN));
        double hdr = median(rs, r -> r.path("latency_us").path("overhead_hdr").path("mean").asDouble(Double.NaN));
        boolean measured = hist > 0 && cpu > 0 && hdr > 0; // zero: no request finished inside a (smoke) window
        return measured ? new double[] {hist / cpu, hdr / cpu} : new double[] {Double.NaN, Double.NaN};
    }

    // ------------------------------------------------------------------ data

    private List<JsonNode> runs(String scenario, String target) {
        List<JsonNode> out = new ArrayList<>();
        String prefix = scenario + "." + target + ".r";
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> ps = files.filter(p -> p.getFileName().toString().startsWith(prefix)
                    && p.getFileName().toString().endsWith(".json")).sorted().toList();
            for (Path p : ps) {
                out.add(Json.MAPPER.readTree(p.toFile()));
            }
        } catch (IOException e) {
            return out;
        }
        return out;
    }

    private double pct(List<JsonNode> rs, String metric, String p) {
        return median(rs, r -> r.path("latency_us").path(metric).path(p).asDouble(Double.NaN));
    }

    private double added(String scenario, String target, String metric, String p) {
        return pct(runs(scenario, target), metric, p) - pct(runs(scenario, "direct"), metric, p);
    }

    private double worstJmh(String benchmark, String stream) {
        Path p = dir.resolve("jmh.json");
        if (!Files.exists(p)) {
            return Double.NaN;
        }
        double worst = Double.NaN;
        try {
            for (JsonNode b : Json.MAPPER.readTree(p.toFile())) {
                if (b.path("benchmark").asText().endsWith(benchmark)
                        && stream.equals(b.path("params").path("stream").asText())) {
                    double s = b.path("primaryMetric").path("score").asDouble();
                    worst = Double.isNaN(worst) ? s : Math.max(worst, s);
                }
            }
        } catch (IOException e) {
            return Double.NaN;
        }
        return worst;
    }

    /** {RSS in kB for 10,000 streams (extrapolated when fewer ran), streams reached, RSS measured}. */
    private double[] rssFor10k() {
        List<JsonNode> rs = runs("c10k", "relay");
        if (rs.isEmpty()) {
            return new double[] {Double.NaN, 0, Double.NaN};
        }
        double peak = median(rs, r -> r.path("proc").path("rss_at_peak_kb").asDouble(Double.NaN));
        double before = median(rs, r -> r.path("proc").path("rss_before_kb").asDouble(Double.NaN));
        double streams = median(rs, r -> r.path("max_open_connections").asDouble());
        double at10k = streams >= 10_000 ? peak : before + (peak - before) * 10_000 / Math.max(1, streams);
        return new double[] {at10k, streams, peak};
    }

    static double median(List<JsonNode> rs, ToDoubleFunction<JsonNode> f) {
        double[] v = rs.stream().mapToDouble(f).filter(d -> !Double.isNaN(d)).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    // ------------------------------------------------------------------ formatting

    private String cfg(String key, String def) {
        return config.getProperty(key, def);
    }

    private void line(String s) {
        md.append(s).append('\n');
    }

    private void row(String target, String goal, String measured, String verdict) {
        line("| " + target + " | " + goal + " | " + measured + " | " + verdict + " |");
    }

    private static String verdict(double value, double limit, String unit) {
        if (Double.isNaN(value)) {
            return "not run";
        }
        if (value <= limit) {
            return "met";
        }
        return "**missed** by " + fmt(value - limit) + unit;
    }

    static String fmt(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return "–";
        }
        double a = Math.abs(v);
        if (a >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (a >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }

    static String fmt0(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%,.0f", v);
    }

    static String ratio(double a, double b) {
        if (Double.isNaN(a) || Double.isNaN(b) || b == 0) {
            return "–";
        }
        return String.format(Locale.ROOT, "%.2f×", a / b);
    }

    static double num(String s) {
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
