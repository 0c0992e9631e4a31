package io.llmrelay.server.cli;

import io.llmrelay.core.backend.Capability;
import io.llmrelay.core.backend.ModelOverride;
import io.llmrelay.core.config.BackendConfig;
import io.llmrelay.core.config.BackendOptions;
import io.llmrelay.core.config.BackendTimeouts;
import io.llmrelay.core.config.ConfigFile;
import io.llmrelay.core.config.Durations;
import io.llmrelay.core.config.ModelsConfig;
import io.llmrelay.core.config.NativeApi;
import io.llmrelay.core.config.RelayConfig;
import io.llmrelay.core.config.ResilienceConfig;
import io.llmrelay.core.config.SecurityConfig;
import io.llmrelay.core.config.SensitiveHeaders;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The fleet a config file resolves to, as {@code check-config} prints it: every backend with its
 * settings, routing, the catalogue rules, and the resilience and server settings that differ from the
 * defaults.
 * A key is shown only as the variable it comes from and whether it is set; headers that carry
 * credentials show as {@code (redacted)}; client keys by their names and sources (never a key or a
 * digest), the admin key by its variable, a Redis URL without its credentials.
 */
final class ConfigReport {

    private final StringBuilder out = new StringBuilder();

    private ConfigReport() {}

    /** {@code settings}: what serve would run with; {@code defaults}: with no flags, environment or file. */
    static String describe(ConfigFile file, ServeSettings settings, ServeSettings defaults) {
        ConfigReport r = new ConfigReport();
        r.backends(file, settings);
        r.routing(settings);
        r.models(settings.models, settings.modelOverrides);
        r.resilience(settings, defaults);
        r.server(settings, defaults);
        r.access(settings.security);
        return r.out.toString();
    }

    private void backends(ConfigFile file, ServeSettings settings) {
        if (!file.backends().isEmpty()) {
            line(0, "backends (" + file.backends().size() + "):");
            for (BackendConfig b : file.backends()) {
                String variable = file.keyVariables().get(b.name());
                String set = b.apiKey() != null ? " (set)" : " (NOT SET)";
                backend(b, variable == null ? noKey(b) : "env " + variable + set, settings.timeouts);
            }
        } else if (settings.backend != null) {
            BackendConfig b = settings.backend.config();
            line(0, "backends: none in the file; one from " + settings.backend.source() + ":");
            backend(b, b.apiKey() == null ? noKey(b) : b.apiKey().source() + " (set)", settings.timeouts);
        } else {
            line(0, "backends: none (serve runs the built-in demo backend)");
        }
    }

    private static String noKey(BackendConfig b) {
        return b.options().passClientAuth() ? "none; clients' own Authorization passed (pass_client_auth)" : "none";
    }

    private void backend(BackendConfig b, String key, RelayConfig.Timeouts proxy) {
        BackendOptions o = b.options();
        line(1, b.name());
        line(2, "type: " + (b.detectFlavor() ? "detect" : b.flavor().id()));
        line(2, "url: " + b.displayUrl());
        line(2, "key: " + key);
        if (b.trustedCertificates() != null) {
            line(2, "ca_file: " + b.trustedCertificates());
        }
        line(2, "priority: " + o.priority());
        line(2, "weight: " + o.weight());
        line(2, "max_concurrency: " + (o.maxConcurrency() == 0 ? "0 (no cap)" : o.maxConcurrency()));
        if (o.headers().isEmpty()) {
            line(2, "headers: none");
        } else {
            line(2, "headers:");
            o.headers().forEach((name, value) -> line(3, name + ": " + SensitiveHeaders.displayValue(name, value)));
        }
        line(2, "models: " + (o.models().isEmpty() ? "discovered from the server" : String.join(", ", o.models())));
        line(2, "include: " + patterns(o.include()));
        line(2, "timeouts: " + timeouts(o.timeouts(), proxy));
        String natively = nativeApis(b);
        if (natively != null) {
            line(2, "native_apis: " + natively);
        }
    }

