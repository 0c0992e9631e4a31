package io.llmrelay.server.cli;

import io.llmrelay.core.backend.BackendFlavor;
import io.llmrelay.core.backend.ModelOverride;
import io.llmrelay.core.config.BackendConfig;
import io.llmrelay.core.config.BackendOptions;
import io.llmrelay.core.config.ConfigFile;
import io.llmrelay.core.config.CorsPolicy;
import io.llmrelay.core.config.Durations;
import io.llmrelay.core.config.ModelsConfig;
import io.llmrelay.core.config.RelayConfig;
import io.llmrelay.core.config.ResilienceConfig;
import io.llmrelay.core.config.SecurityConfig;
import io.llmrelay.core.config.RoutingConfig;
import io.llmrelay.core.config.Secret;
import io.llmrelay.core.config.ServerConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Resolves what {@code serve} runs with: flags first, then the environment variables of the proxies
 * users migrate from, then the config file ({@code --config} or {@code RELAY_CONFIG}), then defaults.
 * Pure but for reading the file (the environment is passed in), so every precedence rule is a unit test.
 */
final class ServeSettings {

    static final int DEFAULT_PORT = 11434;
    static final String OPENROUTER_URL = "https://openrouter.ai/api/v1";

    static final int DEFAULT_MAX_REQUEST_BYTES = 64 * 1024 * 1024;

    /** The raw flag values; null means "not given". */
    static final class Flags {
        String config;
        String host;
        Integer port;
        String backend;
        String backendType;
        String backendName;
        String apiKeyEnv;
        String backendCaFile;
        boolean passClientAuth;
        String logFormat;
        String logLevel;
        Integer maxRequestBytes;
        Integer eventLoops;
        Integer connectTimeoutSeconds;
        Integer upstreamIdleTimeoutSeconds;
        Integer clientStallTimeoutSeconds;
        Integer modelsRefreshSeconds;
        String drainTimeout;
        String healthInterval;
        Integer healthFall;
        Integer healthRise;
        Integer breakerFailures;
        String breakerOpenFor;
        Integer retryAttempts;
        Integer demoTokenDelayMs;
        List<String> modelCapabilities = List.of();
        List<String> modelContext = List.of();
        List<String> origins = List.of();
        // serve's own switches, which settings leave alone
        boolean watchConfig;
        boolean warmUpAndExit;
    }

    /** A backend chosen by flag or environment, before the demo fallback. */
    record ChosenBackend(BackendConfig config, String source) {}

    final Path configFile; // null: no config file
    final String host;
    final int port;
    final List<BackendConfig> fileBackends; // the config file's; when empty, the chosen backend or the demo
    final ChosenBackend backend; // null: the file's backends, or else the built-in demo backend
    final String logFormat;
    final String logLevel;
    final int maxRequestBytes;
    final int eventLoops;
    final RelayConfig.Timeouts timeouts;
    final Duration modelsRefresh;
    final Duration healthInterval;
    final Duration demoTokenDelay;
    final List<ModelOverride> modelOverrides;
    final List<String> extraOrigins;
    final CorsPolicy cors;
    final RoutingConfig routing;
    final ModelsConfig models;
    final ResilienceConfig resilience;
    final SecurityConfig security;

