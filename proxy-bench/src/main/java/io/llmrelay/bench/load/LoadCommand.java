package io.llmrelay.bench.load;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmrelay.bench.NettyTransport;
import io.llmrelay.core.json.Json;
import io.netty.channel.EventLoopGroup;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;
import org.HdrHistogram.Recorder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench load}: an HTTP load generator, open loop (constant arrival rate, latency from the
 * intended send time, HdrHistogram) or closed loop ({@code --closed-connections N}: N connections
 * each sending its next request when the previous answer ended, i.e. the highest rate the target
 * carries), with optional CPU/RSS/heap readings of the process under test, a check of its access log
 * and a rate sweep that finds the highest rate before p99 degrades.
 */
@Command(name = "load", mixinStandardHelpOptions = true,
        description = {"Open-loop load: sends at a constant rate whatever the responses do, and measures from each "
                + "request's intended send time (no coordinated omission).",
            "Closed-loop load (--closed-connections N): N connections, each sending its next request as soon as the "
                + "previous answer ended; reports the rate carried and the CPU per request at that rate."})
public final class LoadCommand implements Callable<Integer> {

    @Option(names = "--url", required = true, description = "Target URL, e.g. http://127.0.0.1:11434/api/chat")
    URI url;

    @Option(names = "--method", description = "HTTP method (default POST with a body, else GET).")
    String method;

    @Option(names = "--body", description = "Request body (JSON).")
    String body;

    @Option(names = "--body-file", description = "Request body from a file.")
    Path bodyFile;

    @Option(names = {"-H", "--header"}, description = "Extra header 'Name: value' (repeatable).")
    List<String> headers = new ArrayList<>();

    @Option(names = "--rate", defaultValue = "100", description = "Requests per second (default ${DEFAULT-VALUE}); ignored in a closed loop.")
    double rate;

    @Option(names = "--closed-connections", defaultValue = "0", description = "Closed loop over this many connections instead "
            + "of a fixed rate: each sends its next request as soon as the previous answer ended (default ${DEFAULT-VALUE}: open loop).")
    int closedConnections;

    @Option(names = "--events-per-request", defaultValue = "0", description = "Token events in each answer (the mock's profile, "
            + "mock-...-eE): adds the watched process's CPU per event (default ${DEFAULT-VALUE}: not reported).")
    int eventsPerRequest;

    @Option(names = "--duration", defaultValue = "10", description = "Measured seconds (default ${DEFAULT-VALUE}).")
    double duration;

    @Option(names = "--warmup", defaultValue = "0", description = "Warm-up seconds before measuring, the rate ramping from a tenth of --rate to --rate (default ${DEFAULT-VALUE}).")
    double warmup;

    @Option(names = "--timeout", defaultValue = "60", description = "Seconds from the intended send time before a request counts as timed out (default ${DEFAULT-VALUE}).")
    double timeout;

    @Option(names = "--max-connections", defaultValue = "1024", description = "Connection cap; past it due requests wait for a free connection, their latency still counted from the intended time (default ${DEFAULT-VALUE}; raise it for many concurrent streams).")
    int maxConnections;

    @Option(names = "--connections", defaultValue = "16", description = "Connections opened before the first request (default ${DEFAULT-VALUE}); more open whenever all are busy.")
    int preconnect;

    @Option(names = "--label", defaultValue = "load", description = "Name of the run in the output.")
    String label;

    @Option(names = "--json", description = "Write the results as JSON to this file.")
    Path json;

    @Option(names = "--hlog", description = "Write per-second interval histograms (HdrHistogram log, ns) to this file.")
    Path hlog;

    @Option(names = "--watch-pid", description = "Process under test: CPU (utime+stime) and VmRSS over the measured window, summed with its child processes.")
    Long watchPid;

    @Option(names = "--clk-tck", defaultValue = "100", description = "Kernel clock ticks per second (getconf CLK_TCK) (default ${DEFAULT-VALUE}).")
    long clockTicks;

