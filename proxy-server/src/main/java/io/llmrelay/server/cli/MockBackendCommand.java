package io.llmrelay.server.cli;

import io.llmrelay.server.runtime.Transport;
import io.llmrelay.server.demo.DemoBackend;
import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code llm-relay mock-backend}: the demo backend as its own process, to stand behind a proxy. */
@Command(name = "mock-backend", mixinStandardHelpOptions = true, versionProvider = RelayCommand.Version.class,
        description = "Run the built-in deterministic OpenAI-compatible demo backend on its own.")
final class MockBackendCommand implements Callable<Integer> {

    @Option(names = "--host", paramLabel = "ADDR", defaultValue = "127.0.0.1", description = "Address (default ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", paramLabel = "N", defaultValue = "8000", description = "Port (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--token-delay-ms", paramLabel = "MS", defaultValue = "40",
            description = "Pause between streamed tokens (default ${DEFAULT-VALUE}).")
    int tokenDelayMs;

    @Option(names = "--log-format", paramLabel = "json|text", description = "Log format (default text on a terminal, json otherwise).")
    String logFormat;

    @Override
    public Integer call() throws Exception {
        LogSetup.configure(logFormat != null ? logFormat : System.console() != null ? "text" : "json", "INFO");
        Logger log = LoggerFactory.getLogger("llm_relay.demo");
        Transport transport = Transport.best();
        EventLoopGroup group = transport.newGroup(1, "demo");
        DemoBackend demo;
        try {
            demo = DemoBackend.start(group, transport, host, port, Duration.ofMillis(Math.max(0, tokenDelayMs)));
        } catch (Exception e) {
            log.error("demo backend could not start on {}:{}: {}", host, port, e.toString());
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            LogSetup.flush();
            return 1;
        }
        log.info("Demo backend listening at {} (models 'demo' and 'demo-embed')", demo.baseUrl());
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