    private ServeSettings(Flags f, Map<String, String> env, boolean interactive, ConfigFile file) {
        ServerConfig fs = file == null ? ServerConfig.none() : file.server();
        configFile = file == null ? null : file.path();
        host = first(f.host, env.get("HOST"), orElse(fs.host(), "127.0.0.1"));
        port = f.port != null ? f.port : intEnv(env, "PROXY_PORT", intEnv(env, "PORT", orElse(fs.port(), DEFAULT_PORT)));
        fileBackends = file == null ? List.of() : file.backends();
        if (fileBackends.isEmpty()) {
            backend = chooseBackend(f, env);
        } else {
            refuseBackendBesideTheFile(f, env, file);
            backend = null;
        }
        logFormat = first(f.logFormat, env.get("LOG_FORMAT"), orElse(fs.logFormat(), interactive ? "text" : "json"))
                .toLowerCase(Locale.ROOT);
        if (!logFormat.equals("json") && !logFormat.equals("text")) {
            throw new IllegalArgumentException("--log-format must be json or text, not '" + logFormat + "'");
        }
        logLevel = first(f.logLevel, env.get("LOG_LEVEL"), orElse(fs.logLevel(), "INFO")).toUpperCase(Locale.ROOT);
        maxRequestBytes = positive("--max-request-bytes", f.maxRequestBytes,
                orElse(fs.maxRequestBytes(), DEFAULT_MAX_REQUEST_BYTES));
        eventLoops = f.eventLoops != null ? f.eventLoops : orElse(fs.eventLoops(), 0);
        RelayConfig.Timeouts d = RelayConfig.Timeouts.defaults();
        timeouts = new RelayConfig.Timeouts(
                seconds("--connect-timeout", f.connectTimeoutSeconds, orElse(fs.connectTimeout(), d.connect())),
                seconds("--upstream-idle-timeout", f.upstreamIdleTimeoutSeconds,
                        orElse(fs.upstreamIdleTimeout(), d.upstreamIdle())),
                seconds("--client-stall-timeout", f.clientStallTimeoutSeconds,
                        orElse(fs.clientStallTimeout(), d.clientStall())),
                d.poolIdle(), d.clientIdle(),
                f.drainTimeout != null ? duration("--drain-timeout", f.drainTimeout)
                        : notBlank(env.get("DRAIN_TIMEOUT")) ? duration("DRAIN_TIMEOUT", env.get("DRAIN_TIMEOUT"))
                        : orElse(fs.drainTimeout(), d.drain()));
        modelsRefresh = seconds("--models-refresh", f.modelsRefreshSeconds, orElse(fs.modelsRefresh(), Duration.ofSeconds(60)));
        healthInterval = f.healthInterval != null ? Durations.parse("--health-interval", f.healthInterval)
                : orElse(fs.healthInterval(), Duration.ofSeconds(2));
        if (healthInterval.compareTo(Duration.ofMillis(100)) < 0) {
            throw new IllegalArgumentException("--health-interval must be at least 100ms");
        }
        demoTokenDelay = Duration.ofMillis(f.demoTokenDelayMs == null ? 40 : Math.max(0, f.demoTokenDelayMs));
        // the file's first: overrides apply in order, so a flag's has the last word on the same model
        List<ModelOverride> overrides = new ArrayList<>(file == null ? List.of() : file.modelOverrides());
        f.modelCapabilities.forEach(spec -> overrides.add(ModelOverride.capabilities(spec)));
        f.modelContext.forEach(spec -> overrides.add(ModelOverride.contextLength(spec)));
        modelOverrides = List.copyOf(overrides);
        // flags, the environment and the file all add origins, as each only widens Ollama's defaults
        List<String> origins = new ArrayList<>(f.origins);
        if (notBlank(env.get("OLLAMA_ORIGINS"))) {
            origins.add(env.get("OLLAMA_ORIGINS"));
        }
        origins.addAll(fs.origins());
        extraOrigins = List.copyOf(origins);
        cors = CorsPolicy.withExtraOrigins(origins);
        routing = file == null ? RoutingConfig.defaults() : file.routing();
        models = file == null ? ModelsConfig.none() : file.models();
        resilience = ResilienceSettings.resolve(f, file == null ? ResilienceConfig.defaults() : file.resilience());
        security = file == null ? SecurityConfig.none() : file.security();
    }

    /**
     * Flags, environment, and the file named by {@code --config} or {@code RELAY_CONFIG} (every
     * {@code api_key_env} in it must be set). Without a file nothing of the YAML loader is touched,
     * so a plain {@code serve} starts as fast as before.
     *
     * @throws IllegalArgumentException (a {@link io.llmrelay.core.config.ConfigException} for the file)
     *     naming what is wrong
     */
    static ServeSettings resolve(Flags flags, Map<String, String> env, boolean interactive) {
        String path = first(flags.config, env.get("RELAY_CONFIG"), null);
        return new ServeSettings(flags, env, interactive, path == null ? null : ConfigFile.load(Path.of(path), env));
    }

    /** As {@link #resolve(Flags, Map, boolean)} with a file already read (or null for none). */
    static ServeSettings resolve(Flags flags, Map<String, String> env, boolean interactive, ConfigFile file) {
        return new ServeSettings(flags, env, interactive, file);
    }

    /** The proxy configuration, with {@code backends} decided by the caller (the file's, the chosen one or the demo). */
    RelayConfig relayConfig(List<BackendConfig> backends) {
        return new RelayConfig(host, port, backends, maxRequestBytes, 16 * 1024 * 1024, eventLoops, timeouts,
                modelsRefresh, healthInterval, modelOverrides, cors, routing, models, resilience, security);
    }