    @Option(names = "--watch-threads", description = "Also the CPU time of the watched process's threads named with this prefix (llm-relay's event loops: relay-).")
    String watchThreads;

    @Option(names = "--watch-also", paramLabel = "NAME=PID", description = "Another process whose CPU over the window is reported "
            + "(repeatable), e.g. mock=<pid>; the generator's own CPU is always reported.")
    List<String> watchAlso = new ArrayList<>();

    @Option(names = "--jcmd", defaultValue = "jcmd", description = "jcmd of the JDK the watched JVM runs on, for --sample-heap (default ${DEFAULT-VALUE}).")
    String jcmd;

    @Option(names = "--log-file", description = "The watched process's log (its stdout redirected to a file): after the run, "
            + "count the lines it gained that match --log-match against the requests sent, i.e. access-log lines lost.")
    Path logFile;

    @Option(names = "--log-match", description = "What an access-log line of this run contains (default: \"path\":\"<URL path>\").")
    String logMatch;

    @Option(names = "--counter", paramLabel = "SAMPLE", description = "A counter on --metrics-url read as the run starts "
            + "and after the last (repeatable), e.g. llm_relay_log_lines_dropped_total: its increase is reported. "
            + "With labels, e.g. 'llm_relay_backend_attempts_total{backend=\"mock-1\"}', only the samples that have them.")
    List<String> counters = new ArrayList<>();

    @Option(names = "--metrics-url", description = "llm-relay's /metrics: read its proxy-overhead histogram before and after the measured window.")
    URI metricsUrl;

    @Option(names = "--sample-heap", description = "At the end of the sending window, read the watched JVM's heap with jcmd (used, then live after a full GC).")
    boolean sampleHeap;

    @Option(names = "--sweep", split = ",", description = "Run these rates in turn (each --sweep-warmup + --sweep-duration s): reports the highest rate before p99 first exceeds --sweep-p99-limit-us, and the highest rate carried before requests fail, get lost or queue (p50 over --sweep-p50-limit-us), where it stops.")
    List<Double> sweep;

    @Option(names = "--sweep-warmup", defaultValue = "2", description = "Warm-up seconds per sweep step (default ${DEFAULT-VALUE}).")
    double sweepWarmup;

    @Option(names = "--sweep-first-warmup", defaultValue = "8", description = "Warm-up seconds of the first sweep step, which also warms the generator's own JIT (default ${DEFAULT-VALUE}).")
    double sweepFirstWarmup;

    @Option(names = "--sweep-duration", defaultValue = "5", description = "Measured seconds per sweep step (default ${DEFAULT-VALUE}).")
    double sweepDuration;

    @Option(names = "--sweep-p99-limit-us", defaultValue = "2000", description = "p99 of total latency above which a rate is not sustained (default ${DEFAULT-VALUE}).")
    double sweepLimitUs;

    @Option(names = "--sweep-p50-limit-us", defaultValue = "2000", description = "p50 above which a rate is no longer carried at all: requests queue (default ${DEFAULT-VALUE}); the sweep stops there.")
    double sweepP50LimitUs;

    @Option(names = "--quiet", description = "Print only the summary line.")
    boolean quiet;

    @Option(names = "--fail-on-errors", description = "Exit with 1 when any measured request failed or timed out.")
    boolean failOnErrors;