    /** The APIs the backend serves itself, and whether by its type's default; null for none by default (most types). */
    private static String nativeApis(BackendConfig b) {
        List<String> apis = new ArrayList<>();
        for (NativeApi api : NativeApi.values()) {
            if (b.servesNatively(api)) {
                apis.add(api.id());
            }
        }
        if (b.options().nativeApis() == null) {
            return apis.isEmpty() ? null : String.join(", ", apis) + " (the type's default)";
        }
        return apis.isEmpty() ? "none" : String.join(", ", apis);
    }

    /** Each limit the backend runs with; one it does not set itself is marked as the proxy's. */
    private static String timeouts(BackendTimeouts own, RelayConfig.Timeouts proxy) {
        BackendTimeouts.Resolved t = own.resolve(proxy);
        return limit("connect", t.connect(), own.connect()) + ", " + limit("first_byte", t.firstByte(), own.firstByte())
                + ", " + limit("idle", t.idle(), own.idle());
    }

    private static String limit(String name, Duration resolved, Duration own) {
        return name + " " + duration(resolved) + (own == null ? " (proxy's)" : "");
    }

    private void routing(ServeSettings settings) {
        line(0, "routing:");
        line(1, "strategy: " + settings.routing.strategy().id());
        line(1, "sticky: " + settings.routing.sticky().id());
    }

    private void models(ModelsConfig m, List<ModelOverride> overrides) {
        line(0, "models:");
        if (m.aliases().isEmpty()) {
            line(1, "aliases: none");
        } else {
            line(1, "aliases:");
            m.aliases().forEach((alias, targets) -> line(2, alias + ": " + String.join(", ", targets)));
        }
        line(1, "include: " + patterns(m.include()));
        line(1, "filter: " + (m.filterFile() == null ? "none"
                : m.filterFile() + " (" + count(m.filter().size(), "entry", "entries") + "): " + patterns(m.filter())));
        if (m.mappingFile() == null) {
            line(1, "mapping: none");
        } else {
            line(1, "mapping: " + m.mappingFile() + " (" + count(m.mapping().size(), "name", "names") + ")");
            m.mapping().forEach((from, to) -> line(2, from + " -> " + to));
        }
        if (overrides.isEmpty()) {
            line(1, "overrides: none");
        } else {
            line(1, "overrides:");
            overrides.forEach(o -> line(2, override(o)));
        }
        if (m.fallbacks().isEmpty()) {
            line(1, "fallbacks: none");
        } else {
            line(1, "fallbacks:");
            m.fallbacks().forEach((model, chain) -> line(2, model + ": " + String.join(", ", chain)));
        }
    }

    private void resilience(ServeSettings s, ServeSettings d) {
        ResilienceConfig r = s.resilience;
        ResilienceConfig rd = d.resilience;
        List<String> changed = new ArrayList<>();
        differs(changed, "health.interval", duration(s.healthInterval), duration(d.healthInterval));
        differs(changed, "health.timeout", probeTimeout(r.health().timeout()), probeTimeout(rd.health().timeout()));
        differs(changed, "health.path", probePath(r.health().path()), probePath(rd.health().path()));
        differs(changed, "health.fall", r.health().fall(), rd.health().fall());
        differs(changed, "health.rise", r.health().rise(), rd.health().rise());
        differs(changed, "health.slow_start", duration(r.health().slowStart()), duration(rd.health().slowStart()));
        differs(changed, "health.ready", r.health().ready().id(), rd.health().ready().id());
        differs(changed, "breaker.failures", r.breaker().failures(), rd.breaker().failures());
        differs(changed, "breaker.open_for", duration(r.breaker().openFor()), duration(rd.breaker().openFor()));
        differs(changed, "outlier.consecutive_errors", r.outlier().consecutiveErrors(),
                rd.outlier().consecutiveErrors());
        differs(changed, "outlier.base_ejection", duration(r.outlier().baseEjection()),
                duration(rd.outlier().baseEjection()));
        differs(changed, "outlier.max_ejection", duration(r.outlier().maxEjection()),
                duration(rd.outlier().maxEjection()));
        differs(changed, "outlier.max_ejected_percent", r.outlier().maxEjectedPercent(),
                rd.outlier().maxEjectedPercent());
        differs(changed, "retry.attempts", r.retry().attempts(), rd.retry().attempts());
        differs(changed, "retry.on", conditions(r.retry().on()), conditions(rd.retry().on()));
        differs(changed, "retry.budget_percent", r.retry().budgetPercent(), rd.retry().budgetPercent());
        differs(changed, "retry.backoff", duration(r.retry().backoff()), duration(rd.retry().backoff()));
        if (changed.isEmpty()) {
            line(0, "resilience: the defaults");
        } else {
            line(0, "resilience (what differs from the defaults):");
            changed.forEach(c -> line(1, c));
        }
    }