    /**
     * With backends in the file, a backend from a flag or the environment would be a second, unlisted
     * source of backends: refused rather than silently added or dropped.
     */
    private static void refuseBackendBesideTheFile(Flags f, Map<String, String> env, ConfigFile file) {
        String other = f.backend != null ? "--backend"
                : f.backendType != null ? "--backend-type"
                : f.backendName != null ? "--backend-name"
                : f.apiKeyEnv != null ? "--api-key-env"
                : f.backendCaFile != null ? "--backend-ca-file"
                : f.passClientAuth ? "--pass-client-auth (set pass_client_auth on the file's backends instead)"
                : notBlank(env.get("OPENAI_API_BASE_URL")) ? "OPENAI_API_BASE_URL (environment)"
                // the file may well read the same variable as a backend's key: then it is the file's backend
                : notBlank(env.get("OPENROUTER_API_KEY")) && !file.keyVariables().containsValue("OPENROUTER_API_KEY")
                        ? "OPENROUTER_API_KEY (environment)"
                : null;
        if (other != null) {
            throw new IllegalArgumentException(other + " gives a backend, and " + file.path() + " lists backends: "
                    + "give backends in the file or by flag, not both");
        }
    }

    /**
     * {@code --backend} (key from {@code --api-key-env}), else {@code OPENAI_API_BASE_URL} with
     * {@code OPENAI_API_KEY}, else {@code OPENROUTER_API_KEY} (with {@code OPENROUTER_BASE_URL}),
     * else none.
     */
    private static ChosenBackend chooseBackend(Flags f, Map<String, String> env) {
        String url;
        String keyVar;
        String source;
        if (f.backend != null) {
            url = f.backend;
            keyVar = f.apiKeyEnv;
            source = "--backend";
        } else if (notBlank(env.get("OPENAI_API_BASE_URL"))) {
            url = env.get("OPENAI_API_BASE_URL");
            keyVar = f.apiKeyEnv != null ? f.apiKeyEnv : notBlank(env.get("OPENAI_API_KEY")) ? "OPENAI_API_KEY" : null;
            source = "OPENAI_API_BASE_URL";
        } else if (notBlank(env.get("OPENROUTER_API_KEY"))) {
            url = first(env.get("OPENROUTER_BASE_URL"), null, OPENROUTER_URL);
            keyVar = f.apiKeyEnv != null ? f.apiKeyEnv : "OPENROUTER_API_KEY";
            source = "OPENROUTER_API_KEY";
        } else {
            if (f.apiKeyEnv != null || f.backendType != null || f.backendCaFile != null || f.passClientAuth) {
                throw new IllegalArgumentException("--api-key-env, --backend-type, --backend-ca-file and "
                        + "--pass-client-auth need a backend: give --backend URL");
            }
            return null;
        }
        URI uri = BackendConfig.parseUrl(url);
        BackendFlavor flavor = f.backendType != null ? BackendFlavor.fromId(f.backendType)
                : source.equals("OPENROUTER_API_KEY") ? BackendFlavor.OPENROUTER
                : BackendFlavor.guess(uri.getHost() == null ? "" : uri.getHost());
        Secret key = null;
        if (keyVar != null) {
            String value = env.get(keyVar);
            if (!notBlank(value)) {
                throw new IllegalArgumentException("environment variable " + keyVar + " (named by "
                        + (f.apiKeyEnv != null ? "--api-key-env" : source) + ") is not set");
            }
            key = Secret.of(value.trim(), "env " + keyVar);
        }
        if (f.passClientAuth && key != null) {
            throw new IllegalArgumentException("--pass-client-auth is for a backend without a key of its own, and this "
                    + "one has one (" + key.source() + "): it receives exactly that key");
        }
        String name = f.backendName != null ? f.backendName
                : flavor == BackendFlavor.GENERIC ? uri.getHost() : flavor.id();
        Path caFile = f.backendCaFile == null ? null : Path.of(f.backendCaFile);
        // without --backend-type the server's own model list and headers decide, once it is read
        return new ChosenBackend(new BackendConfig(name, uri, flavor, key, caFile, f.backendType == null,
                BackendOptions.defaults().withPassClientAuth(f.passClientAuth)), source);
    }

    private static int intEnv(Map<String, String> env, String name, int fallback) {
        String v = env.get(name);
        if (!notBlank(v)) {
            return fallback;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number, not '" + v + "'");
        }
    }

    private static int positive(String flag, Integer value, int fallback) {
        if (value == null) {
            return fallback;
        }
        if (value <= 0) {
            throw new IllegalArgumentException(flag + " must be positive");
        }
        return value;
    }

    private static Duration seconds(String flag, Integer value, Duration fallback) {
        return value == null ? fallback : Duration.ofSeconds(positive(flag, value, 0));
    }

    private static Duration duration(String what, String text) {
        try {
            return Durations.parse(what, text);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(what + " is too long a duration: '" + text + "'");
        }
    }

    private static <T> T orElse(T fromFile, T fallback) {
        return fromFile != null ? fromFile : fallback;
    }

    private static String first(String a, String b, String fallback) {
        return notBlank(a) ? a.trim() : notBlank(b) ? b.trim() : fallback;
    }

    private static boolean notBlank(String s) {
        return s != null && !s.isBlank();
    }
}