    @Override
    public Integer call() throws Exception {
        byte[] payload = bodyFile != null ? Files.readAllBytes(bodyFile)
                : body != null ? body.getBytes(StandardCharsets.UTF_8) : new byte[0];
        String m = method != null ? method : payload.length > 0 ? "POST" : "GET";
        Target target = new Target(url, m, payload, headers);
        ProcWatch watch = watchPid == null ? null : new ProcWatch(watchPid, clockTicks, jcmd);
        EventLoopGroup group = NettyTransport.group(1, "load");
        try {
            ObjectNode out;
            boolean ok;
            if (sweep != null && !sweep.isEmpty()) {
                out = Json.NODES.objectNode();
                out.put("label", label);
                out.put("url", url.toString());
                out.put("p99_limit_us", sweepLimitUs);
                ArrayNode steps = out.putArray("steps");
                out.put("p50_limit_us", sweepP50LimitUs);
                double best = 0;          // before p99 first degraded
                double throughput = 0;    // before the rate was no longer carried at all
                String stopReason = "all rates sustained";
                String throughputStop = "all rates carried";
                boolean first = true;
                boolean p99Degraded = false;
                for (double r : sweep) {
                    double w = first ? Math.max(sweepWarmup, sweepFirstWarmup) : sweepWarmup;
                    first = false;
                    ObjectNode step = runOnce(group, target, watch, r, w, sweepDuration, null);
                    steps.add(step);
                    String failure = carryFailure(step);
                    if (failure != null) {
                        throughputStop = r + "/s: " + failure;
                        if (!p99Degraded) {
                            stopReason = throughputStop;
                        }
                        break;
                    }
                    throughput = r;
                    double p99 = step.path("latency_us").path("total").path("p99").asDouble();
                    if (!p99Degraded && p99 > sweepLimitUs) {
                        p99Degraded = true;
                        stopReason = String.format("%.0f/s: p99 %.0f us > %.0f us", r, p99, sweepLimitUs);
                    } else if (!p99Degraded) {
                        best = r;
                    }
                }
                out.put("max_sustained_rate", best);
                out.put("stop_reason", stopReason);
                out.put("max_carried_rate", throughput);
                out.put("carried_stop_reason", throughputStop);
                System.out.printf("%s: highest rate before p99 degrades %.0f/s (%s); highest rate carried %.0f/s (%s)%n",
                        label, best, stopReason, throughput, throughputStop);
                ok = true;
            } else {
                out = runOnce(group, target, watch, rate, warmup, duration, hlog);
                ok = out.path("completed").asLong() > 0 && (!failOnErrors || out.path("errors").asLong() == 0);
            }
            if (json != null) {
                Files.createDirectories(json.toAbsolutePath().getParent());
                Json.mapper().writerWithDefaultPrettyPrinter().writeValue(json.toFile(), out);
            }
            return ok ? 0 : 1;
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            target.release();
        }
    }

    /** Why a sweep step's rate was not carried (failures, lost requests, a queueing median), or null. */
    private String carryFailure(ObjectNode step) {
        long sent = step.path("measured_requests").asLong();
        long done = step.path("completed").asLong();
        if (step.path("errors").asLong() > 0) {
            return step.path("errors").asLong() + " errors";
        }
        if (done < sent * 0.999) {
            return "only " + done + " of " + sent + " completed";
        }
        double p50 = step.path("latency_us").path("total").path("p50").asDouble();
        if (p50 > sweepP50LimitUs) {
            return String.format("p50 %.0f us > %.0f us", p50, sweepP50LimitUs);
        }
        return null;
    }

    private ObjectNode runOnce(EventLoopGroup group, Target target, ProcWatch watch, double r, double warmupS,
            double durationS, Path hlogFile) throws Exception {
        boolean closed = closedConnections > 0;
        long measuredCount = closed ? 0 : Math.max(1, (long) Math.floor(r * durationS));
        OpenLoopRun run = new OpenLoopRun(target, group.next(), (long) (timeout * 1e9),
                closed ? Math.max(maxConnections, closedConnections) : maxConnections);
        Totals totals = new Totals(run);
        HistogramLogWriter log = null;
        PrintStream logStream = null;
        if (hlogFile != null) {
            Files.createDirectories(hlogFile.toAbsolutePath().getParent());
            logStream = new PrintStream(new FileOutputStream(hlogFile.toFile()), false, StandardCharsets.UTF_8);
            log = new HistogramLogWriter(logStream);
            log.outputComment("llm-relay bench load: " + label + ", " + (closed ? closedConnections + " closed-loop connections"
                    : r + "/s") + ", values in ns");
            log.outputLegend();
        }
        String route = url.getPath();
        long logOffset = logFile == null ? -1 : size(logFile);
        List<ProcWatch> others = new ArrayList<>();
        List<String> otherNames = new ArrayList<>();
        otherNames.add("generator");
        others.add(new ProcWatch(ProcessHandle.current().pid(), clockTicks));
        for (String w : watchAlso) {
            int eq = w.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--watch-also must be NAME=PID: " + w);
            }
            otherNames.add(w.substring(0, eq));
            others.add(new ProcWatch(Long.parseLong(w.substring(eq + 1).trim()), clockTicks));
        }

