package io.llmrelay.bench.soak;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmrelay.bench.NettyTransport;
import io.llmrelay.bench.load.OverheadScrape;
import io.llmrelay.bench.load.ProcWatch;
import io.llmrelay.core.json.Json;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * One soak, start to end: the fleet and the proxy started, a warm-up, the soak proper with faults
 * switching, forced collections and probe requests for the leak detector, the figures gathered,
 * every process stopped, the logs searched, the report written. Blocking is fine here: this is the
 * command's own thread; the requests run on the client's event loop.
 */
final class SoakRun {

    private static final Pattern BACKEND_LISTENING = Pattern.compile("Demo backend listening at http://127\\.0\\.0\\.1:(\\d+)/");
    private static final Pattern PROXY_LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+) ");
    private static final String LEAK_LEVEL = "io.netty.leakDetection.level=paranoid";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final SoakCommand o;
    private final PrintStream err = System.err;
    private final long t0 = System.nanoTime();

    SoakRun(SoakCommand options) {
        this.o = options;
    }

    int run() {
        Path javaBin = o.java != null ? o.java : Path.of(System.getProperty("java.home"), "bin", "java");
        Path jcmd = javaBin.resolveSibling("jcmd");
        EventLoopGroup group = NettyTransport.group(1, "soak");
        Children.Child[] proxy = new Children.Child[1];
        try {
            if (!Files.isRegularFile(o.relayJar)) {
                throw new IOException("no proxy jar at " + o.relayJar + " (build with mvn -B -q -DskipTests package)");
            }
            prepare(o.dir);
            try (Children children = new Children(o.dir)) {
                return soak(children, javaBin, jcmd, group, proxy);
            }
        } catch (Exception e) {
            err.println("bench soak: could not run: " + e);
            if (proxy[0] != null) {
                err.print(LogScan.tail(proxy[0].out(), 30));
                err.print(LogScan.tail(proxy[0].err(), 30));
            }
            return 2;
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** The run's directory, emptied of an earlier run's files. */
    private static void prepare(Path dir) throws IOException {
        Files.createDirectories(dir);
        try (var files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String name = f.getFileName().toString();
                if (name.endsWith(".out") || name.endsWith(".err") || name.equals("relay.yaml")) {
                    Files.delete(f);
                }
            }
        }
    }

    private int soak(Children children, Path javaBin, Path jcmd, EventLoopGroup group, Children.Child[] proxyOut)
            throws Exception {
        // ---- the fleet: three demo backends on ports of their own choosing
        List<Children.Child> backends = new ArrayList<>();
        for (FleetLayout.Member m : FleetLayout.MEMBERS) {
            List<String> cmd = new ArrayList<>(List.of(javaBin.toString()));
            cmd.addAll(words(o.backendJavaOpts));
            cmd.addAll(List.of("-jar", o.relayJar.toString(), "mock-backend", "--host", "127.0.0.1", "--port", "0",
                    "--models", String.join(",", m.models()), "--token-delay-ms", Integer.toString(o.tokenDelayMillis),
                    "--log-format", "json"));
            backends.add(children.start(m.name(), cmd));
        }
        List<Integer> ports = new ArrayList<>();
        List<String> roots = new ArrayList<>();
        for (Children.Child b : backends) {
            int port = Integer.parseInt(b.await(BACKEND_LISTENING, 60_000));
            ports.add(port);
            roots.add("http://127.0.0.1:" + port);
        }
        Path config = o.dir.resolve("relay.yaml");
        Files.writeString(config, FleetLayout.relayYaml(ports, o.healthIntervalMillis, o.backendTimeoutMillis));

        // ---- the proxy, as users run it, with paranoid leak detection
        List<String> cmd = new ArrayList<>(List.of(javaBin.toString(), "-Dio.netty.leakDetection.level=paranoid"));
        cmd.addAll(words(o.proxyJavaOpts));
        cmd.addAll(List.of("-jar", o.relayJar.toString(), "serve", "--config", config.toString(), "--host", "127.0.0.1",
                "--port", "0"));
        Children.Child proxy = children.start("relay", cmd);
        proxyOut[0] = proxy;
        int port = Integer.parseInt(proxy.await(PROXY_LISTENING, 60_000));
        String base = "http://127.0.0.1:" + port;
        awaitReady(URI.create(base + "/health/ready"), proxy);
        ProcWatch watch = new ProcWatch(proxy.pid(), 100, jcmd.toString());
        String props = watch.jcmd("VM.system_properties");
        boolean paranoid = props != null && props.contains(LEAK_LEVEL);
        if (!paranoid) {
            err.println("bench soak: warning: could not confirm " + LEAK_LEVEL + " in the proxy with " + jcmd);
        }
        progress("fleet up: backends on ports %s, proxy on %d (pid %d)", ports, port, proxy.pid());

        Map<String, FaultTimeline> timelines = new LinkedHashMap<>();
        FleetLayout.MEMBERS.forEach(m -> timelines.put(m.name(), new FaultTimeline(FaultChoice.NONE)));
        SoakClient client = new SoakClient(group.next(), new InetSocketAddress("127.0.0.1", port),
                TimeUnit.SECONDS.toNanos(o.deadlineSeconds));
        RequestMix mix = new RequestMix(o.seed, FleetLayout.chatModels(), FleetLayout.embeddingModels(), o.disconnectRate,
                o.maxTokens);

        // ---- warm-up: no faults, nobody leaves
        Tally warm = new Tally(timelines);
        phase("warm-up", client, mix, o.warmup, false, warm, null, null);
        Memory start = Memory.read(watch);
        progress("after warm-up: RSS %d MB, heap %d MB after GC", start.rssKb / 1024, start.heapKb / 1024);

        // ---- the soak proper
        FaultSwitcher switcher = new FaultSwitcher(roots, new ArrayList<>(timelines.values()),
                new FaultChoice(o.seed * 31 + 7, backends.size(), o.faults, o.maxFaulty, o.noFaultShare), o.oversizeBytes);
        Tally soak = new Tally(timelines);
        ArrayNode samples = Json.NODES.arrayNode();
        // what each side spent on the soak proper: the proxy, the three backends, this client (its own
        // process only: a ProcWatch of it would add its children, the proxy and the backends)
        List<ProcWatch> backendWatches = backends.stream().map(b -> new ProcWatch(b.pid(), 100, jcmd.toString())).toList();
        long[] cpuBefore = {watch.cpuMicros(), cpu(backendWatches), ownCpuMicros()};
        long soakStart = System.nanoTime();
        switcher.start(o.faultEveryMillis);
        try {
            phase("soak", client, mix, o.requests, true, soak, watch, samples);
        } finally {
            switcher.stop();
        }
        long soakNanos = System.nanoTime() - soakStart;
        long[] cpuMicros = {watch.cpuMicros() - cpuBefore[0], cpu(backendWatches) - cpuBefore[1],
            ownCpuMicros() - cpuBefore[2]};

        // ---- leak reports come when a leaked buffer has been collected and the detector runs again
        Tally probes = new Tally(timelines);
        for (int round = 0; round < 2; round++) {
            watch.gc();
            Thread.sleep(500);
            phase("leak probe " + (round + 1), client, mix, o.probe, false, probes, null, null);
        }
        Thread.sleep(1000);
        Memory end = Memory.read(watch);

        // ---- the proxy's and the backends' own accounts
        JsonNode gauges = settledGauges(URI.create(base + "/metrics"));
        String metrics = OverheadScrape.fetch(URI.create(base + "/metrics"));
        List<JsonNode> stats = new ArrayList<>();
        for (String root : roots) {
            stats.add(getJson(URI.create(root + "/__stats")));
        }

        // ---- stop everything, then read the logs whole
        int proxyExit = Children.stop(proxy, 30_000);
        for (Children.Child b : backends) {
            Children.stop(b, 10_000);
        }
        LogScan proxyLog = LogScan.of(proxy.out(), proxy.err());
        List<LogScan> backendLogs = new ArrayList<>();
        for (Children.Child b : backends) {
            backendLogs.add(LogScan.of(b.out(), b.err()));
        }

        SoakReport report = new SoakReport(o, warm, soak, probes, soakNanos, cpuMicros, start, end, samples, switcher,
                metrics, gauges, stats, proxyLog, backendLogs, paranoid, proxyExit, System.nanoTime() - t0);
        report.print(System.out);
        if (o.out != null) {
            Files.writeString(o.out, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(report.json()) + "\n");
        }
        if (!report.passed()) {
            System.out.print(LogScan.tail(proxy.out(), 30));
            System.out.print(LogScan.tail(proxy.err(), 30));
            return 1;
        }
        return 0;
    }

    /**
     * Sends {@code count} requests of the mix through the client and records them in {@code tally};
     * with {@code watch}, a progress line and a sample of the proxy's RSS every --progress seconds.
     */
    private void phase(String name, SoakClient client, RequestMix mix, long count, boolean abandonable, Tally tally,
            ProcWatch watch, ArrayNode samples) throws Exception {
        long[] drawn = {0};
        long startEnded = client.ended();
        long startNanos = System.nanoTime();
        CompletableFuture<Void> done = client.run(o.concurrency, () -> drawn[0]++ < count ? mix.next(abandonable) : null,
                tally::record);
        while (true) {
            try {
                done.get(o.progressSeconds, TimeUnit.SECONDS);
                break;
            } catch (TimeoutException stillRunning) {
                long ended = client.ended() - startEnded;
                double seconds = (System.nanoTime() - startNanos) / 1e9;
                long rss = watch != null ? watch.rssKb() : -1;
                if (samples != null) {
                    ObjectNode s = samples.addObject();
                    s.put("s", Math.round(seconds));
                    s.put("ended", ended);
                    s.put("rss_kb", rss);
                }
                progress("%s: %d of %d ended, %.0f/s%s", name, ended, count, ended / seconds,
                        rss > 0 ? String.format(", proxy RSS %d MB", rss / 1024) : "");
            } catch (ExecutionException e) {
                throw new IOException(name + " failed", e.getCause());
            }
        }
        progress("%s: %d requests in %.1f s", name, count, (System.nanoTime() - startNanos) / 1e9);
    }

    private void awaitReady(URI ready, Children.Child proxy) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (status(ready) == 200) {
                return;
            }
            if (!proxy.process().isAlive()) {
                break;
            }
            Thread.sleep(50);
        }
        throw new IOException("the proxy was not ready (" + ready + ") within 60 s");
    }

    /**
     * The proxy's in-flight gauges once they have settled (up to 5 s): with every client done, each
     * should be back to zero, but for the scrape itself.
     */
    private static JsonNode settledGauges(URI metrics) throws InterruptedException {
        ObjectNode g = Json.NODES.objectNode();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            String text = OverheadScrape.fetch(metrics);
            double requests = text == null ? Double.NaN : OverheadScrape.sum(text, "llm_relay_inflight_requests");
            double streams = text == null ? Double.NaN : OverheadScrape.sum(text, "llm_relay_inflight_streams");
            double slots = text == null ? Double.NaN : OverheadScrape.sum(text, "llm_relay_backend_in_flight");
            g.put("inflight_requests_besides_the_scrape", requests - 1);
            g.put("inflight_streams", streams);
            g.put("backend_slots_held", slots);
            if (requests - 1 <= 0 && streams <= 0 && slots <= 0 || System.nanoTime() > deadline) {
                return g;
            }
            Thread.sleep(200);
        }
    }

    private static int status(URI uri) {
        try {
            return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    private static JsonNode getJson(URI uri) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? Json.mapper().readTree(r.body()) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static long ownCpuMicros() {
        return ProcessHandle.current().info().totalCpuDuration().map(d -> d.toNanos() / 1000).orElse(0L);
    }

    private static long cpu(List<ProcWatch> processes) {
        return processes.stream().mapToLong(ProcWatch::cpuMicros).sum();
    }

    private static List<String> words(String flags) {
        return Arrays.stream(flags.trim().split("\\s+")).filter(w -> !w.isEmpty()).toList();
    }

    private void progress(String format, Object... args) {
        long s = (System.nanoTime() - t0) / 1_000_000_000L;
        err.printf("[%02d:%02d] %s%n", s / 60, s % 60, String.format(format, args));
    }

    /** The proxy's memory after a forced full collection. */
    record Memory(long rssKb, long heapKb) {
        static Memory read(ProcWatch watch) {
            watch.gc();
            long[] heap = watch.heapKb();
            return new Memory(watch.rssKb(), heap == null ? -1 : heap[0]);
        }
    }
}
