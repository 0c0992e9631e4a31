package io.llmrelay.server.cli;

import io.llmrelay.core.config.Durations;
import io.llmrelay.core.config.ResilienceConfig;
import io.llmrelay.core.config.ResilienceConfig.Breaker;
import io.llmrelay.core.config.ResilienceConfig.Health;
import io.llmrelay.core.config.ResilienceConfig.Retry;
import java.time.Duration;

/**
 * The resilience settings {@code serve} runs with: the config file's (each key it leaves out at its
 * default), with every one a flag gives replaced by the flag's. No environment variable sets them.
 */
final class ResilienceSettings {

    private ResilienceSettings() {}

    /**
     * @throws IllegalArgumentException naming the flag whose value is impossible
     */
    static ResilienceConfig resolve(ServeSettings.Flags f, ResilienceConfig fromFile) {
        Health h = fromFile.health();
        Breaker b = fromFile.breaker();
        Retry r = fromFile.retry();
        Health health = new Health(h.timeout(), h.path(), atLeastOne("--health-fall", f.healthFall, h.fall()),
                atLeastOne("--health-rise", f.healthRise, h.rise()), h.slowStart(), h.ready());
        Breaker breaker = new Breaker(atLeastOne("--breaker-failures", f.breakerFailures, b.failures()),
                f.breakerOpenFor == null ? b.openFor() : positive("--breaker-open-for", f.breakerOpenFor));
        Retry retry = new Retry(atLeastOne("--retry-attempts", f.retryAttempts, r.attempts()), r.on(),
                r.budgetPercent(), r.backoff());
        return new ResilienceConfig(health, breaker, fromFile.outlier(), retry);
    }

    private static int atLeastOne(String flag, Integer value, int fallback) {
        if (value == null) {
            return fallback;
        }
        if (value < 1) {
            throw new IllegalArgumentException(flag + " must be at least 1, not " + value);
        }
        return value;
    }

    private static Duration positive(String flag, String text) {
        Duration d = Durations.parse(flag, text);
        if (d.isZero()) {
            throw new IllegalArgumentException(flag + " must be longer than 0");
        }
        return d;
    }
}