        long start = System.nanoTime() + 50_000_000L; // a moment to schedule the first tick
        long windowStart = start + (long) (warmupS * 1e9);
        long windowEnd = windowStart + (closed ? (long) (durationS * 1e9) : (long) (measuredCount * 1e9 / r));
        long rssBefore = watch == null ? -1 : watch.rssKb();
        var finished = closed ? run.startClosed(start, windowStart, windowEnd, closedConnections)
                : run.start(start, r, warmupS, measuredCount, preconnect);
        if (log != null) {
            log.setBaseTime(System.currentTimeMillis());
            log.outputBaseTime(log.getBaseTime());
        }

        // the measured window: CPU, events and memory of the process under test
        // once as the run starts (the first request is 50 ms away, and a log cannot fall behind by then): the
        // counters' starting values, and a client that is ready for the readings around the window
        String metricsBefore = metricsUrl == null ? null : OverheadScrape.fetch(metricsUrl);
        sleepUntil(windowStart, totals, log);
        OverheadScrape metrics0 = metricsUrl == null ? null : OverheadScrape.read(metricsUrl, route);
        long cpu0 = watch == null ? 0 : watch.cpuMicros();
        long threads0 = watch == null || watchThreads == null ? 0 : watch.threadCpuMicros(watchThreads);
        Map<String, Long> groups0 = watch == null ? Map.of() : watch.threadGroupMicros();
        long[] others0 = others.stream().mapToLong(ProcWatch::cpuMicros).toArray();
        long[] stat0 = ProcWatch.systemTicks();
        long ev0 = run.onLoop(run::events);
        long ok0 = run.onLoop(run::okAll);
        long t0 = System.nanoTime();
        long rssMax = -1;
        while (System.nanoTime() < windowEnd) {
            sleepUntil(Math.min(windowEnd, System.nanoTime() + 1_000_000_000L), totals, log);
            if (watch != null) {
                rssMax = Math.max(rssMax, watch.rssKb());
            }
        }
        long cpu1 = watch == null ? 0 : watch.cpuMicros();
        long threads1 = watch == null || watchThreads == null ? 0 : watch.threadCpuMicros(watchThreads);
        Map<String, Long> groups1 = watch == null ? Map.of() : watch.threadGroupMicros();
        long[] others1 = others.stream().mapToLong(ProcWatch::cpuMicros).toArray();
        long ev1 = run.onLoop(run::events);
        long ok1 = run.onLoop(run::okAll);
        long t1 = System.nanoTime();
        OverheadScrape metrics1 = metricsUrl == null ? null : OverheadScrape.read(metricsUrl, route);
        long[] stat1 = ProcWatch.systemTicks();
        // open loop: the window is the requests due in it; closed loop: the time between the two readings
        double windowS = closed ? (t1 - t0) / 1e9 : (windowEnd - windowStart) / 1e9;
        long rssAtPeak = watch == null ? -1 : watch.rssKb();
        int inFlightAtPeak = run.onLoop(run::maxOpen);
        int loops = watch == null || watchThreads == null ? -1 : watch.threadCount(watchThreads);
        long[] heap = null;
        long[] live = null;
        if (watch != null && sampleHeap) {
            heap = watch.heapKb();
            watch.gc();
            live = watch.heapKb();
            rssAtPeak = Math.max(rssAtPeak, watch.rssKb());
        }

