package io.llmrelay.core.config;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Reads {@code server:}: the settings {@code serve}'s flags also set, named as the flags are; and the
 * probe interval, which {@code health.interval} sets.
 */
final class ServerSection {

    static final List<String> KEYS = List.of("host", "port", "event_loops", "max_request_size", "log_format",
            "log_level", "health_interval", "models_refresh", "origins", "timeouts", "drain_timeout");
    static final List<String> TIMEOUT_KEYS = List.of("connect", "upstream_idle", "client_stall");
    private static final List<String> LOG_FORMATS = List.of("json", "text");
    private static final List<String> LOG_LEVELS = List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");
    /** Probing or listing more often than this is a mistake, not a setting. */
    private static final Duration MIN_INTERVAL = Duration.ofMillis(100);
    private static final Duration ONE_MS = Duration.ofMillis(1);

    private ServerSection() {}

    /**
     * {@code inHealth}: {@code health.interval}, the documented place of the probe interval (null when
     * not given); {@code server.health_interval}, where earlier files set it, still works, but not both.
     */
    static ServerConfig read(ConfigValue value, ConfigValue inHealth) {
        if (value == null) {
            return inHealth == null ? ServerConfig.none() : ServerConfig.none().withHealthInterval(interval(inHealth));
        }
        ConfigSection s = value.section(KEYS);
        ConfigValue host = s.get("host");
        ConfigValue port = s.get("port");
        ConfigValue loops = s.get("event_loops");
        ConfigValue size = s.get("max_request_size");
        ConfigValue health = s.get("health_interval");
        if (health != null && inHealth != null) {
            health.problem("is health.interval, which line " + inHealth.line()
                    + " sets too; keep one (health.interval is where it goes)");
        }
        ConfigValue refresh = s.get("models_refresh");
        ConfigValue origins = s.get("origins");
        ConfigValue drain = s.get("drain_timeout");
        ConfigSection timeouts = s.get("timeouts") == null ? null : s.get("timeouts").section(TIMEOUT_KEYS);
        return new ServerConfig(
                host == null ? null : host.nonBlank(),
                port == null ? null : port.integer(0, 65535, 0),
                loops == null ? null : loops.integer(0, 1024, 0),
                size == null ? null : (int) size.size(1, Integer.MAX_VALUE, 1),
                oneOf(s.get("log_format"), LOG_FORMATS, false),
                oneOf(s.get("log_level"), LOG_LEVELS, true),
                interval(inHealth != null ? inHealth : health),
                refresh == null ? null : refresh.duration(MIN_INTERVAL, MIN_INTERVAL),
                origins == null ? List.of() : origins.texts(),
                timeout(timeouts, "connect"),
                timeout(timeouts, "upstream_idle"),
                timeout(timeouts, "client_stall"),
                drain == null ? null : drain.duration(Duration.ZERO, null)); // 0: cut running answers at once
    }

    private static Duration interval(ConfigValue v) {
        return v == null ? null : v.duration(MIN_INTERVAL, MIN_INTERVAL);
    }

    private static Duration timeout(ConfigSection timeouts, String key) {
        ConfigValue v = timeouts == null ? null : timeouts.get(key);
        return v == null ? null : v.duration(ONE_MS, ONE_MS);
    }

    /** One of a few words, case-insensitive; returned in the case of {@code accepted}. */
    private static String oneOf(ConfigValue v, List<String> accepted, boolean upper) {
        if (v == null) {
            return null;
        }
        String text = v.nonBlank();
        if (text == null) {
            return null;
        }
        String wanted = upper ? text.toUpperCase(Locale.ROOT) : text.toLowerCase(Locale.ROOT);
        if (!accepted.contains(wanted)) {
            v.problem("must be one of " + String.join(", ", accepted) + ", not '" + text + "'");
            return null;
        }
        return wanted;
    }
}
