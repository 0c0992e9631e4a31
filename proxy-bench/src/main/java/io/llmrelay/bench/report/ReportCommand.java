package io.llmrelay.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrelay.core.json.Json;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.ToDoubleFunction;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench report}: turns a results directory written by {@code proxy-bench/run.sh} into
 * {@code docs/BENCHMARKS.md}: first a verdict for every target (llm-relay in its default
 * configuration, logging off next to it, the nginx or direct baseline, the ratio, met or missed by
 * how much), then the saturation (closed-loop) scenarios, the cost of logging, one against two event
 * loops, Java 17 against 25, and the fixed-rate sections: medians over the repeated runs, overhead
 * per percentile (llm-relay minus direct at the same rate), ratios to direct and to nginx.
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
        earlierTargets();
        machine();
        method();
        saturation();
        logging();
        access();
        eventLoops();
        javaVersions();
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

    // ------------------------------------------------------------------ the issue's targets

    /** Target labels of llm-relay in the results: the default configuration first, then logging off. */
    private static final String RELAY = "relay";
    private static final String QUIET = "relay-quiet";
    private static final String J25 = "relay-j25";
    private static final String EL2 = "relay-el2";
    private static final String DOCKER = "relay-docker";
    private static final String FLEET = "relay-fleet";
    /** The bench's minimal Netty HTTP proxy ({@code Bench floor}): what the design costs before llm-relay's own work. */
    private static final String FLOOR = "floor";
    private static final String ACCESS = "relay-access";
    private static final String ACCESS_REDIS = "relay-access-redis";
    /** keys and local limits may cost at most this much CPU per request over none */
    private static final double ACCESS_LIMIT = 1.05;

    private double cpuReq(String scenario, String target) {
        return median(runs(scenario, target), r -> r.path("proc").path("cpu_us_per_request").asDouble(Double.NaN));
    }

    private double cpuEvent(String scenario, String target) {
        return median(runs(scenario, target), r -> r.path("proc").path("cpu_us_per_answer_event").asDouble(Double.NaN));
    }

    private double cpu(String scenario, String target, boolean perEvent) {
        return perEvent ? cpuEvent(scenario, target) : cpuReq(scenario, target);
    }

    /**
     * {@code target}'s CPU per request over {@code base}'s, taken run by run (run N of each, both from the
     * same round of the scenario, about a minute apart at most) and the median of those ratios: a machine whose
     * speed drifts between rounds moves both sides of each ratio, where it moves a ratio of medians.
     */
    double paired(String scenario, String target, String base) {
        Map<String, Double> baseRuns = cpuByRun(scenario, base);
        List<Double> ratios = new ArrayList<>();
        cpuByRun(scenario, target).forEach((run, cpu) -> {
            Double b = baseRuns.get(run);
            if (b != null && b > 0) {
                ratios.add(cpu / b);
            }
        });
        return medianOf(ratios);
    }

    /** CPU per request of each measured run of {@code target}, by its run file's number ({@code r1}, {@code r2}...). */
    private Map<String, Double> cpuByRun(String scenario, String target) {
        Map<String, Double> out = new TreeMap<>();
        int prefix = (scenario + "." + target + ".r").length();
        try {
            for (Path p : runFiles(scenario, target)) {
                String name = p.getFileName().toString();
                double cpu = Json.mapper().readTree(p.toFile()).path("proc").path("cpu_us_per_request").asDouble(Double.NaN);
                if (!Double.isNaN(cpu)) {
                    out.put(name.substring(prefix, name.length() - ".json".length()), cpu);
                }
            }
        } catch (IOException e) {
            return out;
        }
        return out;
    }

    private double carried(String scenario, String target) {
        return median(runs(scenario, target), r -> r.path("carried_rate").asDouble(Double.NaN));
    }

    private void targets() {
        line("## Targets");
        line("");
        line("llm-relay as users run it (the **default configuration**: INFO, one JSON access-log line per request on "
                + "stdout) first; *log off* is the same proxy started with `--log-level WARN`. Saturation figures come "
                + "from the closed-loop scenarios of section 1 (" + cfg("sat_connections", "32") + " connections, "
                + "every path in the same run); ratios are to nginx passing the same answer through, each the median of "
                + "the runs' own ratios (run N of llm-relay against run N of nginx, from the same round).");
        line("");
        line("| Target | Goal | llm-relay, defaults | log off | baseline | ratio, defaults (log off) | Verdict |");
        line("|---|---|---|---|---|---|---|");
        // CPU at saturation against nginx
        satRatioRow("Pass-through `/v1/chat/completions` (`stream:false`), CPU per request at saturation", "sat-v1", 1.3);
        satRatioRow("Translated `/api/chat` `stream:false`, 10-event answer merged, CPU per request at saturation",
                "sat-chat10", 2.0);
        double ev = cpuEvent("sat-stream50", RELAY);
        double evQ = cpuEvent("sat-stream50", QUIET);
        double evN = cpuEvent("sat-stream50", "nginx");
        vrow("Streamed `/api/chat`, " + cfg("stream50_model", "50 events") + ": whole-process CPU per event at saturation",
                "≤ 2 µs", us(ev), us(evQ), "nginx (SSE passed through) " + us(evN), ratio(paired("sat-stream50", RELAY, "nginx"), 1) + " ("
                        + ratio(paired("sat-stream50", QUIET, "nginx"), 1) + ")",
                verdictMax(ev, 2.0, " µs") + beyondBaseline(evN, 2.0, "nginx passing the SSE through", " µs"));
        floorRow();
        // issue 4 set the goal for the splits a socket gives; 7-byte pieces are a stress case beyond it
        double perEvent = worstJmh("AnswerTranslationBenchmark.translate", "true", "WHOLE", "SPANNING");
        vrow("Translating one streamed event alone (JMH, realistic chunk splits: an event per read, 1.5 events per "
                + "read; the worse of the two)", "≤ 1 µs", fmt(perEvent) + " ns", "", "", "", verdictMax(perEvent, 1000, " ns"));
        double pieces = worstJmh("AnswerTranslationBenchmark.translate", "true", "PIECES_7");
        vrow("The same in 7-byte pieces (every event spread over about 30 reads: a stress case)", "report",
                fmt(pieces) + " ns", "", "", "", Double.isNaN(pieces) ? "not run" : "reported (section 11)");
        double routing = worstJmh("RoutingBenchmark.route", null);
        double routingWide = worstJmh("RoutingBenchmark.routeWide", null);
        vrow("Routing decision: group by model name, select, release (JMH, 50 backends, 500 models of 2–4 backends, "
                + "slowest strategy; every model on all 50: " + fmt(routingWide) + " ns)", "≤ 1 µs", fmt(routing) + " ns",
                "", "", "", verdictMax(Math.max(routing, routingWide), 1000, " ns"));
        // logging
        for (String[] sc : new String[][] {{"sat-v1", "pass-through at saturation"}, {"sat-chat10", "translated (10 events) at saturation"},
            {"sat-stream50", "streamed (50 events) at saturation"}, {"v1", "pass-through at the fixed rate"},
            {"chat", "translated at the fixed rate"}}) {
            double d = cpuReq(sc[0], RELAY);
            double q = cpuReq(sc[0], QUIET);
            if (Double.isNaN(d) && Double.isNaN(q)) {
                continue;
            }
            vrow("Logging at INFO: CPU per request it adds, " + sc[1], "≤ 5 µs", us(d), us(q), "", (d - q >= 0 ? "+" : "")
                    + fmt(d - q) + " µs",
                    verdictMax(d - q, 5, " µs"));
        }
        long[] lost = logLoss();
        vrow("Log lines dropped or lost at the rates the bench reaches (every run of a proxy logging at INFO)", "none",
                (lost[2] < 0 ? "`" + cfg("drop_counter", "?") + "` not exported" : fmt0(lost[2]) + " dropped (`"
                        + cfg("drop_counter", "?") + "`)") + "; " + fmt0(lost[1]) + " of " + fmt0(lost[0])
                        + " access-log lines missing from the log", "", "", "",
                lost[0] == 0 ? "not run" : lost[1] == 0 && lost[2] <= 0 ? "✅ met" + (lost[2] < 0 ? " (lines counted; metric missing)" : "")
                        : "❌ missed: " + fmt0(Math.max(0, lost[2])) + " dropped, " + fmt0(lost[1]) + " missing");
        // client keys and rate limits
        double open = cpuReq("access-v1", RELAY);
        double keyed = cpuReq("access-v1", ACCESS);
        vrow("Client keys and every rate limit on (local), CPU per request at saturation", "within a few percent of "
                + "none (≤ " + ratio(ACCESS_LIMIT, 1) + ")", us(keyed) + " at " + fmt0(carried("access-v1", ACCESS)) + "/s", "",
                "no keys or limits " + us(open) + " at " + fmt0(carried("access-v1", RELAY)) + "/s", ratio(keyed, open),
                Double.isNaN(keyed / open) ? "not run" : keyed / open <= ACCESS_LIMIT ? "✅ met" : "❌ missed");
        double shared = cpuReq("access-v1", ACCESS_REDIS);
        vrow("The same limits shared through Redis, CPU per request at saturation", "report", us(shared) + " at "
                + fmt0(carried("access-v1", ACCESS_REDIS)) + "/s", "", "no keys or limits " + us(open), ratio(shared, open),
                Double.isNaN(shared) ? "not run" : "reported (section 2b)");
        // both cores
        double c1 = carried("sat-v1", RELAY);
        double c2 = carried("sat-v1", EL2);
        vrow("Both cores: pass-through at saturation with two event loops", "report throughput and what stops scaling",
                fmt0(c2) + "/s, " + us(cpuReq("sat-v1", EL2)) + "/request", "", "one loop: " + fmt0(c1) + "/s, "
                        + us(cpuReq("sat-v1", RELAY)) + "/request", ratio(c2, c1) + " the throughput", Double.isNaN(c2)
                        ? "not run" : "reported (section 3)");
        // the fleet
        boolean fleetRan = !runs("sat-v1", FLEET).isEmpty();
        vrow("Fleet of " + cfg("fleet_size", "3") + " vs 1 backend: CPU per request at saturation (" + cfg("fleet_strategy",
                "least-connections") + ")", "report next to one backend", fleetSummary(FLEET), "", fleetRan ? "one backend: "
                + fleetSummary(RELAY) : "", fleetRatios(), fleetRan ? "reported (section 1d)" : "not run");
        // start-up
        double su = startupMedian("startup.json");
        double su25 = startupMedian("startup-j25.json");
        vrow("Start-up: process start to the first answered request (median of runs)", "≤ 0.5 s", fmt0(su) + " ms", "",
                Double.isNaN(su25) ? "" : "Java 25: " + fmt0(su25) + " ms", "", verdictMax(su, 500, " ms"));
        if (!Double.isNaN(su25)) {
            vrow("Start-up on Java 25", "≤ 0.5 s", fmt0(su25) + " ms", "", "", "", verdictMax(su25, 500, " ms"));
        }
        // memory
        for (String[] v : new String[][] {{RELAY, "run.sh's JVM flags"}, {J25, "run.sh's JVM flags on Java 25"},
            {DOCKER, "the Docker image's JVM flags in a " + containerMem() + " container"}}) {
            double[] rss = rssFor10k(v[0]);
            if (Double.isNaN(rss[0]) && !v[0].equals(RELAY)) {
                continue;
            }
            vrow("RSS with 10,000 concurrent streams, " + v[1], "≤ 256 MB",
                    Double.isNaN(rss[0]) ? "not run" : fmt0(rss[0] / 1024) + " MB" + (rss[1] < 10_000
                            ? " (extrapolated from " + fmt0(rss[1]) + " streams, " + fmt0(rss[2] / 1024) + " MB measured)" : ""),
                    "", "", "", Double.isNaN(rss[0]) ? "not run" : verdictMax(rss[0] / 1024, 256, " MB"));
        }
        // the runtime
        vrow("The runtime: Java 17 (default) against Java 25", "say which is clearly faster or leaner", javaSummary(), "", "",
                "", "reported (section 4)");
        line("");
        line("CPU is the proxy process's `utime+stime` (all its threads: event loops, log writer, GC, JIT) over the "
                + "measured window divided by the answers completed in it (closed loop) or the requests sent in it "
                + "(fixed rate); per event, divided further by the token events in each answer. † marks a rate at which "
                + "llm-relay's own core was not full (section 1). The findings at the end say, for each miss, what the "
                + "profiles show and what was tried.");
        line("");
    }

    /**
     * The floor under every saturation figure: the bench's minimal Netty proxy against nginx, and what
     * llm-relay adds above it (its own work: routing, body reading, header policy, metrics, the log).
     */
    private void floorRow() {
        if (runs("sat-v1", FLOOR).isEmpty()) {
            return;
        }
        StringBuilder floor = new StringBuilder();
        StringBuilder own = new StringBuilder();
        StringBuilder ratios = new StringBuilder();
        for (String[] sc : SAT_SCENARIOS) {
            boolean perEvent = sc[0].equals("sat-stream50"); // the stream's target is per event, the others per request
            double f = cpu(sc[0], FLOOR, perEvent);
            double d = cpu(sc[0], RELAY, perEvent);
            double q = cpu(sc[0], QUIET, perEvent);
            if (Double.isNaN(f)) {
                continue;
            }
            String sep = floor.length() == 0 ? "" : "; ";
            String unit = perEvent ? " an event" : "";
            floor.append(sep).append(sc[1]).append(' ').append(us(f)).append(unit);
            own.append(sep).append(sc[1]).append(' ').append(signed(d - f)).append(unit).append(" (log off ").append(signed(q - f))
                    .append(')');
            ratios.append(sep).append(sc[1]).append(' ').append(ratio(paired(sc[0], FLOOR, "nginx"), 1));
        }
        vrow("The design's floor: the bench's minimal Netty proxy (HTTP codecs both ways, a backend connection per "
                + "client connection, nothing else), CPU at saturation; what llm-relay's own work adds above it",
                "report", floor.toString(), "", "floor / nginx: " + ratios, "llm-relay minus floor: " + own,
                "reported (section 1)");
    }

    private static String signed(double micros) {
        return (micros >= 0 ? "+" : "") + us(micros);
    }

    private void satRatioRow(String name, String scenario, double limit) {
        double d = cpuReq(scenario, RELAY);
        double q = cpuReq(scenario, QUIET);
        double n = cpuReq(scenario, "nginx");
        double r = paired(scenario, RELAY, "nginx");
        String rate = fmt0(carried(scenario, RELAY)) + "/s" + (coresBusy(scenario, RELAY) < SATURATED ? " †" : "");
        vrow(name, "≤ " + fmt(limit) + "× nginx", us(d) + " at " + rate, us(q) + " at " + fmt0(carried(scenario, QUIET)) + "/s",
                "nginx " + us(n) + " at " + fmt0(carried(scenario, "nginx")) + "/s",
                ratio(r, 1) + " (" + ratio(paired(scenario, QUIET, "nginx"), 1) + ")", verdictMax(r, limit, "×"));
    }

    private double coresBusy(String scenario, String target) {
        return median(runs(scenario, target), r -> r.path("proc").path("cpu_share").asDouble(Double.NaN));
    }

    private void vrow(String target, String goal, String defaults, String quiet, String baseline, String ratio, String verdict) {
        line("| " + target + " | " + goal + " | " + defaults + " | " + dash(quiet) + " | " + dash(baseline) + " | "
                + dash(ratio) + " | " + verdict + " |");
    }

    private static String dash(String s) {
        return s == null || s.isEmpty() ? "–" : s;
    }

    private static String us(double v) {
        return Double.isNaN(v) ? "–" : fmt(v) + " µs";
    }

    /** ✅ with the margin left, or ❌ with the amount over. */
    private static String verdictMax(double value, double limit, String unit) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return "not run";
        }
        if (value <= limit) {
            return "✅ met, " + fmt(limit - value) + unit + " to spare";
        }
        return "❌ missed by " + fmt(value - limit) + unit;
    }

    /**
     * What a verdict adds when the baseline, doing less work than llm-relay on the same path, is itself over
     * {@code limit} on this machine: an absolute goal set on a faster machine cannot be met here by any proxy.
     */
    static String beyondBaseline(double baseline, double limit, String what, String unit) {
        if (Double.isNaN(baseline) || baseline <= limit) {
            return "";
        }
        return " (" + what + " needs " + fmt(baseline) + unit + " on this machine)";
    }

    private String containerMem() {
        String opts = cfg("container_java_opts", "");
        int at = opts.indexOf("-XX:MaxRAM=");
        return at < 0 ? "?" : opts.substring(at + 11).split("\\s+")[0].toUpperCase(Locale.ROOT).replace("M", " MB")
                .replace("G", " GB");
    }

    /**
     * {access-log lines expected, lines missing, lines dropped by the proxy's own count (-1: not exported)}
     * over every run of a proxy logging at INFO (sweep steps included).
     */
    private long[] logLoss() {
        List<JsonNode> roots = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().toList()) {
                String[] parts = p.getFileName().toString().split("\\.");
                if (parts.length >= 4 && parts[1].startsWith("relay") && !parts[1].equals(QUIET)) {
                    roots.add(Json.mapper().readTree(p.toFile()));
                }
            }
        } catch (IOException e) {
            // count what could be read
        }
        return logLines(roots);
    }

    private double startupMedian(String file) {
        Path p = dir.resolve(file);
        if (!Files.exists(p)) {
            return Double.NaN;
        }
        try {
            return Json.mapper().readTree(p.toFile()).path("median_ms").asDouble(Double.NaN);
        } catch (IOException e) {
            return Double.NaN;
        }
    }

    // ------------------------------------------------------------------ saturation

    private void saturation() throws IOException {
        line("## 1. Saturation: the highest rate carried, and the CPU per request at that rate (closed loop)");
        line("");
        if (runs("sat-v1", RELAY).isEmpty()) {
            line("Not run.");
            line("");
            return;
        }
        line(cfg("sat_connections", "32") + " connections, each sending its next request as soon as the previous answer "
                + "ended (as `wrk -c" + cfg("sat_connections", "32") + "` does), " + cfg("sat_warmup", "?") + " s of warm-up then "
                + cfg("sat_duration", "?") + " s measured, " + runs("sat-v1", RELAY).size() + " runs, every path of a "
                + "scenario interleaved in each run; medians. The mock answers at once from precomputed buffers (a canned "
                + "backend). *Carried* is answers completed per second of the measured window; *CPU per request* is the "
                + "process's `utime+stime` over the window divided by those answers. *Cores busy* is the proxy's CPU time "
                + "per second of the window: a proxy under " + fmt(SATURATED) + " (marked †) was not limited by its own "
                + "core but by the load generator and the mock (which share CPU 1; *generator + mock* is their CPU per "
                + "request, with the fleet's every mock), by other load on the machine, or by waiting (see the latency tail), and its CPU per request "
                + "is then higher than at full load, where each wake-up serves more requests. *Ratio to nginx* is the "
                + "median of the runs' own ratios (each run against nginx's run of the same round), which a machine "
                + "whose speed drifts between rounds moves less than a ratio of the medians.");
        line("");
        if (!runs("sat-v1", FLOOR).isEmpty()) {
            line("**floor** is the bench's own minimal HTTP/1.1 proxy (`Bench floor`, in proxy-bench): Netty's HTTP "
                    + "server codec, a backend connection per client connection on the same event loop, Netty's HTTP "
                    + "client codec, one flush per read, with llm-relay's codec limits, heap and Netty settings ("
                    + cfg("floor_java_opts", "?") + "), and nothing else: no routing, body reading, header policy, "
                    + "metrics, overhead accounting or log. It carries what nginx carries (the SSE answer where "
                    + "llm-relay translates). Its CPU is what the design (Netty's HTTP objects both ways) costs before "
                    + "llm-relay does any work of its own.");
            line("");
        }
        satTable("1a. Pass-through `POST /v1/chat/completions`, `stream:false`", "sat-v1", false,
                "Body `" + cfg("v1_body", "?") + "`; the mock's whole JSON answer, passed through.");
        satTable("1b. Translated `POST /api/chat`, `stream:false`, a 10-event answer merged", "sat-chat10", true,
                "Model `" + cfg("chat10_model", "?") + "`: llm-relay asks the mock for a stream (10 token events of ~200 B) "
                        + "and merges it into one Ollama answer; **direct**, **nginx** and **floor** carry that same SSE "
                        + "answer (`stream:true` with `include_usage`, as llm-relay asks), so nginx is the baseline for moving it.");
        satTable("1c. Translated `POST /api/chat`, streamed, 50 events", "sat-stream50", true,
                "Model `" + cfg("stream50_model", "?") + "`: 50 token events of ~200 B at once, translated event by event "
                        + "to NDJSON; **direct**, **nginx** and **floor** carry the same events as SSE. *Per event* is the CPU per "
                        + "request divided by the 50 token events.");
        fleet();
        threadGroups();
    }

    /** The closed-loop scenarios, each {scenario, short name}: the fleet's and the floor's rows go through them. */
    private static final String[][] SAT_SCENARIOS = {{"sat-v1", "pass-through"}, {"sat-chat10", "translated, 10 events"},
        {"sat-stream50", "streamed, 50 events"}};

    /** A fleet of backends against one: the same scenarios, CPU per request side by side, and how the requests spread. */
    private void fleet() throws IOException {
        String n = cfg("fleet_size", "3");
        line("### 1d. A fleet of " + n + " backends against one");
        line("");
        if (runs("sat-v1", FLEET).isEmpty()) {
            line("Not run.");
            line("");
            return;
        }
        line("llm-relay in its default configuration (the same JVM flags and pinning as with one backend) started with "
                + "`--config fleet.yaml` instead of `--backend`: " + n + " backends, each a process of the bench's mock (the "
                + "one every other path uses and " + (Integer.parseInt(n) - 1) + " more, each on its own port and pinned "
                + "like the first), each serving every model of the bench, routed by `" + cfg("fleet_strategy", "?")
                + "` (the default strategy: the fewest requests in flight, ties rotate). The same closed-loop scenarios as "
                + "1a–1c, run in the same rounds (the *fleet* rows above); here its CPU per request is set against llm-relay "
                + "with one backend. *Requests per backend* is `llm_relay_backend_attempts_total{backend=...}` on the fleet "
                + "proxy's `/metrics`, read as each run starts and after it ends, summed over the runs: the requests did "
                + "spread when each backend has about 1/" + n + ". *Generator + mocks* is the CPU per request of the load "
                + "generator and of every mock (one, or the fleet's " + n + ").");
        line("");
        line("| Scenario | CPU per request, one backend (µs) | fleet (µs) | per run, fleet | fleet / one | carried, one / fleet "
                + "(req/s) | cores busy, one / fleet | generator + mocks CPU per request, one / fleet (µs) | requests per "
                + "backend, fleet | errors, fleet |");
        line("|---|---:|---:|---|---:|---:|---:|---:|---|---:|");
        for (String[] sc : SAT_SCENARIOS) {
            List<JsonNode> f = runs(sc[0], FLEET);
            if (f.isEmpty()) {
                continue;
            }
            List<JsonNode> one = runs(sc[0], RELAY);
            double a = cpuReq(sc[0], RELAY);
            double b = cpuReq(sc[0], FLEET);
            double shareF = coresBusy(sc[0], FLEET);
            line("| " + sc[1] + " | " + fmt(a) + " | " + fmt(b) + (shareF < SATURATED ? " †" : "") + " | "
                    + perRun(f, r -> r.path("proc").path("cpu_us_per_request").asDouble(Double.NaN)) + " | " + ratio(b, a)
                    + " | " + fmt0(carried(sc[0], RELAY)) + " / " + fmt0(carried(sc[0], FLEET)) + " | "
                    + fmt(coresBusy(sc[0], RELAY)) + " / " + fmt(shareF) + " | " + fmt(median(one, ReportCommand::generatorAndMocks))
                    + " / " + fmt(median(f, ReportCommand::generatorAndMocks)) + " | " + backendSplit(f) + " | " + errors(f) + " |");
        }
        line("");
        List<String[]> fixed = new ArrayList<>();
        for (String[] sc : new String[][] {{"v1", "pass-through, fixed rate (section 5)"}, {"chat", "translated, fixed rate (section 6)"}}) {
            if (!runs(sc[0], FLEET).isEmpty()) {
                fixed.add(sc);
            }
        }
        if (!fixed.isEmpty()) {
            line("The same at the fixed rate (" + fmt0(median(runs(fixed.get(0)[0], FLEET), r -> r.path("rate").asDouble(Double.NaN)))
                    + " req/s, open loop; added latency is the proxy's minus direct's at the same percentile):");
            line("");
            line("| Scenario | CPU per request, one backend / fleet (µs) | fleet / one | added latency p50, one / fleet (µs) | "
                    + "added latency p99, one / fleet (µs) | requests per backend, fleet | errors, fleet |");
            line("|---|---:|---:|---:|---:|---|---:|");
            for (String[] sc : fixed) {
                double a = cpuReq(sc[0], RELAY);
                double b = cpuReq(sc[0], FLEET);
                line("| " + sc[1] + " | " + fmt(a) + " / " + fmt(b) + " | " + ratio(b, a) + " | "
                        + fmt(added(sc[0], RELAY, "total", "p50")) + " / " + fmt(added(sc[0], FLEET, "total", "p50")) + " | "
                        + fmt(added(sc[0], RELAY, "total", "p99")) + " / " + fmt(added(sc[0], FLEET, "total", "p99")) + " | "
                        + backendSplit(runs(sc[0], FLEET)) + " | " + errors(runs(sc[0], FLEET)) + " |");
            }
            line("");
        }
        Path yaml = dir.resolve("fleet.yaml");
        if (Files.exists(yaml)) {
            line("The fleet's configuration, as `run.sh` wrote it (the ports are the mocks' of that run):");
            line("");
            line("```yaml");
            line(Files.readString(yaml).strip());
            line("```");
            line("");
        }
    }

    private static long errors(List<JsonNode> rs) {
        long e = 0;
        for (JsonNode r : rs) {
            e += r.path("errors").asLong();
        }
        return e;
    }

    private static final String ATTEMPTS = "llm_relay_backend_attempts_total{";

    /**
     * How a fleet's requests spread: each backend's share of {@code llm_relay_backend_attempts_total}
     * (its increase over each run, summed over the runs), e.g. "mock-1 33 %, mock-2 34 %, mock-3 33 % of 1,200".
     */
    static String backendSplit(List<JsonNode> rs) {
        Map<String, Double> by = new TreeMap<>();
        boolean missing = false;
        for (JsonNode r : rs) {
            for (Map.Entry<String, JsonNode> e : r.path("counters").properties()) {
                if (!e.getKey().startsWith(ATTEMPTS)) {
                    continue;
                }
                int at = e.getKey().indexOf("backend=\"");
                String backend = at < 0 ? e.getKey() : e.getKey().substring(at + 9, e.getKey().indexOf('"', at + 9));
                if (e.getValue().isNumber()) {
                    by.merge(backend, e.getValue().asDouble(), Double::sum);
                } else {
                    missing = true; // never counted over the run (or not exported)
                    by.merge(backend, 0.0, Double::sum);
                }
            }
        }
        double total = by.values().stream().mapToDouble(Double::doubleValue).sum();
        if (by.isEmpty() || total == 0) {
            return missing ? "not counted" : "–";
        }
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, Double> e : by.entrySet()) {
            b.append(b.length() == 0 ? "" : ", ").append(e.getKey()).append(' ').append(fmt0(100 * e.getValue() / total)).append(" %");
        }
        return b.append(" of ").append(fmt0(total)).toString();
    }

    /** The fleet's (or one backend's) CPU per request in each closed-loop scenario the fleet ran, for the targets table. */
    private String fleetSummary(String target) {
        List<String> parts = new ArrayList<>();
        for (String[] sc : SAT_SCENARIOS) {
            if (!runs(sc[0], FLEET).isEmpty()) {
                parts.add(sc[1] + " " + us(cpuReq(sc[0], target)) + " at " + fmt0(carried(sc[0], target)) + "/s");
            }
        }
        return parts.isEmpty() ? "not run" : String.join("; ", parts);
    }

    private String fleetRatios() {
        List<String> parts = new ArrayList<>();
        for (String[] sc : SAT_SCENARIOS) {
            if (!runs(sc[0], FLEET).isEmpty()) {
                parts.add(sc[1] + " " + ratio(cpuReq(sc[0], FLEET), cpuReq(sc[0], RELAY)));
            }
        }
        return String.join("; ", parts);
    }

    /** The share of a core from which a proxy counts as saturated (its own CPU the limit). */
    private static final double SATURATED = 0.9;

    private static final String[][] SAT_ROWS = {{"direct", "direct to the mock"}, {"nginx", "nginx"},
        {FLOOR, "floor: Netty's HTTP codecs both ways, nothing else"},
        {RELAY, "**llm-relay, defaults**"}, {FLEET, "llm-relay, defaults, fleet of 3 backends (section 1d)"},
        {QUIET, "llm-relay, log off"}, {J25, "llm-relay, defaults, Java 25"},
        {EL2, "llm-relay, defaults, two event loops on both CPUs"}};

    private void satTable(String title, String scenario, boolean perEvent, String what) {
        line("### " + title);
        line("");
        line(what);
        line("");
        if (runs(scenario, RELAY).isEmpty()) {
            line("Not run.");
            line("");
            return;
        }
        line("| Path | carried (req/s) | CPU per request (µs) | per run | ratio to nginx |" + (perEvent ? " CPU per event (µs) |" : "")
                + " cores busy | latency p50 / p99 / max (µs) | generator + mock CPU per request (µs) | errors |");
        line("|---|---:|---:|---|---:|" + (perEvent ? "---:|" : "") + "---:|---:|---:|---:|");
        for (String[] t : SAT_ROWS) {
            List<JsonNode> rs = runs(scenario, t[0]);
            if (rs.isEmpty()) {
                continue;
            }
            boolean proxy = !t[0].equals("direct");
            double cpu = proxy ? cpuReq(scenario, t[0]) : Double.NaN;
            double share = proxy ? median(rs, r -> r.path("proc").path("cpu_share").asDouble(Double.NaN)) : Double.NaN;
            double others = median(rs, ReportCommand::generatorAndMocks);
            long errors = 0;
            for (JsonNode r : rs) {
                errors += r.path("errors").asLong();
            }
            String mark = proxy && share < SATURATED ? " †" : "";
            line("| " + t[1] + " | " + fmt0(carried(scenario, t[0])) + mark + " | " + fmt(cpu) + " | "
                    + (proxy ? perRun(rs, r -> r.path("proc").path("cpu_us_per_request").asDouble(Double.NaN)) : "") + " | "
                    + (proxy ? ratio(paired(scenario, t[0], "nginx"), 1) : "") + " | " + (perEvent ? fmt(proxy ? cpuEvent(scenario, t[0]) : Double.NaN) + " | " : "")
                    + (proxy ? fmt(share) : "") + " | " + fmt(pct(rs, "total", "p50")) + " / " + fmt(pct(rs, "total", "p99"))
                    + " / " + fmt(pct(rs, "total", "max"))
                    + " | " + fmt(others) + " | " + errors + " |");
        }
        line("");
        machineLine(scenario);
    }

    /** CPU per request of the load generator and every mock the run watched (the fleet's three). */
    static double generatorAndMocks(JsonNode run) {
        JsonNode others = run.path("others");
        if (!others.has("generator") || !others.has("mock")) {
            return Double.NaN;
        }
        double sum = 0;
        for (Map.Entry<String, JsonNode> e : others.properties()) {
            if (e.getKey().equals("generator") || e.getKey().startsWith("mock")) {
                sum += e.getValue().path("cpu_us_per_request").asDouble(Double.NaN);
            }
        }
        return sum;
    }

    private static String perRun(List<JsonNode> rs, ToDoubleFunction<JsonNode> f) {
        StringBuilder b = new StringBuilder();
        for (JsonNode r : rs) {
            b.append(b.length() == 0 ? "" : ", ").append(fmt(f.applyAsDouble(r)));
        }
        return b.toString();
    }

    /** Where a proxy's CPU per request goes, by thread (the kernel's per-thread account, {@code schedstat}). */
    private void threadGroups() {
        String[][] cols = {{"sat-v1", RELAY, "`/v1`, defaults"}, {"sat-v1", QUIET, "`/v1`, log off"},
            {"sat-chat10", RELAY, "10 events merged, defaults"}, {"sat-chat10", QUIET, "10 events merged, log off"},
            {"sat-stream50", RELAY, "50 events streamed, defaults"}, {"sat-stream50", QUIET, "50 events streamed, log off"}};
        List<String[]> present = new ArrayList<>();
        for (String[] c : cols) {
            if (!runs(c[0], c[1]).isEmpty()) {
                present.add(c);
            }
        }
        if (present.isEmpty()) {
            return;
        }
        line("### Where llm-relay's CPU goes at saturation, by thread");
        line("");
        line("µs of CPU per request of each group of the proxy's threads over the measured window (`/proc/<pid>/task/*/schedstat`, "
                + "medians of the runs). The *log writer* is the thread that formats and writes the access log.");
        line("");
        columnsHead("Threads", present);
        for (String cat : new String[] {"event loops", "log writer", "GC and safepoints", "JIT compilers", "other"}) {
            StringBuilder b = new StringBuilder("| " + cat + " |");
            for (String[] c : present) {
                b.append(' ').append(fmt(median(runs(c[0], c[1]), r -> category(r, cat)))).append(" |");
            }
            line(b.toString());
        }
        StringBuilder total = new StringBuilder("| whole process (`/proc/<pid>/stat`) |");
        for (String[] c : present) {
            total.append(' ').append(fmt(cpuReq(c[0], c[1]))).append(" |");
        }
        line(total.toString());
        line("");
    }

    private static double category(JsonNode run, String cat) {
        JsonNode g = run.path("proc").path("thread_groups_cpu_us_per_request");
        if (g.isMissingNode()) {
            return Double.NaN;
        }
        double sum = 0;
        for (Map.Entry<String, JsonNode> e : g.properties()) {
            if (categoryOf(e.getKey()).equals(cat)) {
                sum += e.getValue().asDouble();
            }
        }
        return sum;
    }

    static String categoryOf(String group) {
        if (group.startsWith("relay-")) {
            return "event loops";
        }
        String g = group.toLowerCase(Locale.ROOT);
        if (g.contains("log") || g.startsWith("asyncappender")) {
            return "log writer";
        }
        if (g.startsWith("gc ") || g.startsWith("g1 ") || g.startsWith("vm thread") || g.startsWith("parallel")) {
            return "GC and safepoints";
        }
        if (g.contains("compiler")) {
            return "JIT compilers";
        }
        return "other";
    }

    // ------------------------------------------------------------------ logging

    private void logging() {
        line("## 2. Logging: the default configuration against logging off");
        line("");
        line("Every llm-relay scenario runs against two proxies: the default configuration (INFO: one JSON access-log "
                + "line per request on stdout, which `run.sh` redirects to a file as a container runtime keeps a "
                + "container's output) and the same proxy started with `--log-level WARN` (*log off*). After each run of a "
                + "proxy logging at INFO the bench counts the access-log lines the file gained against the requests it "
                + "sent (after the log has stopped growing), and reads `" + cfg("drop_counter", "?") + "` as the run "
                + "starts and after it ends. *Logging adds* is the difference of two processes' CPU per request, so it is "
                + "only as exact as the run-to-run noise (see the per-run figures of section 1); the *log writer* column is "
                + "the CPU of the thread that writes the lines, measured directly (whatever of the logging runs on the "
                + "event loop, such as encoding the line, is in the difference only).");
        line("");
        String[][] rows = {{"sat-v1", "pass-through, saturation"}, {"sat-chat10", "translated, 10 events, saturation"},
            {"sat-stream50", "streamed, 50 events, saturation"}, {"v1", "pass-through, fixed rate"},
            {"chat", "translated, fixed rate"}, {"stream", "streamed, fixed rate"}, {"v1stream", "streamed pass-through, fixed rate"},
            {"maxrate", "pass-through, rate sweep"}, {"maxratechat", "translated, rate sweep"},
            {"c1k", "~1,000 open streams"}, {"c10k", "~10,000 open streams"}};
        line("| Scenario | CPU per request, defaults (µs) | log off (µs) | logging adds (µs) | log writer thread (µs) "
                + "| rate, defaults / log off (req/s) | access-log lines written / expected | dropped (`" + cfg("drop_counter", "?") + "`) |");
        line("|---|---:|---:|---:|---:|---:|---:|---:|");
        for (String[] r : rows) {
            List<JsonNode> d = runs(r[0], RELAY);
            if (d.isEmpty()) {
                continue;
            }
            List<JsonNode> q = runs(r[0], QUIET);
            double cd = cpuReq(r[0], RELAY);
            double cq = cpuReq(r[0], QUIET);
            double writer = median(d, x -> category(x, "log writer"));
            long[] l = logLines(d);
            String rates = r[0].startsWith("sat-") ? fmt0(carried(r[0], RELAY)) + " / " + fmt0(carried(r[0], QUIET))
                    : r[0].startsWith("maxrate") ? fmt0(median(d, x -> x.path("max_carried_rate").asDouble(Double.NaN))) + " / "
                            + fmt0(median(q, x -> x.path("max_carried_rate").asDouble(Double.NaN))) + " (highest carried)"
                    : fmt0(median(d, x -> x.path("rate").asDouble(Double.NaN))) + " (fixed)";
            line("| " + r[1] + " | " + fmt(cd) + " | " + fmt(cq) + " | " + fmt(cd - cq) + " | " + fmt(writer) + " | " + rates
                    + " | " + fmt0(l[0] - l[1]) + " / " + fmt0(l[0]) + " | " + (l[2] < 0 ? "not exported" : fmt0(l[2])) + " |");
        }
        line("");
    }

    /** {expected, missing, dropped (-1: not exported)} summed over runs (and sweep steps). */
    private long[] logLines(List<JsonNode> rs) {
        long expected = 0;
        long missing = 0;
        long dropped = -1;
        String counter = cfg("drop_counter", "llm_relay_log_lines_dropped_total");
        for (JsonNode root : rs) {
            List<JsonNode> steps = new ArrayList<>();
            if (root.has("steps")) {
                root.path("steps").forEach(steps::add);
            } else {
                steps.add(root);
            }
            for (JsonNode r : steps) {
                expected += r.path("log_lines").path("expected").asLong();
                missing += r.path("log_lines").path("missing").asLong();
                JsonNode c = r.path("counters").path(counter);
                if (c.isNumber()) {
                    dropped = Math.max(0, dropped) + c.asLong();
                }
            }
        }
        return new long[] {expected, missing, dropped};
    }

    // ------------------------------------------------------------------ both cores

    private void access() {
        line("## 2b. Client keys and rate limits: what they cost");
        line("");
        if (runs("access-v1", ACCESS).isEmpty()) {
            line("Not run.");
            line("");
            return;
        }
        line("Pass-through `/v1/chat/completions` (`stream:false`), the default proxy against the same proxy with a "
                + "client key required on every request (`auth.keys_env`) and every limit on — global, per address and "
                + "per key: requests per second, concurrent requests, and tokens per minute (so each answer is scanned "
                + "for its usage and charged) — all set so high that nothing is ever refused: the whole access path "
                + "runs on every request. *Redis* is the same with the limits shared through a local `redis-server` "
                + "(`limits.redis`). Saturation is the closed loop of section 1; the fixed rate is "
                + cfg("lat_rate", "5000") + " req/s.");
        line("");
        line("| | no keys or limits | keys + limits, local | keys + limits, Redis | local / none | Redis / none |");
        line("|---|---:|---:|---:|---:|---:|");
        accessRow("saturation: carried (req/s)", "access-v1", r -> r.path("carried_rate").asDouble(Double.NaN));
        accessRow("saturation: proxy CPU per request (µs)", "access-v1",
                r -> r.path("proc").path("cpu_us_per_request").asDouble(Double.NaN));
        accessRow("fixed rate: proxy CPU per request (µs)", "access-v1-rate",
                r -> r.path("proc").path("cpu_us_per_request").asDouble(Double.NaN));
        accessRow("fixed rate: latency p50 (µs)", "access-v1-rate",
                r -> r.path("latency_us").path("total").path("p50").asDouble(Double.NaN));
        accessRow("fixed rate: latency p99 (µs)", "access-v1-rate",
                r -> r.path("latency_us").path("total").path("p99").asDouble(Double.NaN));
        line("");
    }

    private void accessRow(String name, String scenario, ToDoubleFunction<JsonNode> f) {
        double none = median(runs(scenario, RELAY), f);
        double local = median(runs(scenario, ACCESS), f);
        double redis = median(runs(scenario, ACCESS_REDIS), f);
        line("| " + name + " | " + fmt(none) + " | " + fmt(local) + " | " + fmt(redis) + " | " + ratio(local, none)
                + " | " + ratio(redis, none) + " |");
    }

    private void eventLoops() {
        line("## 3. Both cores: one event loop against two");
        line("");
        List<JsonNode> one = runs("sat-v1", RELAY);
        List<JsonNode> two = runs("sat-v1", EL2);
        if (two.isEmpty()) {
            line("Not run.");
            line("");
            return;
        }
        line("Pass-through at saturation (section 1a), both proxies in the default configuration. One loop: "
                + cfg("placement", "?") + ". Two loops: " + cfg("placement_el2", "?") + ".");
        line("");
        line("| | one event loop, CPU 0 | two event loops, CPUs 0–1 | two / one |");
        line("|---|---:|---:|---:|");
        satCompare("carried (req/s)", one, two, r -> r.path("carried_rate").asDouble(Double.NaN));
        satCompare("proxy CPU per request (µs)", one, two, r -> r.path("proc").path("cpu_us_per_request").asDouble(Double.NaN));
        satCompare("proxy: cores busy", one, two, r -> r.path("proc").path("cpu_share").asDouble(Double.NaN));
        satCompare("load generator: cores busy", one, two, r -> r.path("others").path("generator").path("cpu_share").asDouble(Double.NaN));
        satCompare("mock: cores busy", one, two, r -> r.path("others").path("mock").path("cpu_share").asDouble(Double.NaN));
        satCompare("machine: share of both CPUs busy (%)", one, two, r -> r.path("machine_busy_pct").asDouble(Double.NaN));
        satCompare("event-loop threads seen", one, two, r -> r.path("proc").path("threads_count").asDouble(Double.NaN));
        satCompare("latency p50 (µs)", one, two, r -> r.path("latency_us").path("total").path("p50").asDouble(Double.NaN));
        line("");
        List<JsonNode> oneMore = runs("sat-v1x4", RELAY);
        List<JsonNode> twoMore = runs("sat-v1x4", EL2);
        if (!oneMore.isEmpty() || !twoMore.isEmpty()) {
            int conns = (int) median(twoMore.isEmpty() ? oneMore : twoMore, r -> r.path("connections").asDouble(Double.NaN));
            line("The same with " + conns + " connections instead of " + cfg("sat_connections", "32")
                    + " (does the closed loop's concurrency limit the rate?):");
            line("");
            line("| | one event loop, CPU 0 | two event loops, CPUs 0–1 | two / one |");
            line("|---|---:|---:|---:|");
            satCompare("carried (req/s)", oneMore, twoMore, r -> r.path("carried_rate").asDouble(Double.NaN));
            satCompare("proxy CPU per request (µs)", oneMore, twoMore, r -> r.path("proc").path("cpu_us_per_request").asDouble(Double.NaN));
            satCompare("proxy: cores busy", oneMore, twoMore, r -> r.path("proc").path("cpu_share").asDouble(Double.NaN));
            satCompare("load generator + mock: cores busy", oneMore, twoMore, r -> r.path("others").path("generator").path("cpu_share")
                    .asDouble(Double.NaN) + r.path("others").path("mock").path("cpu_share").asDouble(Double.NaN));
            satCompare("machine: share of both CPUs busy (%)", oneMore, twoMore, r -> r.path("machine_busy_pct").asDouble(Double.NaN));
            line("");
        }
        double busy = median(two, r -> r.path("machine_busy_pct").asDouble(Double.NaN));
        double proxy = median(two, r -> r.path("proc").path("cpu_share").asDouble(Double.NaN));
        double rest = median(two, r -> r.path("others").path("generator").path("cpu_share").asDouble(Double.NaN)
                + r.path("others").path("mock").path("cpu_share").asDouble(Double.NaN));
        double gain = median(two, r -> r.path("carried_rate").asDouble(Double.NaN))
                / median(one, r -> r.path("carried_rate").asDouble(Double.NaN));
        double gainMore = median(twoMore, r -> r.path("carried_rate").asDouble(Double.NaN))
                / median(oneMore, r -> r.path("carried_rate").asDouble(Double.NaN));
        StringBuilder b = new StringBuilder("With two loops and " + cfg("sat_connections", "32") + " connections the machine "
                + "was " + fmt0(busy) + " % busy: llm-relay used " + fmt(proxy) + " cores, the load generator and the mock "
                + fmt(rest) + "; two loops carried " + ratio(gain, 1) + " what one did");
        if (!Double.isNaN(gainMore)) {
            b.append(", and " + ratio(gainMore, 1) + " with more connections");
        }
        b.append(". ");
        if (busy >= 90) {
            b.append("Both CPUs are full, so a second loop can only have what the generator and the mock leave of CPU 1: "
                    + "on this 2-core machine the measuring setup shares the cores the proxy would scale onto.");
        } else {
            b.append("The CPUs are not both full, so CPU time alone does not stop the scaling here; the findings say what does.");
        }
        line(b.toString());
        line("");
    }

    private void satCompare(String name, List<JsonNode> a, List<JsonNode> b, ToDoubleFunction<JsonNode> f) {
        double x = median(a, f);
        double y = median(b, f);
        line("| " + name + " | " + fmt(x) + " | " + fmt(y) + " | " + ratio(y, x) + " |");
    }

    // ------------------------------------------------------------------ Java 17 and 25

    private void javaVersions() {
        line("## 4. The runtime: Java 17 (default) against Java 25");
        line("");
        boolean any = !runs("sat-v1", J25).isEmpty() || !runs("c10k", J25).isEmpty() || Files.exists(dir.resolve("startup-j25.json"));
        if (!any) {
            line("Not run" + (cfg("j25_note", "").isEmpty() ? "." : ": " + cfg("j25_note", "") + "."));
            line("");
            return;
        }
        line("The same jar, default configuration, placed alike, each runtime with the JVM flags `./run.sh` gives it "
                + "(its class-data archive is made per runtime): Java 17 `" + cfg("relay_java_opts", "?") + "`; Java 25 (`"
                + cfg("relay_java25", "?") + "`) `" + cfg("relay_java25_opts", "?") + "`. A difference is called *clear* when it exceeds 5 % and the runs of one "
                + "runtime do not overlap those of the other; otherwise it is within this machine's noise.");
        line("");
        line("| | Java 17 | Java 25 | 25 / 17 | runs, 17 | runs, 25 | |");
        line("|---|---:|---:|---:|---|---|---|");
        javaRow("pass-through at saturation: carried (req/s)", "sat-v1", r -> r.path("carried_rate").asDouble(Double.NaN), true);
        javaRow("pass-through at saturation: CPU per request (µs)", "sat-v1", r -> r.path("proc").path("cpu_us_per_request").asDouble(Double.NaN), false);
        javaRow("translated, 10 events: carried (req/s)", "sat-chat10", r -> r.path("carried_rate").asDouble(Double.NaN), true);
        javaRow("translated, 10 events: CPU per request (µs)", "sat-chat10", r -> r.path("proc").path("cpu_us_per_request").asDouble(Double.NaN), false);
        javaRow("streamed, 50 events: CPU per event (µs)", "sat-stream50", r -> r.path("proc").path("cpu_us_per_answer_event").asDouble(Double.NaN), false);
        javaRow("10,000 streams: VmRSS with all open (MB)", "c10k", r -> r.path("proc").path("rss_at_peak_kb").asDouble(Double.NaN) / 1024, false);
        javaRow("10,000 streams: heap live after full GC (MB)", "c10k", r -> r.path("proc").path("heap_live_kb").asDouble(Double.NaN) / 1024, false);
        List<Double> s17 = startupRuns("startup.json");
        List<Double> s25 = startupRuns("startup-j25.json");
        if (!s17.isEmpty() && !s25.isEmpty()) {
            javaCells("start-up to the first answered request, median (ms)", s17, s25, false, "faster");
        }
        line("");
    }

    private void javaRow(String name, String scenario, ToDoubleFunction<JsonNode> f, boolean higherIsBetter) {
        List<Double> a = values(runs(scenario, RELAY), f);
        List<Double> b = values(runs(scenario, J25), f);
        if (a.isEmpty() || b.isEmpty()) {
            return;
        }
        javaCells(name, a, b, higherIsBetter, higherIsBetter ? "faster" : "leaner");
    }

    private void javaCells(String name, List<Double> a, List<Double> b, boolean higherIsBetter, String word) {
        double x = medianOf(a);
        double y = medianOf(b);
        line("| " + name + " | " + fmt(x) + " | " + fmt(y) + " | " + ratio(y, x) + " | " + list(a) + " | " + list(b) + " | "
                + clearly(a, b, higherIsBetter, word) + " |");
    }

    /** "Java 25 (or 17) clearly faster/leaner" when the medians differ by over 5 % and the runs do not overlap. */
    static String clearly(List<Double> j17, List<Double> j25, boolean higherIsBetter, String word) {
        double x = medianOf(j17);
        double y = medianOf(j25);
        if (Double.isNaN(x) || Double.isNaN(y) || x == 0) {
            return "";
        }
        double min17 = j17.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
        double max17 = j17.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
        double min25 = j25.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
        double max25 = j25.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
        boolean apart = max25 < min17 || min25 > max17;
        if (j17.size() < 2 || j25.size() < 2) {
            return "too few runs to judge";
        }
        if (Math.abs(y / x - 1) <= 0.05 || !apart) {
            return "within noise";
        }
        boolean better = higherIsBetter ? y > x : y < x;
        return "**Java " + (better ? "25" : "17") + " clearly " + word + "** ("
                + fmt0(Math.abs(y / x - 1) * 100) + " %)";
    }

    private String javaSummary() {
        List<String> parts = new ArrayList<>();
        double[][] pairs = {
            {cpuReq("sat-v1", RELAY), cpuReq("sat-v1", J25)},
            {cpuReq("sat-chat10", RELAY), cpuReq("sat-chat10", J25)},
            {startupMedian("startup.json"), startupMedian("startup-j25.json")},
            {rssFor10k(RELAY)[0] / 1024, rssFor10k(J25)[0] / 1024}};
        String[] names = {"CPU per request, pass-through", "CPU per request, translated", "start-up", "RSS, 10,000 streams"};
        String[] units = {" µs", " µs", " ms", " MB"};
        for (int i = 0; i < pairs.length; i++) {
            if (!Double.isNaN(pairs[i][0]) && !Double.isNaN(pairs[i][1])) {
                parts.add(names[i] + " " + fmt(pairs[i][0]) + " → " + fmt(pairs[i][1]) + units[i]);
            }
        }
        return parts.isEmpty() ? "not run" : "17 → 25: " + String.join("; ", parts);
    }

    private static List<Double> values(List<JsonNode> rs, ToDoubleFunction<JsonNode> f) {
        List<Double> v = new ArrayList<>();
        for (JsonNode r : rs) {
            double d = f.applyAsDouble(r);
            if (!Double.isNaN(d)) {
                v.add(d);
            }
        }
        return v;
    }

    private static double medianOf(List<Double> v) {
        double[] s = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        if (s.length == 0) {
            return Double.NaN;
        }
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static String list(List<Double> v) {
        StringBuilder b = new StringBuilder();
        for (double d : v) {
            b.append(b.length() == 0 ? "" : ", ").append(fmt(d));
        }
        return b.toString();
    }

    private List<Double> startupRuns(String file) {
        List<Double> v = new ArrayList<>();
        Path p = dir.resolve(file);
        if (Files.exists(p)) {
            try {
                Json.mapper().readTree(p.toFile()).path("runs_ms").forEach(n -> v.add(n.asDouble()));
            } catch (IOException e) {
                return v;
            }
        }
        return v;
    }

    private void earlierTargets() {
        double latRate = num(cfg("lat_rate", "0"));
        line("### Earlier targets, at a fixed rate");
        line("");
        line("The targets of earlier issues, measured open-loop at a fixed rate (sections 5–8), llm-relay in its default "
                + "configuration (log off in brackets).");
        line("");
        line("| Target | Goal | Measured | Verdict |");
        line("|---|---|---|---|");
        double nginxCpu = cpuReq("v1", "nginx");
        double relayCpu = cpuReq("v1", RELAY);
        double chatCpu = cpuReq("chat", RELAY);
        row("CPU per non-streamed `/v1` pass-through request", "≤ 1.2 × nginx",
                fmt(relayCpu) + " µs (" + fmt(cpuReq("v1", QUIET)) + ") vs nginx " + fmt(nginxCpu) + " µs = "
                        + ratio(relayCpu, nginxCpu) + " (" + ratio(cpuReq("v1", QUIET), nginxCpu) + ")",
                verdictMax(relayCpu / nginxCpu, 1.2, "×"));
        row("CPU per translated `/api/chat` request (non-streamed)", "≤ 1.5 × nginx (`/v1`)",
                fmt(chatCpu) + " µs (" + fmt(cpuReq("chat", QUIET)) + ") vs nginx " + fmt(nginxCpu) + " µs = "
                        + ratio(chatCpu, nginxCpu) + " (" + ratio(cpuReq("chat", QUIET), nginxCpu) + ")",
                verdictMax(chatCpu / nginxCpu, 1.5, "×"));
        String rateNote = latRate >= 5000 ? "" : " (at " + fmt0(latRate) + "/s, not 5,000/s: " + cfg("lat_rate_reason", "?") + ")";
        double a50 = added("v1", RELAY, "total", "p50");
        double a99 = added("v1", RELAY, "total", "p99");
        row("Added latency, `/v1` pass-through, p50" + rateNote, "≤ 100 µs at 5,000 req/s",
                fmt(a50) + " µs (" + fmt(added("v1", QUIET, "total", "p50")) + ")", latencyVerdict("v1", a50, 100));
        row("Added latency, `/v1` pass-through, p99" + rateNote, "≤ 500 µs at 5,000 req/s",
                fmt(a99) + " µs (" + fmt(added("v1", QUIET, "total", "p99")) + ")", latencyVerdict("v1", a99, 500));
        double c50 = added("chat", RELAY, "total", "p50");
        double c99 = added("chat", RELAY, "total", "p99");
        row("Added latency, translated `/api/chat`, p50 / p99" + rateNote, "(same goals, for reference)",
                fmt(c50) + " / " + fmt(c99) + " µs", latencyVerdict("chat", c50, 100) + " / " + latencyVerdict("chat", c99, 500));
        double g50 = added("stream", RELAY, "gap", "p50");
        double g99 = added("stream", RELAY, "gap", "p99");
        row("Added inter-chunk delay (streamed `/api/chat`), p50 / p99", "not measurable (≤ 100 µs p50, ≤ 1 ms p99)",
                fmt(g50) + " / " + fmt(g99) + " µs",
                Double.isNaN(g50) ? "not run" : (g50 <= 100 && g99 <= 1000 ? "✅ met" : "❌ missed"));
        double[] v1 = agreement("v1");
        double[] chat = agreement("chat");
        row("Overhead histogram (mean) agrees with the bench's measurement (event-loop CPU per request), `/v1` / `/api/chat`",
                "within 10 %", ratio(v1[0], 1) + " / " + ratio(chat[0], 1), within(v1[0]) + " / " + within(chat[0]));
        row("Overhead header (mean) agrees with the bench's measurement (event-loop CPU per request), `/v1` / `/api/chat`",
                "within 10 %", ratio(v1[1], 1) + " / " + ratio(chat[1], 1), within(v1[1]) + " / " + within(chat[1]));
        line("");
        line("Added latency is llm-relay minus direct (load generator → mock) at the same rate and percentile; a "
                + "negative value is noise. When the direct path itself queued at that rate (its p99 over the sweep's "
                + "limit, " + fmt(DIRECT_QUEUED_P99_US) + " µs), the measuring setup, not the proxy, set the latencies, "
                + "and the difference is no verdict.");
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
        line("Proxy JVM flags: `" + cfg("relay_java_opts", "?") + "` (from " + cfg("relay_java_opts_source", "?")
                + (cfg("relay_java25_opts", "").isEmpty() ? "" : "; on Java 25 `" + cfg("relay_java25_opts", "") + "`")
                + "); the Docker image's, in a container: `" + cfg("container_java_opts", "?") + "`. The proxies as started "
                + "(P and M are the ports; pinned to one CPU, llm-relay runs one event loop):");
        line("");
        Map<String, String> cmds = new TreeMap<>();
        for (String k : config.stringPropertyNames()) {
            if (k.startsWith("cmd.")) {
                cmds.put(k.substring(4), config.getProperty(k));
            }
        }
        for (var e : cmds.entrySet()) {
            line("- " + e.getKey() + ": `" + e.getValue() + "`");
        }
        line("");
    }

    private void method() {
        line("## Method");
        line("");
        line("- **The default configuration.** llm-relay runs as users run it: no logging flags, so INFO with one JSON "
                + "access-log line per request on stdout, which `run.sh` sends to a file (as a container runtime keeps a "
                + "container's stdout). Every llm-relay scenario also runs against a second proxy started with "
                + "`--log-level WARN` (*log off*); both are pinned to CPU 0 and used one at a time.");
        line("- **Closed loop (saturation, section 1).** `bench load --closed-connections N`: N keep-alive connections, "
                + "each sending its next request as soon as the previous answer ended, for a warm-up and then a measured "
                + "window. The rate is whatever the path carries; CPU per request is the process's CPU over the window "
                + "divided by the answers completed in it. Latency is from the actual send (a closed loop cannot avoid "
                + "coordinated omission; the fixed-rate sections measure latency).");
        line("- **Open loop (fixed rate, sections 5–8).** `bench load` (a Netty client in `proxy-bench`) sends at a constant rate: request *i* is due "
                + "at *t0 + i/rate*, goes out on an idle keep-alive connection or on a new one when all are busy, and "
                + "never waits for a response before the next send. Latency is measured from each request's *intended* "
                + "send time into HdrHistogram `Recorder`s (time to headers, to the first body byte, to the end; the gap "
                + "between body chunks of streams), so a stall anywhere, the generator's included, is counted instead of "
                + "being omitted (no coordinated omission).");
        line("- **Same rate, three paths.** Each scenario runs generator → mock (direct), generator → llm-relay → mock, "
                + "and, for pass-through, generator → nginx → mock; overhead is the difference per percentile. The mock "
                + "(`bench mock`, Netty, precomputed answers, pauses scheduled on its event loop) is the same process for "
                + "all three.");
        if (config.containsKey("fleet_size")) {
            line("- **A fleet (section 1d).** The same llm-relay, default configuration, flags and pinning, started with "
                    + "`--config` listing " + cfg("fleet_size", "3") + " backends (as many mock processes, pinned like the one "
                    + "mock) and `routing.strategy: " + cfg("fleet_strategy", "least-connections") + "`, runs the saturation "
                    + "scenarios in the same rounds as the others (and, in a full run, the fixed-rate pass-through and translated "
                    + "ones); the requests each backend got are read from its `/metrics`.");
        }
        line("- **Runs.** " + cfg("warmup_note", "?") + " Each measured run has its own warm-up; scenarios are "
                + "run " + cfg("runs", "3") + " times, the paths interleaved, and the median of each figure is "
                + "reported (the open-loop rate sweep of section 9: " + cfg("sweep_runs", "1") + " run).");
        line("- **CPU.** `utime+stime` of the proxy (nginx: master and worker) from `/proc/<pid>/stat` over the measured "
                + "window, divided by the answers completed in it (closed loop) or the requests sent in it (open loop), "
                + "or the stream lines received; per thread from `/proc/<pid>/task/*/schedstat`.");
        line("- **Access-log lines.** After each run of a proxy logging at INFO, the lines its log file gained for the "
                + "run's path are counted against the requests the generator sent, and `" + cfg("drop_counter", "?")
                + "` is read before and after: a line lost or dropped anywhere shows.");
        line("- **Memory.** `VmRSS` from `/proc/<pid>/status` at the moment the most streams are open, and the heap from "
                + "`jcmd GC.heap_info` (used, then live after a forced full GC).");
        line("- **nginx** " + cfg("nginx_version", "") + ": one worker, `proxy_http_version 1.1`, upstream keepalive, "
                + "`proxy_buffering off`, `access_log off` (config written by `run.sh`).");
        line("- **Inter-chunk gap** of a stream is the time between two non-empty body reads on the client, counted "
                + "from the first read carrying a token (a backend's role-only first event precedes the first token "
                + "by the whole time to first token, and the translation does not forward it); with "
                + "the streaming profile's " + cfg("stream_delay_ms", "?") + " ms pause the direct gap is the pause "
                + "plus timer slack, and any delay the proxy adds appears as the difference.");
        line("");
    }

    private void passThrough() {
        line("## 5. Non-streamed pass-through at a fixed rate: `POST /v1/chat/completions`");
        line("");
        line(rateLine("v1") + " Body: `" + cfg("v1_body", "?") + "`; the mock answers at once (zero-latency profile).");
        line("");
        latencyTable("v1", "total", true);
        cpuTable(new String[][] {{"v1", "nginx", "nginx, `/v1` pass-through"}, {"v1", RELAY, "llm-relay, `/v1` pass-through"},
            {"v1", QUIET, "llm-relay, log off, `/v1` pass-through"},
            {"v1", FLEET, "llm-relay, fleet of 3 backends, `/v1` pass-through (section 1d)"}}, "v1", "nginx");
        errorsLine("v1");
        overheadHeader("v1");
    }

    private void translatedChat() {
        line("## 6. Translated `POST /api/chat`, non-streamed, at a fixed rate");
        line("");
        line(rateLine("chat") + " Body: `" + cfg("chat_body", "?") + "`. llm-relay always streams upstream (to "
                + "measure time to first token) and merges the stream, so **direct** here is the request llm-relay "
                + "itself sends: the mock's SSE answer to `stream:true` with `include_usage`, timed to its end.");
        line("");
        latencyTable("chat", "total", false);
        cpuTable(new String[][] {{"v1", "nginx", "nginx, `/v1` pass-through"}, {"chat", RELAY, "llm-relay, translated `/api/chat`"},
            {"chat", QUIET, "llm-relay, log off, translated `/api/chat`"},
            {"chat", FLEET, "llm-relay, fleet of 3 backends, translated `/api/chat` (section 1d)"}}, "v1", "nginx");
        errorsLine("chat");
        overheadHeader("chat");
    }

    private void streaming() {
        line("## 7. Translated `POST /api/chat`, streamed, at a fixed rate");
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
        double evR = median(runs("stream", RELAY), r -> r.path("events_per_s").asDouble(Double.NaN));
        double evQ = median(runs("stream", QUIET), r -> r.path("events_per_s").asDouble(Double.NaN));
        double cpuEv = median(runs("stream", RELAY), r -> r.path("proc").path("cpu_us_per_event").asDouble(Double.NaN));
        double cpuEvQ = median(runs("stream", QUIET), r -> r.path("proc").path("cpu_us_per_event").asDouble(Double.NaN));
        line("| | direct (SSE lines) | llm-relay (NDJSON lines) | llm-relay, log off |");
        line("|---|---:|---:|---:|");
        line("| chunks received per second | " + fmt0(evD) + " | " + fmt0(evR) + " | " + fmt0(evQ) + " |");
        line("| proxy CPU per forwarded chunk | | " + fmt(cpuEv) + " µs | " + fmt(cpuEvQ) + " µs |");
        line("");
        errorsLine("stream");
        streamPassThrough();
    }

    private void streamPassThrough() {
        if (runs("v1stream", "relay").isEmpty()) {
            return;
        }
        line("## 7b. Streamed pass-through at a fixed rate: `POST /v1/chat/completions` with `stream:true`");
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
        double rl = median(runs("v1stream", RELAY), r -> r.path("proc").path("cpu_us_per_event").asDouble(Double.NaN));
        double rq = median(runs("v1stream", QUIET), r -> r.path("proc").path("cpu_us_per_event").asDouble(Double.NaN));
        double tr = median(runs("stream", RELAY), r -> r.path("proc").path("cpu_us_per_event").asDouble(Double.NaN));
        line("| nginx, SSE pass-through | " + fmt(ng) + " | 1.00× |");
        line("| llm-relay, SSE pass-through | " + fmt(rl) + " | " + ratio(rl, ng) + " |");
        line("| llm-relay, log off, SSE pass-through | " + fmt(rq) + " | " + ratio(rq, ng) + " |");
        line("| llm-relay, translated to NDJSON (section 7) | " + fmt(tr) + " | " + ratio(tr, ng) + " |");
        line("");
        line("CPU per chunk here is the proxy's whole CPU over the window (request handling, connection and "
                + "timer work included) divided by the stream lines the client received.");
        line("");
        errorsLine("v1stream");
    }

    private void concurrency() {
        line("## 8. Many concurrent slow streams (translated `/api/chat`, streamed)");
        line("");
        line("Each column runs on a **fresh proxy** in the default configuration: with run.sh's JVM flags (`"
                + cfg("relay_java_opts", "?") + "`) on Java 17 and on Java 25 (the same with its own class-data archive, "
                + "section 4), and with the Docker image's flags as it runs "
                + "in a container (`" + cfg("container_java_opts", "?") + "`; `MaxRAM` stands in for the container's memory "
                + "limit, and the JVM picks its collector and heap from it).");
        line("");
        line("Streams are opened at a constant rate until the target count is open at once (profile `"
                + cfg("c1k_model", "?") + "` / `" + cfg("c10k_model", "?") + "`: each stream outlives the sending "
                + "window). Memory is read when the last stream has been opened. " + cfg("c10k_note", ""));
        line("");
        String[][] all = {{"c1k", RELAY, "~1,000 streams"}, {"c10k", RELAY, "~10,000 streams"},
            {"c10k", J25, "~10,000, Java 25"}, {"c10k", DOCKER, "~10,000, Docker image's flags"}};
        List<String[]> cols = new ArrayList<>();
        for (String[] c : all) {
            if (!runs(c[0], c[1]).isEmpty() || c[1].equals(RELAY)) {
                cols.add(c);
            }
        }
        columnsHead("", cols);
        cRow("runs", cols, false, r -> 1, true, true);
        cRow("streams requested (rate × window)", cols, false, r -> r.path("measured_requests").asDouble() + r.path("rate").asDouble() * r.path("warmup_s").asDouble(), true, false);
        cRow("connections open at once, llm-relay run (max)", cols, false, r -> r.path("max_open_connections").asDouble(), true, false);
        cRow("errors + timeouts, llm-relay run", cols, false, r -> r.path("errors").asDouble(), true, false);
        cRow("errors + timeouts, direct run", cols, true, r -> r.path("errors").asDouble(), true, false);
        cRow("proxy VmRSS before (MB)", cols, false, r -> r.path("proc").path("rss_before_kb").asDouble(Double.NaN) / 1024, false, false);
        cRow("**proxy VmRSS with all streams open (MB)**", cols, false, r -> r.path("proc").path("rss_at_peak_kb").asDouble(Double.NaN) / 1024, false, false);
        cRow("proxy heap used (MB)", cols, false, r -> r.path("proc").path("heap_used_kb").asDouble(Double.NaN) / 1024, false, false);
        cRow("proxy heap committed (MB)", cols, false, r -> r.path("proc").path("heap_committed_kb").asDouble(Double.NaN) / 1024, false, false);
        cRow("proxy heap live after full GC (MB)", cols, false, r -> r.path("proc").path("heap_live_kb").asDouble(Double.NaN) / 1024, false, false);
        cRow("live heap per open stream (kB)", cols, false, r -> r.path("proc").path("heap_live_kb").asDouble(Double.NaN)
                / Math.max(1, r.path("max_open_connections").asDouble()), false, false);
        cRow("RSS growth per open stream (kB)", cols, false, r -> (r.path("proc").path("rss_at_peak_kb").asDouble(Double.NaN)
                - r.path("proc").path("rss_before_kb").asDouble(Double.NaN)) / Math.max(1, r.path("max_open_connections").asDouble()), false, false);
        cRow("proxy CPU per stream line (µs)", cols, false, r -> r.path("proc").path("cpu_us_per_event").asDouble(Double.NaN), false, false);
        addedRow("time to first token p50 added (µs)", cols, "first_token", "p50");
        addedRow("time to first token p99 added (µs)", cols, "first_token", "p99");
        addedRow("inter-chunk gap p50 added (µs)", cols, "gap", "p50");
        addedRow("inter-chunk gap p99 added (µs)", cols, "gap", "p99");
        line("");
    }

    /** One row of the concurrency table: {@code whole} for counts, {@code runsOnly} for the number of runs. */
    private void cRow(String name, List<String[]> cols, boolean direct, ToDoubleFunction<JsonNode> f, boolean whole,
            boolean runsOnly) {
        StringBuilder b = new StringBuilder("| " + name + " |");
        for (String[] c : cols) {
            List<JsonNode> rs = runs(c[0], direct ? "direct" : c[1]);
            double v = runsOnly ? rs.size() : median(rs, f);
            b.append(' ').append(whole || runsOnly ? fmt0(v) : fmt(v)).append(" |");
        }
        line(b.toString());
    }

    private void addedRow(String name, List<String[]> cols, String metric, String p) {
        StringBuilder b = new StringBuilder("| " + name + " |");
        for (String[] c : cols) {
            b.append(' ').append(fmt(added(c[0], c[1], metric, p))).append(" |");
        }
        line(b.toString());
    }

    private void maxRate() {
        line("## 9. Highest sustainable rate at a fixed rate (open-loop sweep, non-streamed)");
        line("");
        line("Rates tried in turn (" + cfg("sweep_rates", "?") + " req/s, " + cfg("sweep_warmup", "?") + " s warm-up and "
                + cfg("sweep_duration", "?") + " s measured each, the first step after a longer ramp that also warms the "
                + "generator). *Before p99 degrades*: the highest rate before the first whose p99 exceeds "
                + cfg("sweep_limit_us", "?") + " µs. *Still carried*: the highest rate before requests fail, get lost, or "
                + "queue (p50 over " + cfg("sweep_p50_limit_us", "?") + " µs), where the sweep stops. A 0 means even the "
                + "first rate missed. " + cfg("sweep_runs", "1") + " run(s). The closed-loop figures of section 1 are the "
                + "better measure of the rate carried; this sweep shows the open-loop view. The generator and the mock "
                + "share one core, so the direct rows are the ceiling of "
                + "the measuring setup itself. On a VM whose vCPUs are taken away now and then (see the steal figures), "
                + "p99 over a few seconds is decided by those pauses more than by the rate.");
        line("");
        line("| Path | before p99 degrades (median) | per run | first run: p99 degraded at | rate still carried (median) | first run: stopped at |");
        line("|---|---:|---|---|---:|---|");
        String[][] rows = {{"maxrate", "direct", "direct to mock, `/v1/chat/completions`"},
            {"maxrate", "nginx", "nginx, `/v1` pass-through"}, {"maxrate", RELAY, "llm-relay, `/v1` pass-through"},
            {"maxrate", QUIET, "llm-relay, log off, `/v1` pass-through"},
            {"maxratechat", "direct", "direct to mock, SSE (as llm-relay asks)"},
            {"maxratechat", RELAY, "llm-relay, translated `/api/chat`"},
            {"maxratechat", QUIET, "llm-relay, log off, translated `/api/chat`"}};
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
        line("## 10. Start-up");
        line("");
        if (!Files.exists(dir.resolve("startup.json"))) {
            line("Not run.");
            line("");
            return;
        }
        line("From starting `java <flags> -jar llm-relay.jar serve --port P --backend ...` (the flags `./run.sh` uses for "
                + "that runtime, see section 4; default configuration, pinned like the benchmarks, the mock as its backend) to "
                + "the first `200` on `GET /`, polled every 2 ms:");
        line("");
        line("| Runtime | median (ms) | runs (ms) | goal ≤ 500 ms |");
        line("|---|---:|---|---|");
        for (String[] f : new String[][] {{"startup.json", "Java 17 (`" + cfg("relay_java", "java") + "`)"},
            {"startup-j25.json", "Java 25 (`" + cfg("relay_java25", "?") + "`)"}}) {
            Path p = dir.resolve(f[0]);
            if (!Files.exists(p)) {
                continue;
            }
            JsonNode s = Json.mapper().readTree(p.toFile());
            StringBuilder runsMs = new StringBuilder();
            s.path("runs_ms").forEach(n -> runsMs.append(runsMs.length() == 0 ? "" : ", ").append(fmt0(n.asDouble())));
            double m = s.path("median_ms").asDouble(Double.NaN);
            line("| " + f[1] + " | " + fmt0(m) + " | " + runsMs + " | " + verdictMax(m, 500, " ms") + " |");
        }
        line("");
    }

    private void jmh() throws IOException {
        line("## 11. Microbenchmarks (JMH)");
        line("");
        Path p = dir.resolve("jmh.json");
        if (!Files.exists(p)) {
            line("Not run.");
            line("");
            return;
        }
        line("`java -jar proxy-bench/target/benchmarks.jar " + cfg("jmh_args", "") + "` (one fork, one thread, "
                + "the fork with the proxy's own Netty settings: the pooled allocator, leak detection and buffer access "
                + "checks off, as `serve` sets them; `ProxyJvm`). Scores are per operation: per SSE event for the framer, "
                + "per **token event** for the answer translation (a whole 64-token response with a fresh translator per "
                + "invocation, so the per-response final chunk is included), per request for the request translation and "
                + "the routing decision. "
                + "`B/op` is `gc.alloc.rate.norm` from `-prof gc`.");
        line("");
        line("| Benchmark | Parameters | ns/op | ± (99.9 %) | B/op |");
        line("|---|---|---:|---:|---:|");
        for (JsonNode b : Json.mapper().readTree(p.toFile())) {
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
        line("## 12. Where the proxy's time goes at saturation (JFR)");
        line("");
        boolean any = false;
        String[][] profs = {{"profile-sat-v1.md", "`/v1` pass-through, `stream:false`", "sat-v1"},
            {"profile-sat-chat10.md", "translated `/api/chat`, `stream:false`, 10 events merged", "sat-chat10"},
            {"profile-sat-stream50.md", "translated `/api/chat`, streamed, 50 events", "sat-stream50"}};
        for (String[] f : profs) {
            Path p = dir.resolve(f[0]);
            if (Files.exists(p)) {
                any = true;
                line("### " + f[1] + " — " + satVerdict(f[2]));
                line("");
                line(Files.readString(p).strip());
                line("");
            }
        }
        if (!any) {
            line("Not recorded in this run.");
            line("");
        } else {
            line("llm-relay in its default configuration, recorded in separate closed-loop runs (" + cfg("sat_connections", "32")
                    + " connections, 8 s after 2 s of warm-up) with `jcmd <pid> JFR.start`, JFR's `profile` settings "
                    + "and Java frames sampled every 1 ms, so these runs are not part of the figures above. The first two "
                    + "tables count the event loop's samples in Java code only; time in the kernel (`epoll_wait`, `read`, "
                    + "`write`) is not sampled, so the shares are of the proxy's Java work, not of all its CPU. The last "
                    + "table counts every thread's samples (the log writer against the event loops). What each top frame "
                    + "is, and what was tried for each scenario that misses its target, is in the findings below.");
            line("");
        }
        Path notes = dir.resolve("meta/findings.md");
        if (Files.exists(notes)) {
            line(Files.readString(notes).strip());
            line("");
        }
    }

    /** How the saturation scenario did against its target, for the profile headings. */
    private String satVerdict(String scenario) {
        switch (scenario) {
            case "sat-v1": {
                double r = paired(scenario, RELAY, "nginx");
                return Double.isNaN(r) ? "target not judged" : (r <= 1.3 ? "meets" : "**misses**") + " its target (" + ratio(r, 1)
                        + " nginx's CPU per request, goal ≤ 1.3×)";
            }
            case "sat-chat10": {
                double r = paired(scenario, RELAY, "nginx");
                return Double.isNaN(r) ? "target not judged" : (r <= 2.0 ? "meets" : "**misses**") + " its target (" + ratio(r, 1)
                        + " nginx's CPU per request, goal ≤ 2×)";
            }
            default: {
                double e = cpuEvent(scenario, RELAY);
                return Double.isNaN(e) ? "target not judged" : (e <= 2.0 ? "meets" : "**misses**") + " its target (" + fmt(e)
                        + " µs per event, goal ≤ 2 µs)";
            }
        }
    }

    private void reproduce() {
        line("## Reproducing");
        line("");
        line("```bash");
        line("proxy-bench/run.sh            # full run (builds, ~" + cfg("full_minutes", "50") + " min), rewrites docs/BENCHMARKS.md");
        line("proxy-bench/run.sh --only saturation --runs 1   # one section, report in the results directory");
        line("proxy-bench/run.sh --smoke    # about 40 s: proves the jars and tools work, asserts nothing about speed");
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
        List<JsonNode> relay = runs(scenario, RELAY);
        List<JsonNode> quiet = runs(scenario, QUIET);
        List<JsonNode> nginx = withNginx ? runs(scenario, "nginx") : List.of();
        if (relay.isEmpty()) {
            line("Not run.");
            line("");
            return;
        }
        boolean n = !nginx.isEmpty();
        boolean q = !quiet.isEmpty();
        line("| µs | direct | " + (n ? "nginx | " : "") + "llm-relay | " + (q ? "llm-relay, log off | " : "")
                + (n ? "added by nginx | " : "") + "added by llm-relay | " + (q ? "added, log off | " : "")
                + "llm-relay / direct" + (n ? " | llm-relay / nginx" : "") + " |");
        line("|---|---:|" + (n ? "---:|" : "") + "---:|" + (q ? "---:|" : "") + (n ? "---:|" : "") + "---:|"
                + (q ? "---:|" : "") + "---:|" + (n ? "---:|" : ""));
        for (int i = 0; i < PCTS.length; i++) {
            String pc = PCTS[i];
            double d = pct(direct, metric, pc);
            double r = pct(relay, metric, pc);
            double w = pct(quiet, metric, pc);
            double x = pct(nginx, metric, pc);
            StringBuilder b = new StringBuilder("| " + PCT_NAMES[i] + " | " + fmt(d) + " | ");
            if (n) {
                b.append(fmt(x)).append(" | ");
            }
            b.append(fmt(r)).append(" | ");
            if (q) {
                b.append(fmt(w)).append(" | ");
            }
            if (n) {
                b.append(fmt(x - d)).append(" | ");
            }
            b.append(fmt(r - d)).append(" | ");
            if (q) {
                b.append(fmt(w - d)).append(" | ");
            }
            b.append(ratio(r, d));
            if (n) {
                b.append(" | ").append(ratio(r, x));
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
        for (String t : new String[] {"direct", "nginx", RELAY, QUIET, J25, EL2, FLEET}) {
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
        for (String t : new String[] {"direct", "nginx", RELAY, QUIET, FLEET}) {
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
        return off <= 10 ? "✅ met" : "❌ missed by " + fmt(off - 10) + " points";
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
        try {
            for (Path p : runFiles(scenario, target)) {
                out.add(Json.mapper().readTree(p.toFile()));
            }
        } catch (IOException e) {
            return out;
        }
        return out;
    }

    /** The result files of {@code target}'s measured runs of {@code scenario} ({@code <scenario>.<target>.rN.json}), sorted. */
    private List<Path> runFiles(String scenario, String target) throws IOException {
        String prefix = scenario + "." + target + ".r";
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith(prefix)
                    && p.getFileName().toString().endsWith(".json")).sorted().toList();
        }
    }

    private double pct(List<JsonNode> rs, String metric, String p) {
        return median(rs, r -> r.path("latency_us").path(metric).path(p).asDouble(Double.NaN));
    }

    /** Over this p99 the generator → mock path was queueing at the fixed rate: the sweep's limit in a full run. */
    private static final double DIRECT_QUEUED_P99_US = 5_000;

    /**
     * The verdict on an added latency, unless the direct path of {@code scenario} queued itself: a
     * difference of two queues (it can be hugely negative) says nothing about the proxy.
     */
    String latencyVerdict(String scenario, double added, double limit) {
        double directP99 = pct(runs(scenario, "direct"), "total", "p99");
        if (directP99 > DIRECT_QUEUED_P99_US) {
            return "⚠️ not measurable: direct itself queued (p99 " + fmt(directP99) + " µs)";
        }
        return verdictMax(added, limit, " µs");
    }

    private double added(String scenario, String target, String metric, String p) {
        return pct(runs(scenario, target), metric, p) - pct(runs(scenario, "direct"), metric, p);
    }

    /** The slowest score of {@code benchmark} (with that {@code stream} parameter, and one of {@code splits}, when given). */
    private double worstJmh(String benchmark, String stream, String... splits) {
        Path p = dir.resolve("jmh.json");
        if (!Files.exists(p)) {
            return Double.NaN;
        }
        double worst = Double.NaN;
        try {
            for (JsonNode b : Json.mapper().readTree(p.toFile())) {
                // a whole class name: MessagesAnswerTranslationBenchmark is not AnswerTranslationBenchmark
                if (b.path("benchmark").asText().endsWith("." + benchmark)
                        && (stream == null || stream.equals(b.path("params").path("stream").asText()))
                        && (splits.length == 0 || List.of(splits).contains(b.path("params").path("split").asText()))) {
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
    private double[] rssFor10k(String target) {
        List<JsonNode> rs = runs("c10k", target);
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

    /** A table's head: a row-label column, then one right-aligned column per {@code c[2]}. */
    private void columnsHead(String label, List<String[]> columns) {
        StringBuilder head = new StringBuilder(label.isEmpty() ? "| |" : "| " + label + " |");
        StringBuilder sep = new StringBuilder("|---|");
        for (String[] c : columns) {
            head.append(' ').append(c[2]).append(" |");
            sep.append("---:|");
        }
        line(head.toString());
        line(sep.toString());
    }

    private void line(String s) {
        md.append(s).append('\n');
    }

    private void row(String target, String goal, String measured, String verdict) {
        line("| " + target + " | " + goal + " | " + measured + " | " + verdict + " |");
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