        // drain: every request completes or times out
        long drainDeadline = System.nanoTime() + (long) (timeout * 1e9) + 5_000_000_000L;
        while (!finished.isDone() && System.nanoTime() < drainDeadline) {
            try {
                finished.get(1, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                totals.drain(log);
            }
        }
        totals.drain(log);
        if (logStream != null) {
            logStream.close();
        }
        run.close();
        long[] c = run.onLoop(() -> new long[] {run.completed, run.errors, run.timeouts, run.connectErrors,
            run.httpErrors, run.closedEarly, run.connectionsOpened, run.measuredEvents, run.bodyBytes, run.sentAll});

        ObjectNode o = Json.NODES.objectNode();
        o.put("label", label);
        o.put("url", url.toString());
        o.put("mode", closed ? "closed" : "open");
        if (closed) {
            o.put("connections", closedConnections);
        }
        // the rate: as sent (open loop) or as carried, answers ended per second of the window (closed loop)
        double carried = (ok1 - ok0) / windowS;
        o.put("rate", closed ? carried : r);
        o.put("warmup_s", warmupS);
        o.put("duration_s", durationS);
        o.put("measured_requests", closed ? c[0] + c[1] : measuredCount);
        o.put("completed", c[0]);
        o.put("errors", c[1]);
        o.put("timeouts", c[2]);
        o.put("connect_errors", c[3]);
        o.put("http_errors", c[4]);
        o.put("closed_early", c[5]);
        o.put("connections_opened", c[6]);
        o.put("max_open_connections", inFlightAtPeak);
        o.put("stream_events", c[7]);
        o.put("events_per_s", (ev1 - ev0) / windowS);
        o.put("window_s", windowS);
        o.put("window_answers", ok1 - ok0);
        o.put("carried_rate", carried);
        o.put("requests_sent_all", c[9]);
        if (eventsPerRequest > 0) {
            o.put("events_per_request", eventsPerRequest);
        }
        o.put("drained", finished.isDone());
        if (stat0 != null && stat1 != null && stat1[0] > stat0[0]) {
            // the machine over the window: busy share of all CPUs, and time the hypervisor took away
            o.put("machine_busy_pct", 100.0 * (stat1[1] - stat0[1]) / (stat1[0] - stat0[0]));
            o.put("machine_steal_pct", 100.0 * (stat1[2] - stat0[2]) / (stat1[0] - stat0[0]));
        }
        ObjectNode lat = o.putObject("latency_us");
        totals.put(lat);
        if (metrics0 != null && metrics1 != null) {
            ObjectNode m = o.putObject("overhead_metrics");
            m.put("route", route);
            m.put("count", metrics1.countSince(metrics0));
            m.put("mean_us", metrics1.meanMicrosSince(metrics0));
            m.put("p50_us", metrics1.quantileMicrosSince(metrics0, 0.5));
            m.put("p99_us", metrics1.quantileMicrosSince(metrics0, 0.99));
        }
        // requests counted per second of the window: those due in it (open) or those answered in it (closed)
        double perWindow = closed ? Math.max(1, ok1 - ok0) : r * windowS;
        if (watch != null) {
            ObjectNode p = o.putObject("proc");
            p.put("pid", watchPid);
            long cpu = cpu1 - cpu0;
            p.put("cpu_us", cpu);
            p.put("cpu_share", cpu / (windowS * 1e6));
            p.put("cpu_us_per_request", cpu / perWindow);
            if (ev1 > ev0) {
                p.put("cpu_us_per_event", (double) cpu / (ev1 - ev0));
            }
            if (eventsPerRequest > 0) {
                p.put("cpu_us_per_answer_event", cpu / perWindow / eventsPerRequest);
            }
            if (watchThreads != null && threads0 >= 0 && threads1 >= 0) {
                p.put("threads", watchThreads);
                p.put("threads_count", loops);
                p.put("threads_cpu_us_per_request", (threads1 - threads0) / perWindow);
            }
            if (!groups1.isEmpty()) {
                ObjectNode g = p.putObject("thread_groups_cpu_us_per_request");
                groups1.forEach((name, us) -> {
                    double d = (us - groups0.getOrDefault(name, 0L)) / perWindow;
                    if (d > 0) {
                        g.put(name, d);
                    }
                });
            }
            p.put("rss_before_kb", rssBefore);
            p.put("rss_max_kb", rssMax);
            p.put("rss_at_peak_kb", rssAtPeak);
            if (heap != null) {
                p.put("heap_used_kb", heap[0]);
                p.put("heap_committed_kb", heap[1]);
            }
            if (live != null) {
                p.put("heap_live_kb", live[0]);
            }
        }
        ObjectNode also = o.putObject("others");
        for (int i = 0; i < others.size(); i++) {
            ObjectNode x = also.putObject(otherNames.get(i));
            long cpu = others1[i] - others0[i];
            x.put("pid", others.get(i).pid());
            x.put("cpu_share", cpu / (windowS * 1e6));
            x.put("cpu_us_per_request", cpu / perWindow);
        }
        if (logFile != null) {
            long sent = c[9];
            long lines = awaitLogLines(logFile, logOffset, logMatch != null ? logMatch : "\"path\":\"" + route + "\"", sent);
            ObjectNode l = o.putObject("log_lines");
            l.put("expected", sent);
            l.put("written", lines);
            l.put("missing", Math.max(0, sent - lines));
        }
        if (metricsBefore != null && !counters.isEmpty()) {
            String metricsAfter = OverheadScrape.fetch(metricsUrl);
            ObjectNode k = o.putObject("counters");
            for (String name : counters) {
                double before = OverheadScrape.sum(metricsBefore, name);
                double after = metricsAfter == null ? Double.NaN : OverheadScrape.sum(metricsAfter, name);
                if (Double.isNaN(before) && !Double.isNaN(after) && OverheadScrape.declares(metricsBefore, name)) {
                    before = 0; // a series (backend="x") first counted during the run
                }
                if (Double.isNaN(before) || Double.isNaN(after)) {
                    k.putNull(name); // not exported by this build
                } else {
                    k.put(name, after - before);
                }
            }
        }
        print(o);
        return o;
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * Lines containing {@code match} that {@code file} gained after {@code offset}, counted once they
     * stop growing (an asynchronous log writes a moment after the answer): when {@code expected} are
     * there, or nothing new came for half a second, or after ten seconds. Read incrementally: each
     * complete line once.
     */
    private static long awaitLogLines(Path file, long offset, String match, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        LineCounter counter = new LineCounter(file, offset, match);
        long stableSince = System.nanoTime();
        while (true) {
            if (counter.advance()) {
                stableSince = System.nanoTime();
            }
            if (counter.lines >= expected || System.nanoTime() - stableSince > 500_000_000L || System.nanoTime() > deadline) {
                return counter.lines;
            }
            Thread.sleep(100);
        }
    }

    /** Counts the complete lines of a growing file that contain an ASCII string, from an offset on. */
    static final class LineCounter {
        private final Path file;
        private final byte[] needle;
        private long position;
        long lines;

        LineCounter(Path file, long offset, String match) {
            this.file = file;
            this.needle = match.getBytes(StandardCharsets.ISO_8859_1);
            this.position = Math.max(0, offset);
        }

        /** Reads what was appended since the last call; true when anything was. */
        boolean advance() {
            try (var ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.READ)) {
                long size = ch.size();
                if (size < position) {
                    position = 0; // truncated since: count from its start
                }
                if (size == position) {
                    return false;
                }
                ch.position(position);
                java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(1 << 20);
                byte[] carry = new byte[0]; // a line cut by the end of a read
                long consumed = position;
                while (ch.read(buf) > 0) {
                    buf.flip();
                    byte[] chunk = new byte[carry.length + buf.remaining()];
                    System.arraycopy(carry, 0, chunk, 0, carry.length);
                    buf.get(chunk, carry.length, chunk.length - carry.length);
                    buf.clear();
                    int lineStart = 0;
                    for (int i = 0; i < chunk.length; i++) {
                        if (chunk[i] == '\n') {
                            if (contains(chunk, lineStart, i)) {
                                lines++;
                            }
                            consumed += i + 1 - lineStart;
                            lineStart = i + 1;
                        }
                    }
                    carry = java.util.Arrays.copyOfRange(chunk, lineStart, chunk.length);
                }
                position = consumed; // an incomplete last line is read again next time
                return true;
            } catch (IOException e) {
                return false;
            }
        }

        private boolean contains(byte[] b, int from, int to) {
            outer:
            for (int i = from, last = to - needle.length; i <= last; i++) {
                for (int j = 0; j < needle.length; j++) {
                    if (b[i + j] != needle[j]) {
                        continue outer;
                    }
                }
                return true;
            }
            return false;
        }
    }