    private static String probeTimeout(Duration timeout) {
        return timeout == null ? "twice the interval, at least 1s" : duration(timeout);
    }

    private static String probePath(String path) {
        return path == null ? "the backend type's probe" : path;
    }

    /** In the order the docs list them (connect, timeout, 5xx, 429, 503); "none" for {@code on: []}. */
    private static String conditions(Set<ResilienceConfig.On> on) {
        String ids = on.stream().sorted().map(ResilienceConfig.On::id).collect(Collectors.joining(", "));
        return ids.isEmpty() ? "none" : ids;
    }

    private void server(ServeSettings s, ServeSettings d) {
        List<String> changed = new ArrayList<>();
        differs(changed, "host", s.host, d.host);
        differs(changed, "port", s.port, d.port);
        differs(changed, "event_loops", s.eventLoops, d.eventLoops);
        differs(changed, "max_request_size", size(s.maxRequestBytes), size(d.maxRequestBytes));
        differs(changed, "log_format", s.logFormat, d.logFormat);
        differs(changed, "log_level", s.logLevel, d.logLevel);
        differs(changed, "models_refresh", duration(s.modelsRefresh), duration(d.modelsRefresh));
        differs(changed, "origins", String.join(", ", s.extraOrigins), String.join(", ", d.extraOrigins));
        differs(changed, "timeouts.connect", duration(s.timeouts.connect()), duration(d.timeouts.connect()));
        differs(changed, "timeouts.upstream_idle", duration(s.timeouts.upstreamIdle()), duration(d.timeouts.upstreamIdle()));
        differs(changed, "timeouts.client_stall", duration(s.timeouts.clientStall()), duration(d.timeouts.clientStall()));
        differs(changed, "drain_timeout", duration(s.timeouts.drain()), duration(d.timeouts.drain()));
        if (changed.isEmpty()) {
            line(0, "server: the defaults");
        } else {
            line(0, "server (what differs from the defaults):");
            changed.forEach(c -> line(1, c));
        }
    }

