package io.llmrelay.server.cli;

import io.llmrelay.server.runtime.Transport;
import io.llmrelay.server.demo.DemoBackend;
import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code llm-relay mock-backend}: the demo backend as its own process, to stand behind a proxy; with
 * {@code --models}, several of them serving different (or shared) models make a fleet to try.
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
        LogSetup.configure(logFormat != null ? logFormat : System.console() != null ? "text" : "json", "INFO");
        Logger log = LoggerFactory.getLogger("llm_relay.demo");
        Transport transport = Transport.best();
        EventLoopGroup group = transport.newGroup(1, "demo");
        DemoBackend demo;
        try {
            demo = DemoBackend.start(group, transport, host, port, Duration.ofMillis(Math.max(0, tokenDelayMs)), served);
        } catch (Exception e) {
            log.error("demo backend could not start on {}:{}: {}", host, port, e.toString());
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            LogSetup.flush();
            return 1;
        }
        log.info("Demo backend listening at {} (models {})", demo.baseUrl(), String.join(", ", demo.models()));
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
}
