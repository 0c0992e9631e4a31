package io.llmrelay.core.config;

import io.llmrelay.core.backend.ModelOverride;
import io.llmrelay.core.config.ConfigException.Problem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A fleet configuration file ({@code serve --config relay.yaml}, {@code check-config relay.yaml}):
 * YAML with the sections {@code backends}, {@code routing}, {@code models}, the resilience sections
 * ({@code health}, {@code breaker}, {@code outlier}, {@code retry}), {@code server} and the access
 * sections ({@code auth}, {@code limits}, {@code trusted_proxies}, {@code admin}), read into the
 * config records. Values may use {@code ${VAR}} and {@code ${VAR:-default}} from the
 * environment. Any unknown key, wrong type or impossible value refuses the whole file with a
 * {@link ConfigException} that lists every problem as {@code file:line: key: message}; nothing is
 * ignored, nothing is guessed.
 */
public final class ConfigFile {

    static final List<String> SECTIONS = List.of("backends", "routing", "models", "health", "breaker", "outlier",
            "retry", "server", "auth", "limits", "trusted_proxies", "admin");

    private final Path path;
    private final List<BackendConfig> backends;
    private final Map<String, String> keyVariables;
    private final List<Problem> unsetKeys;
    private final RoutingConfig routing;
    private final ModelsConfig models;
    private final List<ModelOverride> modelOverrides;
    private final ResilienceConfig resilience;
    private final ServerConfig server;
    private final SecurityConfig security;

    private ConfigFile(Path path, BackendsSection.Result backends, RoutingConfig routing, ModelsSection.Result models,
            ResilienceConfig resilience, ServerConfig server, SecurityConfig security) {
        this.path = path;
        this.backends = backends.backends();
        this.keyVariables = Collections.unmodifiableMap(new LinkedHashMap<>(backends.keyVariables()));
        this.unsetKeys = backends.unsetKeys();
        this.routing = routing;
        this.models = models.models();
        this.modelOverrides = models.overrides();
        this.resilience = resilience;
        this.server = server;
        this.security = security;
    }

    /**
     * Reads and checks {@code file}, requiring every {@code api_key_env} variable to be set: what
     * {@code serve} runs with.
     *
     * @throws ConfigException naming every problem
     */
    public static ConfigFile load(Path file, Map<String, String> env) {
        ConfigFile config = read(file, env);
        config.requireKeys();
        return config;
    }

    /**
     * Reads and checks {@code file}, but keeps a backend whose {@code api_key_env} variable is not set
     * (without a key; see {@link #unsetKeys()}), so the fleet can still be shown.
     *
     * @throws ConfigException naming every problem, unset key variables included, when there is any
     *     other problem
     */
    public static ConfigFile read(Path file, Map<String, String> env) {
        ConfigSource source = new ConfigSource(file, env);
        YamlNode root = YamlTreeReader.read(text(file), source.problems);
        ConfigSection sections = root == null ? null : sections(root, source);
        BackendsSection.Result backends = BackendsSection.read(get(sections, "backends"), source);
        RoutingConfig routing = RoutingSection.read(get(sections, "routing"));
        ModelsSection.Result models = ModelsSection.read(get(sections, "models"), source, backends.names());
        ResilienceSection.Result resilience = ResilienceSection.read(get(sections, "health"),
                get(sections, "breaker"), get(sections, "outlier"), get(sections, "retry"));
        ServerConfig server = ServerSection.read(get(sections, "server"), resilience.interval());
        SecurityConfig security = SecuritySection.read(get(sections, "auth"), get(sections, "limits"),
                get(sections, "trusted_proxies"), get(sections, "admin"), source);
        if (source.problems.any()) {
            backends.unsetKeys().forEach(p -> source.problems.add(p.line(), p.path(), p.message()));
            source.problems.throwIfAny();
        }
        return new ConfigFile(file, backends, routing, models, resilience.config(), server, security);
    }

    private static String text(Path file) {
        try {
            String text = Files.readString(file);
            return text.startsWith("\uFEFF") ? text.substring(1) : text;
        } catch (IOException e) {
            throw new ConfigException(List.of(new Problem(file.toString(), 0, "", "cannot read the config file ("
                    + Reasons.of(e) + ")")));
        }
    }

    private static ConfigSection sections(YamlNode root, ConfigSource source) {
        if (!(root instanceof YamlNode.Mapping)) {
            source.problems.add(root.line(), "", "a config file is a map of sections (" + String.join(", ", SECTIONS)
                    + "), not " + root.kind());
            return null;
        }
        return new ConfigValue(root, "", source).section(SECTIONS);
    }

    private static ConfigValue get(ConfigSection sections, String key) {
        return sections == null ? null : sections.get(key);
    }

    /** Throws the {@link #unsetKeys()} problems, if any. */
    public void requireKeys() {
        if (!unsetKeys.isEmpty()) {
            throw new ConfigException(unsetKeys);
        }
    }

    /** The file as it was named. */
    public Path path() {
        return path;
    }

    /** The {@code backends:} list in the file's order; empty when the file has none. */
    public List<BackendConfig> backends() {
        return backends;
    }

    /** Backend name → the environment variable its {@code api_key_env} names, whether it is set or not. */
    public Map<String, String> keyVariables() {
        return keyVariables;
    }

    /** One problem per {@code api_key_env} whose variable is not set; such a backend has no key. */
    public List<Problem> unsetKeys() {
        return unsetKeys;
    }

    public RoutingConfig routing() {
        return routing;
    }

    public ModelsConfig models() {
        return models;
    }

    /** {@code models.capabilities} then {@code models.context}, in the file's order. */
    public List<ModelOverride> modelOverrides() {
        return modelOverrides;
    }

    /** {@code health:}, {@code breaker:}, {@code outlier:} and {@code retry:}; the probe interval is {@link ServerConfig#healthInterval()}. */
    public ResilienceConfig resilience() {
        return resilience;
    }

    /** {@code server:}, with the probe interval wherever the file gives it. */
    /** {@code auth:}, {@code limits:}, {@code trusted_proxies:}, {@code admin:}; {@link SecurityConfig#none()} without them. */
    public SecurityConfig security() {
        return security;
    }

    public ServerConfig server() {
        return server;
    }
}