    private void print(ObjectNode o) {
        boolean closed = "closed".equals(o.path("mode").asText());
        System.out.printf("%s: %s for %.1fs (+%.1fs warm-up): %d sent, %d ok, %d errors (%d timeouts, %d connect, "
                        + "%d http, %d closed), %d connections%n",
                o.path("label").asText(), closed
                        ? String.format("closed loop over %d connections, %.0f/s carried", o.path("connections").asInt(),
                                o.path("carried_rate").asDouble())
                        : String.format("%.0f/s", o.path("rate").asDouble()),
                o.path("duration_s").asDouble(),
                o.path("warmup_s").asDouble(), o.path("measured_requests").asLong(), o.path("completed").asLong(),
                o.path("errors").asLong(), o.path("timeouts").asLong(), o.path("connect_errors").asLong(),
                o.path("http_errors").asLong(), o.path("closed_early").asLong(), o.path("connections_opened").asLong());
        StringBuilder brief = new StringBuilder();
        if (o.has("proc")) {
            var p = o.path("proc");
            brief.append(String.format("  process: %.1f us CPU/request", p.path("cpu_us_per_request").asDouble()));
            if (p.has("cpu_us_per_answer_event")) {
                brief.append(String.format(" (%.2f us per token event)", p.path("cpu_us_per_answer_event").asDouble()));
            }
            brief.append(String.format(", %.0f%% of a core", 100 * p.path("cpu_share").asDouble()));
            if (p.path("threads_count").asInt() > 0) {
                brief.append(", ").append(p.path("threads_count").asInt()).append(" event loops");
            }
        }
        if (o.has("log_lines")) {
            brief.append(String.format("; access-log lines %d of %d", o.path("log_lines").path("written").asLong(),
                    o.path("log_lines").path("expected").asLong()));
        }
        o.path("counters").properties().forEach(e -> brief.append("; ").append(e.getKey()).append(" +")
                .append(e.getValue().isNull() ? "(not exported)" : String.format("%.0f", e.getValue().asDouble())));
        if (brief.length() > 0) {
            System.out.println(brief);
        }
        if (quiet) {
            return;
        }
        o.path("others").properties().forEach(e -> System.out.printf("  %s (pid %d): %.1f us CPU/request, %.0f%% of a core%n",
                e.getKey(), e.getValue().path("pid").asLong(), e.getValue().path("cpu_us_per_request").asDouble(),
                100 * e.getValue().path("cpu_share").asDouble()));
        System.out.printf("  %-12s %9s %9s %9s %9s %9s %9s  (us)%n", "", "p50", "p90", "p99", "p99.9", "max", "count");
        o.path("latency_us").properties().forEach(e -> {
            var h = e.getValue();
            System.out.printf("  %-12s %9.1f %9.1f %9.1f %9.1f %9.1f %9d%n", e.getKey(), h.path("p50").asDouble(),
                    h.path("p90").asDouble(), h.path("p99").asDouble(), h.path("p99.9").asDouble(),
                    h.path("max").asDouble(), h.path("count").asLong());
        });
        if (o.path("stream_events").asLong() > 0) {
            System.out.printf("  stream lines received: %d (%.0f/s in the window)%n", o.path("stream_events").asLong(),
                    o.path("events_per_s").asDouble());
        }
        if (o.has("machine_steal_pct")) {
            System.out.printf("  machine over the window: %.0f%% of all CPUs busy, %.1f%% stolen by the hypervisor%n",
                    o.path("machine_busy_pct").asDouble(), o.path("machine_steal_pct").asDouble());
        }
        if (o.has("proc")) {
            var p = o.path("proc");
            System.out.printf("  process %d: %.1f us CPU/request%s, %.0f%% of a core, VmRSS %d kB at peak (max %d, before %d)%s%n",
                    p.path("pid").asLong(), p.path("cpu_us_per_request").asDouble(),
                    p.has("cpu_us_per_event") ? String.format(", %.2f us/stream line", p.path("cpu_us_per_event").asDouble()) : "",
                    100 * p.path("cpu_share").asDouble(), p.path("rss_at_peak_kb").asLong(), p.path("rss_max_kb").asLong(),
                    p.path("rss_before_kb").asLong(),
                    p.has("heap_used_kb") ? String.format(", heap used %d kB, live %d kB", p.path("heap_used_kb").asLong(),
                            p.path("heap_live_kb").asLong()) : "");
            if (p.has("threads_cpu_us_per_request")) {
                System.out.printf("  threads %s*: %.1f us CPU/request%n", p.path("threads").asText(),
                        p.path("threads_cpu_us_per_request").asDouble());
            }
        }
        if (o.has("overhead_metrics")) {
            var m = o.path("overhead_metrics");
            System.out.printf("  /metrics overhead of %s: mean %.1f us, p50 %.1f us, p99 %.1f us over %d requests%n",
                    m.path("route").asText(), m.path("mean_us").asDouble(), m.path("p50_us").asDouble(),
                    m.path("p99_us").asDouble(), m.path("count").asLong());
        }
    }

