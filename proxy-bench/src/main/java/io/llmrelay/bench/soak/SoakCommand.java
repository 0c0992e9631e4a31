package io.llmrelay.bench.soak;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench soak}: a bounded reliability soak of llm-relay as users run it. Three demo backends
 * ({@code llm-relay mock-backend}) and the proxy ({@code llm-relay serve --config}, Netty's
 * paranoid leak detection on) are started as processes on free loopback ports; a closed loop of
 * clients sends a seeded mix of Ollama and OpenAI requests, streamed and whole, while the backends'
 * faults are switched at random and some clients walk away mid-answer. Every answer is read whole
 * and judged; the proxy's log is searched for leak reports after forced collections. Exit status 0
 * only when nothing hung, nothing was malformed and nothing leaked.
 */
@Command(name = "soak", mixinStandardHelpOptions = true,
        description = {"Reliability soak: llm-relay in front of three fault-injecting demo backends, mixed requests, "
                + "faults switched at random, clients leaving at random, paranoid leak detection.",
            "Exit status: 0 pass; 1 a request hung, an answer was malformed or a buffer leaked; 2 the soak itself "
                + "could not run."})
public final class SoakCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--requests", defaultValue = "20000", description = "Requests of the soak proper (default ${DEFAULT-VALUE}).")
    long requests;

    @Option(names = "--concurrency", defaultValue = "32", description = "Clients, each with one request under way (default ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the request mix, the disconnects and the faults (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--disconnect-rate", defaultValue = "0.05", description = "Share of requests whose client closes the connection at a random point (default ${DEFAULT-VALUE}).")
    double disconnectRate;

    @Option(names = "--fault-every", paramLabel = "MS", defaultValue = "500", description = "Milliseconds between two fault switches (default ${DEFAULT-VALUE}).")
    long faultEveryMillis;

    @Option(names = "--faults", split = ",", paramLabel = "MODE", description = "Fault modes to draw from (default: all of the demo backend's).")
    List<String> faults = new ArrayList<>(FaultChoice.MODES);

    @Option(names = "--max-faulty", defaultValue = "1", description = "Backends faulty at once, at most (default ${DEFAULT-VALUE}; "
            + "with 1, every model always has a backend without a fault).")
    int maxFaulty;

    @Option(names = "--no-fault-share", defaultValue = "0.35", description = "Share of the switches that clear a backend's fault (default ${DEFAULT-VALUE}).")
    double noFaultShare;

    @Option(names = "--oversize-bytes", defaultValue = "17825792", description = "Size of the oversize-event fault's event (default ${DEFAULT-VALUE}: 17 MiB, "
            + "just over the proxy's 16 MiB event limit).")
    long oversizeBytes;

    @Option(names = "--warmup", defaultValue = "1000", description = "Requests before the soak proper, without faults or disconnects (default ${DEFAULT-VALUE}).")
    long warmup;

    @Option(names = "--probe", defaultValue = "200", description = "Requests after each forced collection at the end, which make the leak detector report (default ${DEFAULT-VALUE}).")
    long probe;

    @Option(names = "--deadline", paramLabel = "S", defaultValue = "30", description = "Seconds a request may take before it counts as hung (default ${DEFAULT-VALUE}).")
    long deadlineSeconds;

    @Option(names = "--backend-timeout", paramLabel = "MS", defaultValue = "2000", description = "Each backend's first-byte and idle limits in the proxy's configuration (default ${DEFAULT-VALUE}).")
    long backendTimeoutMillis;

    @Option(names = "--health-interval", paramLabel = "MS", defaultValue = "250", description = "The proxy's probe interval (default ${DEFAULT-VALUE}).")
    long healthIntervalMillis;

    @Option(names = "--token-delay", paramLabel = "MS", defaultValue = "1", description = "The demo backends' pause between streamed tokens (default ${DEFAULT-VALUE}).")
    int tokenDelayMillis;

    @Option(names = "--max-tokens", defaultValue = "13", description = "Caps each reply at this many tokens (num_predict, "
            + "max_tokens), 13 or more so that it still names its request, or 0 for the whole reply of 25 (default "
            + "${DEFAULT-VALUE}: a stream of 13 token events costs the backends and the proxy much less than 25, and the "
            + "faults still strike mid-stream, after the third).")
    int maxTokens;

    @Option(names = "--relay-jar", defaultValue = "proxy-server/target/llm-relay.jar", description = "The proxy's jar (default ${DEFAULT-VALUE}).")
    Path relayJar;

    @Option(names = "--java", description = "The java that runs the proxy and the backends (default: this JVM's); its jcmd reads the proxy's heap.")
    Path java;

    @Option(names = "--proxy-java-opts", defaultValue = "-Xms64m -Xmx384m -Xmn32m -XX:+UseParallelGC -XX:+ExitOnOutOfMemoryError",
            description = "The proxy's JVM flags besides paranoid leak detection (default: ./run.sh's, '${DEFAULT-VALUE}').")
    String proxyJavaOpts;

    @Option(names = "--backend-java-opts", defaultValue = "-Xmx512m -XX:+UseParallelGC", description = "The backends' JVM flags (default '${DEFAULT-VALUE}').")
    String backendJavaOpts;

    @Option(names = "--dir", defaultValue = "proxy-bench/target/soak", description = "Where the configuration and every process's output go (default ${DEFAULT-VALUE}).")
    Path dir;

    @Option(names = "--out", description = "Write the results as JSON to this file.")
    Path out;

    @Option(names = "--progress", paramLabel = "S", defaultValue = "10", description = "Seconds between progress lines on stderr (default ${DEFAULT-VALUE}).")
    long progressSeconds;

    @Override
    public Integer call() {
        String problem = problem();
        if (problem != null) {
            spec.commandLine().getErr().println("bench soak: " + problem);
            return 2;
        }
        return new SoakRun(this).run();
    }

    /** What is wrong with the options, or null. */
    private String problem() {
        if (requests < 1 || concurrency < 1 || warmup < 0 || probe < 1) {
            return "--requests, --concurrency and --probe must be at least 1, --warmup at least 0";
        }
        if (!(disconnectRate >= 0 && disconnectRate <= 1) || !(noFaultShare >= 0 && noFaultShare <= 1)) {
            return "--disconnect-rate and --no-fault-share must be between 0 and 1";
        }
        if (maxTokens != 0 && maxTokens < 13) {
            return "--max-tokens must be 0 (no cap) or at least 13, so that each reply still names its request";
        }
        if (faultEveryMillis < 10 || deadlineSeconds < 1 || backendTimeoutMillis < 1 || healthIntervalMillis < 100) {
            return "--fault-every must be at least 10 ms, --deadline 1 s, --backend-timeout 1 ms, --health-interval 100 ms";
        }
        try {
            new FaultChoice(seed, FleetLayout.MEMBERS.size(), faults, maxFaulty, noFaultShare);
        } catch (IllegalArgumentException e) {
            return "--faults/--max-faulty: " + e.getMessage();
        }
        return null;
    }
}
