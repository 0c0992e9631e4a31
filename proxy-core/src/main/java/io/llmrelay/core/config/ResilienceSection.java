package io.llmrelay.core.config;

import io.llmrelay.core.config.ResilienceConfig.Breaker;
import io.llmrelay.core.config.ResilienceConfig.Health;
import io.llmrelay.core.config.ResilienceConfig.On;
import io.llmrelay.core.config.ResilienceConfig.Outlier;
import io.llmrelay.core.config.ResilienceConfig.Ready;
import io.llmrelay.core.config.ResilienceConfig.Retry;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Reads {@code health:}, {@code breaker:}, {@code outlier:} and {@code retry:} into a
 * {@link ResilienceConfig}; each key left out keeps {@link ResilienceConfig#defaults()}. The probe
 * interval ({@code health.interval}) is handed back unread: it is the server's setting, which older
 * files give as {@code server.health_interval}, so {@link ServerSection} reads it.
 */
final class ResilienceSection {

    static final List<String> HEALTH_KEYS = List.of("interval", "timeout", "path", "fall", "rise", "slow_start",
            "ready");
    static final List<String> BREAKER_KEYS = List.of("failures", "open_for");
    static final List<String> OUTLIER_KEYS = List.of("consecutive_errors", "base_ejection", "max_ejection",
            "max_ejected_percent");
    static final List<String> RETRY_KEYS = List.of("attempts", "on", "budget_percent", "backoff");
    /** More probes or errors in a row than this is a typo, not a threshold. */
    static final int MAX_COUNT = 1000;
    /** Each attempt goes to another backend or fallback model; a longer chain only delays the error. */
    static final int MAX_ATTEMPTS = 100;
    private static final Duration ONE_MS = Duration.ofMillis(1);

    /**
     * @param config what the four sections set, defaults for the rest
     * @param interval {@code health.interval} as written; null when not given
     */
    record Result(ResilienceConfig config, ConfigValue interval) {}

    private ResilienceSection() {}

    static Result read(ConfigValue health, ConfigValue breaker, ConfigValue outlier, ConfigValue retry) {
        ResilienceConfig d = ResilienceConfig.defaults();
        ConfigSection h = health == null ? null : health.section(HEALTH_KEYS);
        return new Result(new ResilienceConfig(
                h == null ? d.health() : health(h),
                breaker == null ? d.breaker() : breaker(breaker.section(BREAKER_KEYS)),
                outlier == null ? d.outlier() : outlier(outlier.section(OUTLIER_KEYS)),
                retry == null ? d.retry() : retry(retry.section(RETRY_KEYS))),
                h == null ? null : h.get("interval"));
    }

    private static Health health(ConfigSection s) {
        Health d = Health.defaults();
        return new Health(
                s.duration("timeout", ONE_MS, d.timeout()),
                path(s.get("path")),
                s.integer("fall", 1, MAX_COUNT, d.fall()),
                s.integer("rise", 1, MAX_COUNT, d.rise()),
                s.duration("slow_start", Duration.ZERO, d.slowStart()),
                ready(s.get("ready"), d.ready()));
    }

    /** A path from the server's root, as a request line carries it. */
    private static String path(ConfigValue v) {
        String path = v == null ? null : v.nonBlank();
        if (path == null) {
            return null;
        }
        String problem = !path.startsWith("/") ? "must start with '/' (a path from the server's root, e.g. /health)"
                : path.chars().anyMatch(c -> c <= ' ' || c == 0x7f) ? "must not contain spaces or control characters"
                : path.indexOf('#') >= 0 ? "must not have a fragment (#...)"
                : null;
        if (problem != null) {
            v.problem(problem + ", not '" + path + "'");
            return null;
        }
        return path;
    }

    private static Ready ready(ConfigValue v, Ready byDefault) {
        String text = v == null ? null : v.nonBlank();
        if (text == null) {
            return byDefault;
        }
        try {
            return Ready.fromId(text);
        } catch (IllegalArgumentException e) {
            v.problem(e.getMessage());
            return byDefault;
        }
    }

    private static Breaker breaker(ConfigSection s) {
        Breaker d = Breaker.defaults();
        return new Breaker(s.integer("failures", 1, MAX_COUNT, d.failures()),
                s.duration("open_for", ONE_MS, d.openFor()));
    }

    private static Outlier outlier(ConfigSection s) {
        Outlier d = Outlier.defaults();
        Duration base = s.duration("base_ejection", ONE_MS, d.baseEjection());
        Duration max = s.duration("max_ejection", ONE_MS, d.maxEjection());
        if (max.compareTo(base) < 0) {
            ConfigValue maxKey = s.get("max_ejection");
            if (maxKey != null) {
                maxKey.problem("must be at least base_ejection (" + Durations.format(base) + "), not "
                        + Durations.format(max));
            } else {
                s.get("base_ejection").problem("is longer than max_ejection (" + Durations.format(max)
                        + " by default); raise max_ejection too");
            }
            base = d.baseEjection();
            max = d.maxEjection();
        }
        return new Outlier(s.integer("consecutive_errors", 1, MAX_COUNT, d.consecutiveErrors()), base, max,
                s.integer("max_ejected_percent", 0, 100, d.maxEjectedPercent()));
    }

    private static Retry retry(ConfigSection s) {
        Retry d = Retry.defaults();
        ConfigValue on = s.get("on");
        return new Retry(s.integer("attempts", 1, MAX_ATTEMPTS, d.attempts()),
                on == null ? d.on() : conditions(on),
                s.integer("budget_percent", 0, 100, d.budgetPercent()),
                s.duration("backoff", Duration.ZERO, d.backoff()));
    }

    /** The failures a retry follows; {@code []} retries none. */
    private static Set<On> conditions(ConfigValue v) {
        Set<On> out = EnumSet.noneOf(On.class);
        for (ConfigValue item : v.items()) {
            String text = item.nonBlank();
            if (text == null) {
                continue;
            }
            try {
                if (!out.add(On.fromId(text))) {
                    item.problem("'" + text + "' is listed twice");
                }
            } catch (IllegalArgumentException e) {
                item.problem(e.getMessage());
            }
        }
        return out;
    }
}
