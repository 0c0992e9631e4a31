package io.llmrelay.server.cli;

import io.llmrelay.server.cli.ServeSettings.Flags;
import java.util.List;
import java.util.function.BiConsumer;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * {@code serve}'s command line: one row per option (name, label, type, help, and the {@link Flags} field
 * it fills), made into a picocli model in code. The other commands keep picocli's annotations; serve's
 * start-up is measured, and reading annotations by reflection (a proxy class generated for each
 * annotation type, every field's annotations parsed, none of it kept by class-data sharing) took about
 * 80 ms of a 0.55 s start-up on the bench's machine (docs/BENCHMARKS.md, findings).
 */
final class ServeOptions {

    /** An option; {@code into} stores its value, converted by picocli to {@code type}. */
    private record Row(String name, String label, Class<?> type, boolean hidden, BiConsumer<Flags, Object> into,
            String description) {

        OptionSpec spec() {
            OptionSpec.Builder option = OptionSpec.builder(name).description(description).hidden(hidden);
            if (type == List.class) {
                option.type(List.class).auxiliaryTypes(String.class);
            } else {
                option.type(type);
            }
            return (label.isEmpty() ? option : option.paramLabel(label)).build();
        }

        Row hide() {
            return new Row(name, label, type, true, into, description);
        }
    }

    private static final List<Row> ROWS = List.of(
            value("--config", "FILE", String.class, (f, v) -> f.config = v,
                    "Fleet configuration file (YAML, see docs/CONFIG.md; env RELAY_CONFIG). Flags and environment "
                            + "variables override its settings."),
            flag("--watch-config", (f, v) -> f.watchConfig = v,
                    "Reload the config file when it (or a filter or mapping file it names) changes, checked every "
                            + "2 s. SIGHUP and POST /internal/reload reload it too."),
            value("--host", "ADDR", String.class, (f, v) -> f.host = v,
                    "Address to listen on (env HOST; default 127.0.0.1)."),
            value("--port", "N", Integer.class, (f, v) -> f.port = v,
                    "Port to listen on (env PROXY_PORT or PORT; default 11434)."),
            value("--backend", "URL", String.class, (f, v) -> f.backend = v,
                    "Base URL of an OpenAI-compatible backend, e.g. http://localhost:8000/v1 (env OPENAI_API_BASE_URL)."),
            value("--backend-type", "TYPE", String.class, (f, v) -> f.backendType = v,
                    "Backend type: openai-compatible, openai, openrouter, vllm, llamacpp, lmstudio, ollama "
                            + "(a native Ollama node at http://host:11434). Default: detected from what the server "
                            + "says (its model list, Server header)."),
            value("--backend-name", "NAME", String.class, (f, v) -> f.backendName = v,
                    "Name of the backend in logs and errors."),
            value("--api-key-env", "NAME", String.class, (f, v) -> f.apiKeyEnv = v,
                    "Name of the environment variable that holds the backend's API key (the key itself is never "
                            + "a flag)."),
            value("--backend-ca-file", "PEM", String.class, (f, v) -> f.backendCaFile = v,
                    "Certificates (PEM) to trust for an https:// backend instead of the system's, e.g. a private CA."),
            flag("--pass-client-auth", (f, v) -> f.passClientAuth = v,
                    "Send a client's own Authorization header to the --backend (which then has no --api-key-env). "
                            + "Off by default: clients' credentials never reach a backend."),
            value("--log-format", "json|text", String.class, (f, v) -> f.logFormat = v,
                    "Log format (env LOG_FORMAT; default text on a terminal, json otherwise)."),
            value("--log-level", "LEVEL", String.class, (f, v) -> f.logLevel = v,
                    "Log level (env LOG_LEVEL; default INFO)."),
            value("--max-request-bytes", "N", Integer.class, (f, v) -> f.maxRequestBytes = v,
                    "Largest accepted request body (default 64 MiB)."),
            value("--event-loops", "N", Integer.class, (f, v) -> f.eventLoops = v,
                    "I/O threads (default: one per core)."),
            value("--connect-timeout", "S", Integer.class, (f, v) -> f.connectTimeoutSeconds = v,
                    "Seconds to open a backend connection (default 10)."),
            value("--upstream-idle-timeout", "S", Integer.class, (f, v) -> f.upstreamIdleTimeoutSeconds = v,
                    "Seconds a backend may stay silent before or between chunks (default 300)."),
            value("--client-stall-timeout", "S", Integer.class, (f, v) -> f.clientStallTimeoutSeconds = v,
                    "Seconds a client may take no data before its stream is dropped (default 60)."),
            value("--drain-timeout", "DURATION", String.class, (f, v) -> f.drainTimeout = v,
                    "On SIGTERM or SIGINT, how long running answers get to finish before they are cut off with "
                            + "an error, e.g. 30s; 0 cuts them at once (env DRAIN_TIMEOUT; default 10s)."),
            value("--models-refresh", "S", Integer.class, (f, v) -> f.modelsRefreshSeconds = v,
                    "Seconds between reads of the backends' model lists (default 60)."),
            value("--health-interval", "DURATION", String.class, (f, v) -> f.healthInterval = v,
                    "How often each backend is probed, e.g. 500ms, 2s (default 2s); /health/ready follows the probes."),
            value("--health-fall", "N", Integer.class, (f, v) -> f.healthFall = v,
                    "Failed probes in a row that mark a backend down (default 2)."),
            value("--health-rise", "N", Integer.class, (f, v) -> f.healthRise = v,
                    "Successful probes in a row that mark a down backend up again (default 1)."),
            value("--breaker-failures", "N", Integer.class, (f, v) -> f.breakerFailures = v,
                    "Failed attempts in a row (connect errors, time-outs, 5xx, 429, 503) that open a backend's "
                            + "circuit breaker (default 5)."),
            value("--breaker-open-for", "DURATION", String.class, (f, v) -> f.breakerOpenFor = v,
                    "How long an open breaker keeps a backend out before one trial request, e.g. 10s (default 10s)."),
            value("--retry-attempts", "N", Integer.class, (f, v) -> f.retryAttempts = v,
                    "Attempts per request in all, each on another backend, while nothing has reached the client "
                            + "(default 3; 1: no retry)."),
            repeated("--model-capabilities", "GLOB=LIST", (f, v) -> f.modelCapabilities = v,
                    "Capabilities of the models matching GLOB, shown by /api/show and /api/tags: a list replaces "
                            + "what the backend reports, +name/-name adjust it (completion, tools, insert, vision, "
                            + "thinking, embedding). Repeatable, e.g. 'qwen3*=+thinking'."),
            repeated("--model-context", "GLOB=TOKENS", (f, v) -> f.modelContext = v,
                    "Context length of the models matching GLOB, used only where the backend reports none "
                            + "(a backend's own figure is what requests really get). Repeatable, e.g. "
                            + "'gpt-4o*=128000'."),
            repeated("--origins", "LIST", (f, v) -> f.origins = v,
                    "Browser origins allowed besides Ollama's defaults (localhost, 127.0.0.1, 0.0.0.0 on any port; "
                            + "app://, file://, tauri://, vscode-webview://, vscode-file://), comma-separated, '*' as "
                            + "a wildcard; added to OLLAMA_ORIGINS. Repeatable."),
            value("--demo-token-delay-ms", "MS", Integer.class, (f, v) -> f.demoTokenDelayMs = v,
                    "Pause between tokens of the built-in demo backend (default 40)."),
            flag("--warm-up-and-exit", (f, v) -> f.warmUpAndExit = v,
                    "Start, send one request of each kind to itself, stop: for building a class-data archive.").hide());

    private ServeOptions() {}

    /** {@code serve} as picocli runs it: parses into the command's {@link Flags}, then calls it. */
    static CommandLine commandLine() {
        ServeCommand command = new ServeCommand();
        CommandSpec spec = CommandSpec.wrapWithoutInspection(command).name("serve")
                .versionProvider(new RelayCommand.Version());
        spec.usageMessage().description(
                "Serve the Ollama and OpenAI APIs on one port, translating to an OpenAI-compatible backend,",
                "or to a fleet of backends given in a config file (--config; check it with 'llm-relay check-config FILE').",
                "Without a backend (no --backend, OPENAI_API_BASE_URL or OPENROUTER_API_KEY, and none in the file) the "
                        + "built-in demo backend is used.");
        // what mixinStandardHelpOptions adds, without its annotated mixin class
        spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true)
                .description("Show this help message and exit.").build());
        spec.addOption(OptionSpec.builder("-V", "--version").versionHelp(true)
                .description("Print version information and exit.").build());
        ROWS.forEach(row -> spec.addOption(row.spec()));
        command.spec = spec;
        return new CommandLine(spec);
    }

    /** The values the parse gave; options not given keep {@link Flags}' defaults. */
    static Flags flags(ParseResult parsed) {
        Flags flags = new Flags();
        for (Row row : ROWS) {
            if (parsed.hasMatchedOption(row.name())) {
                row.into().accept(flags, parsed.matchedOptionValue(row.name(), null));
            }
        }
        return flags;
    }

    private static <T> Row value(String name, String label, Class<T> type, BiConsumer<Flags, T> into,
            String description) {
        return new Row(name, label, type, false, (f, v) -> into.accept(f, type.cast(v)), description);
    }

    private static Row flag(String name, BiConsumer<Flags, Boolean> into, String description) {
        return new Row(name, "", boolean.class, false, (f, v) -> into.accept(f, (Boolean) v), description);
    }

    @SuppressWarnings("unchecked") // picocli gives a repeated String option as a List<String>
    private static Row repeated(String name, String label, BiConsumer<Flags, List<String>> into, String description) {
        return new Row(name, label, List.class, false, (f, v) -> into.accept(f, (List<String>) v), description);
    }
}
