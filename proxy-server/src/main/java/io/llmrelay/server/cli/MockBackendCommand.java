package io.llmrelay.server.cli;

import io.llmrelay.server.runtime.Transport;
import io.llmrelay.server.demo.DemoBackend;
import io.llmrelay.server.demo.Fault;
import io.llmrelay.server.demo.FaultPlan;
import io.llmrelay.server.demo.FaultScope;
import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code llm-relay mock-backend}: the demo backend as its own process, to stand behind a proxy; with
 * {@code --models}, several of them serving different (or shared) models make a fleet to try; with
 * {@code --fault}, a faulty member of one (switchable at run time through {@code POST /__fault}).
 */
@Command(name = "mock-backend", mixinStandardHelpOptions = true, versionProvider = RelayCommand.Version.class,
        description = "Run the built-in deterministic OpenAI-compatible demo backend on its own.")
final class MockBackendCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--host", paramLabel = "ADDR", defaultValue = "127.0.0.1", description = "Address (default ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", paramLabel = "N", defaultValue = "8000", description = "Port (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--token-delay-ms", paramLabel = "MS", defaultValue = "40",
            description = "Pause between streamed tokens (default ${DEFAULT-VALUE}).")
    int tokenDelayMs;

    @Option(names = "--models", paramLabel = "ID", split = ",",
            description = "Model ids to serve, in this order; an id containing 'embed' is an embedding model, any "
                    + "other a chat model (default: demo,demo-embed).")
    List<String> models;

    @Option(names = "--fault", paramLabel = "MODE", defaultValue = "none",
            description = "Fault to inject (default ${DEFAULT-VALUE}): none, refuse, reset-before-headers, "
                    + "reset-mid-stream, stall-before-first-byte, stall-mid-stream, malformed-sse, oversize-event, "
                    + "500, 429, 503, slow-drip, wrong-content-type. See docs/RELIABILITY.md.")
    String fault;

    @Option(names = "--fault-rate", paramLabel = "P", defaultValue = "1",
            description = "Share of the requests in scope that get the fault, 0 to 1 (default ${DEFAULT-VALUE}).")
    double faultRate;

    @Option(names = "--fault-seed", paramLabel = "N",
            description = "Seed of the choice of faulted requests, for a run that faults the same ones again "
                    + "(default: a random seed, logged).")
    Long faultSeed;

    @Option(names = "--fault-scope", paramLabel = "inference|all", defaultValue = "inference",
            description = "Requests the fault may hit: inference (POST /v1/chat/completions, /v1/completions, "
                    + "/v1/embeddings) or all (the model list and probes too) (default ${DEFAULT-VALUE}).")
    String faultScope;

    @Option(names = "--retry-after", paramLabel = "SECONDS", defaultValue = "2",
            description = "Retry-After of the 429 and 503 faults (default ${DEFAULT-VALUE}).")
    int retryAfter;

    @Option(names = "--drip-ms", paramLabel = "MS", defaultValue = "100",
            description = "Pause between two bytes of the slow-drip fault (default ${DEFAULT-VALUE}).")
    int dripMs;

    @Option(names = "--oversize-mib", paramLabel = "MIB", defaultValue = "32",
            description = "Content in the one event of the oversize-event fault, in MiB (default ${DEFAULT-VALUE}).")
    int oversizeMib;

    @Option(names = "--log-format", paramLabel = "json|text", description = "Log format (default text on a terminal, json otherwise).")
    String logFormat;

    @Override
    public Integer call() throws Exception {
        List<String> served;
        try {
            served = DemoBackend.checkedModels(models == null ? DemoBackend.defaultModels() : models);
        } catch (IllegalArgumentException e) {
            // a bad --models list is the user's to fix, like any bad flag: status 2, before anything starts
            spec.commandLine().getErr().println("llm-relay: mock-backend: --models: " + e.getMessage());
            return 2;
        }
        FaultPlan faults;
        try {
            faults = faultPlan();
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("llm-relay: mock-backend: " + e.getMessage());
            return 2;
        }
        LogSetup.configure(logFormat != null ? logFormat : System.console() != null ? "text" : "json", "INFO");
        Logger log = LoggerFactory.getLogger("llm_relay.demo");
        Transport transport = Transport.best();
        EventLoopGroup group = transport.newGroup(1, "demo");
        DemoBackend demo;
        try {
            demo = DemoBackend.start(group, transport, host, port, Duration.ofMillis(Math.max(0, tokenDelayMs)), served,
                    faults);
        } catch (Exception e) {
            log.error("demo backend could not start on {}:{}: {}", host, port, e.toString());
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            LogSetup.flush();
            return 1;
        }
        log.info("Demo backend listening at {} (models {})", demo.baseUrl(), String.join(", ", demo.models()));
        if (faults.active()) {
            log.info("Injecting fault {}; POST /__fault switches it, GET /__stats counts", faults.describe());
        }
        CountDownLatch stopped = new CountDownLatch(1);
        DemoBackend running = demo;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            running.close();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            LogSetup.flush();
            stopped.countDown();
        }, "demo-shutdown"));
        stopped.await();
        return 0;
    }

    /**
     * The fault plan the flags ask for.
     *
     * @throws IllegalArgumentException naming the flag that is wrong
     */
    FaultPlan faultPlan() {
        FaultPlan plan = FaultPlan.NONE;
        try {
            plan = plan.withMode(Fault.parse(fault));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--fault: " + e.getMessage());
        }
        try {
            plan = plan.withScope(FaultScope.parse(faultScope));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--fault-scope: " + e.getMessage());
        }
        if (!(faultRate >= 0 && faultRate <= 1)) {
            throw new IllegalArgumentException("--fault-rate: must be between 0 and 1, not " + faultRate);
        }
        if (retryAfter < 0) {
            throw new IllegalArgumentException("--retry-after: must be 0 or more seconds, not " + retryAfter);
        }
        if (dripMs <= 0) {
            throw new IllegalArgumentException("--drip-ms: must be positive, not " + dripMs);
        }
        if (oversizeMib <= 0) {
            throw new IllegalArgumentException("--oversize-mib: must be positive, not " + oversizeMib);
        }
        return plan.withRate(faultRate)
                .withSeed(faultSeed != null ? faultSeed : ThreadLocalRandom.current().nextLong())
                .withRetryAfterSeconds(retryAfter)
                .withDrip(Duration.ofMillis(dripMs))
                .withOversizeBytes(oversizeMib * 1024L * 1024);
    }
}