    private static void sleepUntil(long deadline, Totals totals, HistogramLogWriter log) throws InterruptedException {
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            TimeUnit.NANOSECONDS.sleep(Math.min(left, 1_000_000_000L));
            if (left > 1_000_000_000L) {
                totals.drain(log);
            }
        }
    }

    /** Interval histograms drained from the run's recorders into totals (and the log). */
    private static final class Totals {
        private final String[] names = {"headers", "first_byte", "first_token", "total", "gap", "send_lag", "overhead_hdr"};
        private final Recorder[] recorders;
        private final Histogram[] totals = new Histogram[names.length];
        private final Histogram[] recycled = new Histogram[names.length];

        Totals(OpenLoopRun run) {
            recorders = new Recorder[] {run.headers, run.firstByte, run.firstToken, run.total, run.gap, run.sendLag, run.overhead};
            for (int i = 0; i < names.length; i++) {
                totals[i] = new Histogram(3);
            }
        }

        synchronized void drain(HistogramLogWriter log) {
            for (int i = 0; i < names.length; i++) {
                Histogram interval = recorders[i].getIntervalHistogram(recycled[i]);
                recycled[i] = interval;
                if (interval.getTotalCount() == 0) {
                    continue;
                }
                totals[i].add(interval);
                if (log != null) {
                    interval.setTag(names[i]);
                    log.outputIntervalHistogram(interval);
                }
            }
        }

        void put(ObjectNode lat) {
            for (int i = 0; i < names.length; i++) {
                Histogram h = totals[i];
                if (h.getTotalCount() == 0) {
                    continue;
                }
                ObjectNode p = lat.putObject(names[i]);
                p.put("p50", h.getValueAtPercentile(50) / 1e3);
                p.put("p90", h.getValueAtPercentile(90) / 1e3);
                p.put("p99", h.getValueAtPercentile(99) / 1e3);
                p.put("p99.9", h.getValueAtPercentile(99.9) / 1e3);
                p.put("max", h.getMaxValue() / 1e3);
                p.put("mean", h.getMean() / 1e3);
                p.put("count", h.getTotalCount());
            }
        }
    }
}
