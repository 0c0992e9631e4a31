package io.llmrelay.server.cli;

import io.llmrelay.core.backend.BackendFlavor;
import io.llmrelay.core.config.BackendConfig;
import io.llmrelay.server.ConfigReload;
import io.llmrelay.server.RelayServer;
import io.llmrelay.server.runtime.RelayVersion;
import io.llmrelay.server.runtime.Transport;
import io.llmrelay.server.demo.DemoBackend;
import io.netty.channel.EventLoopGroup;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * {@code llm-relay serve}: runs the proxy until SIGTERM/SIGINT, then drains and stops (see {@link Shutdown}).
 * Its options are {@link ServeOptions}, which makes this command's picocli model.
 */
final class ServeCommand implements Callable<Integer> {

    CommandLine.Model.CommandSpec spec; // set by ServeOptions.commandLine()

    @Override
    public Integer call() throws Exception {
        ServeSettings.Flags flags = ServeOptions.flags(spec.commandLine().getParseResult());
        ServeSettings settings;
        try {
            settings = ServeSettings.resolve(flags, System.getenv(), System.console() != null);
        } catch (IllegalArgumentException e) {
            // a config file's problems come one per line, each with its file, line and key
            e.getMessage().lines().forEach(line -> spec.commandLine().getErr().println("llm-relay: " + line));
            return 2;
        }
        if (flags.watchConfig && settings.configFile == null) {
            spec.commandLine().getErr().println("llm-relay: --watch-config needs a config file (--config FILE or RELAY_CONFIG)");
            return 2;
        }
        LogSetup.configure(settings.logFormat, settings.logLevel);
        Logger log = LoggerFactory.getLogger("llm_relay");
        Transport transport = Transport.best();
        int threads = settings.eventLoops > 0 ? settings.eventLoops : Runtime.getRuntime().availableProcessors();
        EventLoopGroup group = transport.newGroup(threads, "relay");
        DemoBackend demo = null;
        RelayServer server;
        try {
            if (settings.configFile != null) {
                log.info("Configuration from {}", settings.configFile);
            }
            List<BackendConfig> backends;
            if (!settings.fileBackends.isEmpty()) {
                backends = settings.fileBackends;
                backends.forEach(b -> logBackend(log, b, settings.configFile.toString()));
            } else if (settings.backend != null) {
                backends = List.of(settings.backend.config());
                logBackend(log, backends.get(0), settings.backend.source());
            } else {
                demo = DemoBackend.start(group, transport, "127.0.0.1", 0, settings.demoTokenDelay);
                backends = List.of(new BackendConfig("demo", URI.create(demo.baseUrl()), BackendFlavor.GENERIC, null));
                log.info("No backend configured: serving the built-in demo backend at {} (models 'demo' and "
                        + "'demo-embed'). Use --backend URL, OPENAI_API_BASE_URL, OPENROUTER_API_KEY or --config FILE "
                        + "for real ones.", demo.baseUrl());
            }
            server = RelayServer.start(settings.relayConfig(backends), transport, group);
        } catch (Exception e) {
            log.error("llm-relay could not start on {}:{}: {}", settings.host, settings.port, e.toString());
            if (demo != null) {
                demo.close();
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            LogSetup.flush();
            return 1;
        }
        // reloads first: once the log says the proxy listens, a SIGHUP reloads (POST /internal/reload, --watch-config too)
        if (settings.configFile != null) { // docs/RELIABILITY.md#reload
            ConfigReload reload = ConfigReload.install(server, new ServeConfigSource(flags, System.getenv(),
                    System.console() != null, settings, demo != null ? server.relay().config().backends() : List.of()));
            if (flags.watchConfig) {
                ConfigWatch.start(reload, () -> ConfigWatch.filesOf(settings.configFile, server), Duration.ofSeconds(2));
            }
        }
        ReloadSignal.install(server.relay().reloader());
        log.info("llm-relay {} listening on http://{}:{} ({} transport, {} event loops)", RelayVersion.version(),
                settings.host, server.port(), transport.name().toLowerCase(), threads);
        if (server.adminPort() > 0) {
            log.info("Admin routes (/metrics, /internal/*) on http://{}:{}", settings.host, server.adminPort());
        }
        Duration deadline = flags.warmUpAndExit ? Duration.ofSeconds(2) : server.relay().config().timeouts().drain();
        DemoBackend startedDemo = demo;
        Shutdown shutdown = new Shutdown(log, server, deadline, () -> stop(log, server, startedDemo, group, deadline));
        shutdown.install();
        if (flags.warmUpAndExit) {
            // through the same shutdown as a signal's, so that an archive made from this run holds its classes
            int warmedUp = warmUp(log, server, demo);
            shutdown.onSignal("warm-up done");
            return shutdown.awaitAndStop() == 0 ? warmedUp : 1;
        }
        return shutdown.awaitAndStop();
    }

    private static void logBackend(Logger log, BackendConfig backend, String source) {
        log.info("Backend '{}' at {} ({}, from {}{})", backend.name(), backend.displayUrl(), backend.flavor().id(),
                source, backend.apiKey() != null ? ", API key from " + backend.apiKey().source()
                        : backend.options().passClientAuth() ? ", clients' own Authorization passed" : ", no API key");
    }

    /** The warm-up's requests ({@link WarmUp}); the exit status they give. */
    private static int warmUp(Logger log, RelayServer server, DemoBackend demo) {
        try {
            WarmUp.run(server.port(), demo != null ? "demo" : "warm-up", demo != null ? "demo-embed" : "warm-up");
            return 0;
        } catch (Exception e) {
            log.error("warm-up failed: {}", e.toString());
            return 1;
        }
    }

    /** Drains the proxy, then stops the demo backend, the event loops and the log writer. */
    private static void stop(Logger log, RelayServer server, DemoBackend demo, EventLoopGroup group, Duration drain) {
        server.close(drain);
        if (demo != null) {
            demo.close();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        log.info("Stopped");
        LogSetup.flush();
    }
}