    /** {@code auth:}, {@code limits:}, {@code trusted_proxies:}, {@code admin:}: each key by name, never by value. */
    private void access(SecurityConfig s) {
        SecurityConfig.Auth auth = s.auth();
        if (!auth.required()) {
            line(0, "auth: none (no key needed)");
        } else {
            line(0, "auth:");
            if (auth.keysFile() != null) {
                line(1, "keys_file: " + auth.keysFile());
            }
            if (auth.keysEnv() != null) {
                line(1, "keys_env: " + auth.keysEnv() + " (set)");
            }
            line(1, "keys (" + auth.keys().size() + "):");
            for (SecurityConfig.ClientKey k : auth.keys()) {
                line(2, k.name() + ": models " + patterns(k.models().contains("*") ? List.of() : k.models())
                        + "; limits " + keyLimits(k.limits()) + "; from " + k.source());
            }
        }
        SecurityConfig.Limits l = s.limits();
        if (l.equals(SecurityConfig.Limits.none())) {
            line(0, "limits: none");
        } else {
            line(0, "limits:");
            line(1, "global: " + rate(l.global().rps(), l.global().burst(), l.global().concurrent(), 0));
            line(1, "per_ip: " + rate(l.perIp().rps(), l.perIp().burst(), l.perIp().concurrent(), 0));
            line(1, "per_key: " + keyLimits(l.perKey()));
            line(1, "redis: " + (l.redis() == null ? "none (limits are per process)" : redis(l.redis())));
            line(1, "redis_down: " + l.redisDown().id());
        }
        line(0, "trusted_proxies: " + (s.trustedProxies().isEmpty() ? "none"
                : s.trustedProxies().stream().map(Object::toString).collect(Collectors.joining(", "))));
        SecurityConfig.Admin a = s.admin();
        line(0, "admin:");
        line(1, "port: " + (a.port() == 0 ? "0 (the main port)" : a.port()));
        line(1, "key: " + (a.key() != null ? a.key().source() + " (set)"
                : a.port() > 0 ? "none (anyone who reaches the admin port)" : "none (clients on this machine only)"));
    }

    private static String keyLimits(SecurityConfig.KeyLimits k) {
        return rate(k.rps(), k.burst(), k.concurrent(), k.tokensPerMinute());
    }

    /** The limits that are on, e.g. {@code rps 5, burst 20}; {@code off} for none. */
    private static String rate(int rps, int burst, int concurrent, int tokensPerMinute) {
        List<String> on = new ArrayList<>();
        if (rps > 0) {
            on.add("rps " + rps);
        }
        if (burst > 0) {
            on.add("burst " + burst);
        }
        if (concurrent > 0) {
            on.add("concurrent " + concurrent);
        }
        if (tokensPerMinute > 0) {
            on.add("tokens_per_minute " + tokensPerMinute);
        }
        return on.isEmpty() ? "off" : String.join(", ", on);
    }

    /** A Redis URL as it may be shown: without a user or password ({@code redis://:secret@host}). */
    static String redis(java.net.URI uri) {
        String shown = uri.getScheme() + "://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "")
                + (uri.getRawPath() == null ? "" : uri.getRawPath());
        return uri.getRawUserInfo() != null ? shown + " (credentials hidden)" : shown;
    }

    private static void differs(List<String> changed, String key, Object value, Object byDefault) {
        if (!Objects.equals(value, byDefault)) {
            changed.add(key + ": " + value + " (default " + (byDefault.toString().isEmpty() ? "none" : byDefault) + ")");
        }
    }

    private static String override(ModelOverride o) {
        if (o.contextLength() > 0) {
            return o.glob() + ": context " + o.contextLength() + " tokens where the backend reports none";
        }
        StringBuilder caps = new StringBuilder(o.glob()).append(": capabilities");
        if (o.replace() != null) {
            caps.append(' ').append(String.join(",", Capability.labels(o.replace())));
        }
        o.add().forEach(c -> caps.append(" +").append(c.label()));
        o.remove().forEach(c -> caps.append(" -").append(c.label()));
        return caps.toString();
    }

    private static String count(int n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }

    private static String patterns(List<String> patterns) {
        return patterns.isEmpty() ? "all" : String.join(", ", patterns);
    }

    private static String duration(Duration d) {
        return Durations.format(d);
    }

    /** The largest exact binary unit: {@code 64MiB}, {@code 10KiB}, else bytes. */
    static String size(long bytes) {
        for (Map.Entry<Long, String> unit : List.of(Map.entry(1L << 30, "GiB"), Map.entry(1L << 20, "MiB"),
                Map.entry(1L << 10, "KiB"))) {
            if (bytes > 0 && bytes % unit.getKey() == 0) {
                return bytes / unit.getKey() + unit.getValue();
            }
        }
        return bytes + "B";
    }

    private void line(int indent, String text) {
        out.append("  ".repeat(indent)).append(text).append('\n');
    }
}
