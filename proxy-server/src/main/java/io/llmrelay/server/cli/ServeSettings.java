package io.llmrelay.server.cli;

import io.llmrelay.core.backend.BackendFlavor;
import io.llmrelay.core.backend.ModelOverride;
import io.llmrelay.core.config.BackendConfig;
import io.llmrelay.core.config.CorsPolicy;
import io.llmrelay.core.config.Durations;
import io.llmrelay.core.config.RelayConfig;
import io.llmrelay.core.config.Secret;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Resolves what {@code serve} runs with: flags first, then the environment variables of the proxies
 * users migrate from, then defaults. Pure (the environment is passed in), so every precedence rule
 * is a unit test.
 */
final class ServeSettings {

    static final int DEFAULT_PORT = 11434;
    static final String OPENROUTER_URL = "https://openrouter.ai/api/v1";

    /** The raw flag values; null means "not given". */
    static final class Flags {
        String host;
        Integer port;
        String backend;
        String backendType;
        String backendName;
        String apiKeyEnv;
        String backendCaFile;
        String logFormat;
        String logLevel;
        Integer maxRequestBytes;
        Integer eventLoops;
        Integer connectTimeoutSeconds;
        Integer upstreamIdleTimeoutSeconds;
        Integer clientStallTimeoutSeconds;
        Integer modelsRefreshSeconds;
        String healthInterval;
        Integer demoTokenDelayMs;
        List<String> modelCapabilities = List.of();
        List<String> modelContext = List.of();
        List<String> origins = List.of();
    }

    /** A backend chosen by flag or environment, before the demo fallback. */
    record ChosenBackend(BackendConfig config, String source) {}

    final String host;
    final int port;
    final ChosenBackend backend; // null: serve the built-in demo backend
    final String logFormat;
    final String logLevel;
    final int maxRequestBytes;
    final int eventLoops;
    final RelayConfig.Timeouts timeouts;
    final Duration modelsRefresh;
    final Duration healthInterval;
    final Duration demoTokenDelay;
    final List<ModelOverride> modelOverrides;
    final CorsPolicy cors;

    private ServeSettings(Flags f, Map<String, String> env, boolean interactive) {
        host = first(f.host, env.get("HOST"), "127.0.0.1");
        port = f.port != null ? f.port : intEnv(env, "PROXY_PORT", intEnv(env, "PORT", DEFAULT_PORT));
        backend = chooseBackend(f, env);
        logFormat = first(f.logFormat, env.get("LOG_FORMAT"), interactive ? "text" : "json").toLowerCase(Locale.ROOT);
        if (!logFormat.equals("json") && !logFormat.equals("text")) {
            throw new IllegalArgumentException("--log-format must be json or text, not '" + logFormat + "'");
        }
        logLevel = first(f.logLevel, env.get("LOG_LEVEL"), "INFO").toUpperCase(Locale.ROOT);
        maxRequestBytes = positive("--max-request-bytes", f.maxRequestBytes, 64 * 1024 * 1024);
        eventLoops = f.eventLoops == null ? 0 : f.eventLoops;
        RelayConfig.Timeouts d = RelayConfig.Timeouts.defaults();
        timeouts = new RelayConfig.Timeouts(
                seconds("--connect-timeout", f.connectTimeoutSeconds, d.connect()),
                seconds("--upstream-idle-timeout", f.upstreamIdleTimeoutSeconds, d.upstreamIdle()),
                seconds("--client-stall-timeout", f.clientStallTimeoutSeconds, d.clientStall()),
                d.poolIdle(), d.clientIdle());
        modelsRefresh = seconds("--models-refresh", f.modelsRefreshSeconds, Duration.ofSeconds(60));
        healthInterval = f.healthInterval == null ? Duration.ofSeconds(2) : Durations.parse("--health-interval", f.healthInterval);
        if (healthInterval.compareTo(Duration.ofMillis(100)) < 0) {
            throw new IllegalArgumentException("--health-interval must be at least 100ms");
        }
        demoTokenDelay = Duration.ofMillis(f.demoTokenDelayMs == null ? 40 : Math.max(0, f.demoTokenDelayMs));
        List<ModelOverride> overrides = new ArrayList<>();
        f.modelCapabilities.forEach(spec -> overrides.add(ModelOverride.capabilities(spec)));
        f.modelContext.forEach(spec -> overrides.add(ModelOverride.contextLength(spec)));
        modelOverrides = List.copyOf(overrides);
        // flags add to the environment's list, as both only widen Ollama's defaults
        List<String> origins = new ArrayList<>(f.origins);
        if (notBlank(env.get("OLLAMA_ORIGINS"))) {
            origins.add(env.get("OLLAMA_ORIGINS"));
        }
        cors = CorsPolicy.withExtraOrigins(origins);
    }

    static ServeSettings resolve(Flags flags, Map<String, String> env, boolean interactive) {
        return new ServeSettings(flags, env, interactive);
    }

    /** The proxy configuration, with {@code backends} decided by the caller (the chosen one or the demo). */
    RelayConfig relayConfig(List<BackendConfig> backends) {
        return new RelayConfig(host, port, backends, maxRequestBytes, 16 * 1024 * 1024, eventLoops, timeouts,
                modelsRefresh, healthInterval, modelOverrides, cors);
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
            if (f.apiKeyEnv != null || f.backendType != null || f.backendCaFile != null) {
                throw new IllegalArgumentException("--api-key-env, --backend-type and --backend-ca-file need a backend: "
                        + "give --backend URL");
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
        String name = f.backendName != null ? f.backendName
                : flavor == BackendFlavor.GENERIC ? uri.getHost() : flavor.id();
        Path caFile = f.backendCaFile == null ? null : Path.of(f.backendCaFile);
        // without --backend-type the server's own model list and headers decide, once it is read
        return new ChosenBackend(new BackendConfig(name, uri, flavor, key, caFile, f.backendType == null), source);
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
        return Duration.ofSeconds(positive(flag, value, (int) fallback.toSeconds()));
    }

    private static String first(String a, String b, String fallback) {
        return notBlank(a) ? a.trim() : notBlank(b) ? b.trim() : fallback;
    }

    private static boolean notBlank(String s) {
        return s != null && !s.isBlank();
    }
}
