package io.llmrelay.server.cli;

import io.llmrelay.core.backend.BackendFlavor;
import io.llmrelay.core.config.BackendConfig;
import io.llmrelay.core.config.RelayConfig;
import io.llmrelay.server.ConfigReload;
import io.llmrelay.server.RelayServer;
import io.llmrelay.server.runtime.RelayVersion;
import io.llmrelay.server.runtime.Transport;
import io.llmrelay.server.demo.DemoBackend;
import io.netty.channel.EventLoopGroup;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code llm-relay serve}: runs the proxy until SIGTERM/SIGINT, then drains and stops (see {@link Shutdown}). */
@Command(name = "serve", mixinStandardHelpOptions = true, versionProvider = RelayCommand.Version.class,
        description = {
            "Serve the Ollama and OpenAI APIs on one port, translating to an OpenAI-compatible backend,",
            "or to a fleet of backends given in a config file (--config; check it with 'llm-relay check-config FILE').",
            "Without a backend (no --backend, OPENAI_API_BASE_URL or OPENROUTER_API_KEY, and none in the file) the "
                    + "built-in demo backend is used."
        })
final class ServeCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Fleet configuration file (YAML, see docs/CONFIG.md; env RELAY_CONFIG). Flags and environment "
                    + "variables override its settings.")
    String config;

    @Option(names = "--watch-config",
            description = "Reload the config file when it (or a filter or mapping file it names) changes, checked every "
                    + "2 s. SIGHUP and POST /internal/reload reload it too.")
    boolean watchConfig;

    @Option(names = "--host", paramLabel = "ADDR", description = "Address to listen on (env HOST; default 127.0.0.1).")
    String host;

    @Option(names = "--port", paramLabel = "N", description = "Port to listen on (env PROXY_PORT or PORT; default 11434).")
    Integer port;

    @Option(names = "--backend", paramLabel = "URL",
            description = "Base URL of an OpenAI-compatible backend, e.g. http://localhost:8000/v1 (env OPENAI_API_BASE_URL).")
    String backend;

    @Option(names = "--backend-type", paramLabel = "TYPE",
            description = "Backend type: openai-compatible, openai, openrouter, vllm, llamacpp, lmstudio, ollama "
                    + "(a native Ollama node at http://host:11434). Default: detected from what the server says (its model list, Server header).")
    String backendType;

    @Option(names = "--backend-name", paramLabel = "NAME", description = "Name of the backend in logs and errors.")
    String backendName;

    @Option(names = "--api-key-env", paramLabel = "NAME",
            description = "Name of the environment variable that holds the backend's API key (the key itself is never a flag).")
    String apiKeyEnv;

    @Option(names = "--backend-ca-file", paramLabel = "PEM",
            description = "Certificates (PEM) to trust for an https:// backend instead of the system's, e.g. a private CA.")
    String backendCaFile;

    @Option(names = "--pass-client-auth",
            description = "Send a client's own Authorization header to the --backend (which then has no --api-key-env). "
                    + "Off by default: clients' credentials never reach a backend.")
    boolean passClientAuth;

    @Option(names = "--log-format", paramLabel = "json|text",
            description = "Log format (env LOG_FORMAT; default text on a terminal, json otherwise).")
    String logFormat;

    @Option(names = "--log-level", paramLabel = "LEVEL", description = "Log level (env LOG_LEVEL; default INFO).")
    String logLevel;

    @Option(names = "--max-request-bytes", paramLabel = "N", description = "Largest accepted request body (default 64 MiB).")
    Integer maxRequestBytes;

    @Option(names = "--event-loops", paramLabel = "N", description = "I/O threads (default: one per core).")
    Integer eventLoops;

    @Option(names = "--connect-timeout", paramLabel = "S", description = "Seconds to open a backend connection (default 10).")
    Integer connectTimeout;

    @Option(names = "--upstream-idle-timeout", paramLabel = "S",
            description = "Seconds a backend may stay silent before or between chunks (default 300).")
    Integer upstreamIdleTimeout;

    @Option(names = "--client-stall-timeout", paramLabel = "S",
            description = "Seconds a client may take no data before its stream is dropped (default 60).")
    Integer clientStallTimeout;

    @Option(names = "--drain-timeout", paramLabel = "DURATION",
            description = "On SIGTERM or SIGINT, how long running answers get to finish before they are cut off with "
                    + "an error, e.g. 30s; 0 cuts them at once (env DRAIN_TIMEOUT; default 10s).")
    String drainTimeout;

    @Option(names = "--models-refresh", paramLabel = "S", description = "Seconds between reads of the backends' model lists (default 60).")
    Integer modelsRefresh;

    @Option(names = "--health-interval", paramLabel = "DURATION",
            description = "How often each backend is probed, e.g. 500ms, 2s (default 2s); /health/ready follows the probes.")
    String healthInterval;

    @Option(names = "--health-fall", paramLabel = "N",
            description = "Failed probes in a row that mark a backend down (default 2).")
    Integer healthFall;

    @Option(names = "--health-rise", paramLabel = "N",
            description = "Successful probes in a row that mark a down backend up again (default 1).")
    Integer healthRise;

    @Option(names = "--breaker-failures", paramLabel = "N",
            description = "Failed attempts in a row (connect errors, time-outs, 5xx, 429, 503) that open a backend's "
                    + "circuit breaker (default 5).")
    Integer breakerFailures;

    @Option(names = "--breaker-open-for", paramLabel = "DURATION",
            description = "How long an open breaker keeps a backend out before one trial request, e.g. 10s (default 10s).")
    String breakerOpenFor;

    @Option(names = "--retry-attempts", paramLabel = "N",
            description = "Attempts per request in all, each on another backend, while nothing has reached the client "
                    + "(default 3; 1: no retry).")
    Integer retryAttempts;

    @Option(names = "--model-capabilities", paramLabel = "GLOB=LIST",
            description = "Capabilities of the models matching GLOB, shown by /api/show and /api/tags: a list replaces "
                    + "what the backend reports, +name/-name adjust it (completion, tools, insert, vision, thinking, "
                    + "embedding). Repeatable, e.g. 'qwen3*=+thinking'.")
    List<String> modelCapabilities = new ArrayList<>();

    @Option(names = "--model-context", paramLabel = "GLOB=TOKENS",
            description = "Context length of the models matching GLOB, used only where the backend reports none "
                    + "(a backend's own figure is what requests really get). Repeatable, e.g. 'gpt-4o*=128000'.")
    List<String> modelContext = new ArrayList<>();

    @Option(names = "--origins", paramLabel = "LIST",
            description = "Browser origins allowed besides Ollama's defaults (localhost, 127.0.0.1, 0.0.0.0 on any port; "
                    + "app://, file://, tauri://, vscode-webview://, vscode-file://), comma-separated, '*' as a wildcard; "
                    + "added to OLLAMA_ORIGINS. Repeatable.")
    List<String> origins = new ArrayList<>();

    @Option(names = "--demo-token-delay-ms", paramLabel = "MS",
            description = "Pause between tokens of the built-in demo backend (default 40).")
    Integer demoTokenDelayMs;

    @Option(names = "--warm-up-and-exit", hidden = true,
            description = "Start, send one request of each kind to itself, stop: for building a class-data archive.")
    boolean warmUpAndExit;

    @Override
    public Integer call() throws Exception {
        ServeSettings settings;
        try {
            settings = ServeSettings.resolve(flags(), System.getenv(), System.console() != null);
        } catch (IllegalArgumentException e) {
            // a config file's problems come one per line, each with its file, line and key
            e.getMessage().lines().forEach(line -> spec.commandLine().getErr().println("llm-relay: " + line));
            return 2;
        }
        if (watchConfig && settings.configFile == null) {
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
            ConfigReload reload = ConfigReload.install(server, new ServeConfigSource(flags(), System.getenv(),
                    System.console() != null, settings, demo != null ? server.relay().config().backends() : List.of()));
            if (watchConfig) {
                ConfigWatch.start(reload, () -> ConfigWatch.filesOf(settings.configFile, server), Duration.ofSeconds(2));
            }
        }
        ReloadSignal.install(server.relay().reloader());
        log.info("llm-relay {} listening on http://{}:{} ({} transport, {} event loops)", RelayVersion.version(),
                settings.host, server.port(), transport.name().toLowerCase(), threads);
        if (server.adminPort() > 0) {
            log.info("Admin routes (/metrics, /internal/*) on http://{}:{}", settings.host, server.adminPort());
        }
        if (warmUpAndExit) {
            return warmUpAndStop(log, server, demo, group);
        }
        Duration deadline = server.relay().config().timeouts().drain();
        DemoBackend startedDemo = demo;
        Shutdown shutdown = new Shutdown(log, server, deadline, () -> stop(log, server, startedDemo, group, deadline));
        shutdown.install();
        return shutdown.awaitAndStop();
    }

    private static void logBackend(Logger log, BackendConfig backend, String source) {
        log.info("Backend '{}' at {} ({}, from {}{})", backend.name(), backend.displayUrl(), backend.flavor().id(),
                source, backend.apiKey() != null ? ", API key from " + backend.apiKey().source()
                        : backend.options().passClientAuth() ? ", clients' own Authorization passed" : ", no API key");
    }

    private static int warmUpAndStop(Logger log, RelayServer server, DemoBackend demo, EventLoopGroup group) {
        int status = 0;
        try {
            WarmUp.run(server.port(), demo != null ? "demo" : "warm-up", demo != null ? "demo-embed" : "warm-up");
        } catch (Exception e) {
            log.error("warm-up failed: {}", e.toString());
            status = 1;
        }
        stop(log, server, demo, group, Duration.ofSeconds(2));
        return status;
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

    private ServeSettings.Flags flags() {
        ServeSettings.Flags f = new ServeSettings.Flags();
        f.config = config;
        f.host = host;
        f.port = port;
        f.backend = backend;
        f.backendType = backendType;
        f.backendName = backendName;
        f.apiKeyEnv = apiKeyEnv;
        f.backendCaFile = backendCaFile;
        f.passClientAuth = passClientAuth;
        f.logFormat = logFormat;
        f.logLevel = logLevel;
        f.maxRequestBytes = maxRequestBytes;
        f.eventLoops = eventLoops;
        f.connectTimeoutSeconds = connectTimeout;
        f.upstreamIdleTimeoutSeconds = upstreamIdleTimeout;
        f.clientStallTimeoutSeconds = clientStallTimeout;
        f.modelsRefreshSeconds = modelsRefresh;
        f.drainTimeout = drainTimeout;
        f.healthInterval = healthInterval;
        f.healthFall = healthFall;
        f.healthRise = healthRise;
        f.breakerFailures = breakerFailures;
        f.breakerOpenFor = breakerOpenFor;
        f.retryAttempts = retryAttempts;
        f.demoTokenDelayMs = demoTokenDelayMs;
        f.modelCapabilities = modelCapabilities;
        f.modelContext = modelContext;
        f.origins = origins;
        return f;
    }
}
