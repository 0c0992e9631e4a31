package io.llmrelay.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrelay.core.config.ResilienceConfig.Breaker;
import io.llmrelay.core.config.ResilienceConfig.Health;
import io.llmrelay.core.config.ResilienceConfig.On;
import io.llmrelay.core.config.ResilienceConfig.Outlier;
import io.llmrelay.core.config.ResilienceConfig.Ready;
import io.llmrelay.core.config.ResilienceConfig.Retry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The resilience keys of the config file: what each becomes, and every way it can be wrong, with the line. */
class ResilienceConfigFileTest {

    @TempDir
    Path dir;

    private ConfigFile load(String yaml) throws IOException {
        Path file = dir.resolve("relay.yaml");
        Files.writeString(file, yaml);
        return ConfigFile.load(file, Map.of("OPEN_FOR", "15s"));
    }

    /** Each problem as {@code line: path: message}, without the file. */
    private List<String> problems(String yaml) throws IOException {
        try {
            load(yaml);
        } catch (ConfigException e) {
            return e.problems().stream().map(p -> p.line() + ": " + p.path() + ": " + p.message()).toList();
        }
        throw new AssertionError("expected the file to be refused:\n" + yaml);
    }

    @Test
    void everyKeyIsRead() throws IOException {
        ConfigFile c = load("""
                health:
                  interval: 500ms
                  timeout: 1s
                  path: /v1/models?probe=1
                  fall: 3
                  rise: 2
                  slow_start: 0
                  ready: any
                breaker: {failures: 4, open_for: "${OPEN_FOR}"}
                outlier:
                  consecutive_errors: 5
                  base_ejection: 2s
                  max_ejection: 1m
                  max_ejected_percent: 100
                retry:
                  attempts: 1
                  on: [connect, TIMEOUT, 503]
                  budget_percent: 0
                  backoff: 0ms
                """);
        assertThat(c.resilience()).isEqualTo(new ResilienceConfig(
                new Health(Duration.ofSeconds(1), "/v1/models?probe=1", 3, 2, Duration.ZERO, Ready.ANY_BACKEND),
                new Breaker(4, Duration.ofSeconds(15)),
                new Outlier(5, Duration.ofSeconds(2), Duration.ofMinutes(1), 100),
                new Retry(1, EnumSet.of(On.CONNECT, On.TIMEOUT, On.UNAVAILABLE), 0, Duration.ZERO)));
        assertThat(c.server().healthInterval()).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void keysLeftOutKeepTheirDefaults() throws IOException {
        assertThat(load("# nothing\n").resilience()).isEqualTo(ResilienceConfig.defaults());
        ConfigFile c = load("health: {fall: 5}\nbreaker: {}\noutlier:\nretry: {on: [5xx, 429]}\n");
        ResilienceConfig d = ResilienceConfig.defaults();
        assertThat(c.resilience().health()).isEqualTo(new Health(null, null, 5, 1, Duration.ofSeconds(10),
                Ready.EVERY_MODEL));
        assertThat(c.resilience().breaker()).isEqualTo(d.breaker());
        assertThat(c.resilience().outlier()).isEqualTo(d.outlier());
        assertThat(c.resilience().retry()).isEqualTo(new Retry(3, EnumSet.of(On.SERVER_ERROR, On.TOO_MANY_REQUESTS),
                20, Duration.ofMillis(25)));
        assertThat(c.server().healthInterval()).isNull();
    }

    @Test
    void anEmptyOnListRetriesNothing() throws IOException {
        assertThat(load("retry:\n  on: []\n").resilience().retry().on()).isEmpty();
    }

    @Test
    void unknownKeysInEachSection() throws IOException {
        assertThat(problems("""
                health:
                  intervall: 1s
                breaker:
                  openfor: 1s
                outlier:
                  max_percent: 10
                retry:
                  attemps: 2
                """)).containsExactly(
                "2: health.intervall: unknown key; did you mean 'interval'? (allowed here: interval, timeout, path, "
                        + "fall, rise, slow_start, ready)",
                "4: breaker.openfor: unknown key; did you mean 'open_for'? (allowed here: failures, open_for)",
                "6: outlier.max_percent: unknown key (allowed here: consecutive_errors, base_ejection, max_ejection, "
                        + "max_ejected_percent)",
                "8: retry.attemps: unknown key; did you mean 'attempts'? (allowed here: attempts, on, budget_percent, "
                        + "backoff)");
    }

    @Test
    void wrongTypes() throws IOException {
        assertThat(problems("""
                health: 2s
                breaker:
                  failures: [5]
                outlier:
                  base_ejection: {s: 1}
                retry:
                  on: connect
                  attempts: three
                """)).containsExactly(
                "1: health: must be a map (key: value lines), not a value",
                "3: breaker.failures: must be a value (text or number), not a list",
                "5: outlier.base_ejection: must be a value (text or number), not a map",
                "7: retry.on: must be a list (e.g. [a, b] or lines starting with '- '), not a value",
                "8: retry.attempts: must be a whole number, not 'three'");
    }

    @Test
    void impossibleHealthValues() throws IOException {
        assertThat(problems("""
                health:
                  interval: 50ms
                  timeout: 0s
                  path: v1/models
                  fall: 0
                  rise: -1
                  slow_start: soon
                  ready: all
                """)).containsExactly(
                "2: health.interval: must be at least 100ms, not 50ms",
                "3: health.timeout: must be at least 1ms, not 0s",
                "4: health.path: must start with '/' (a path from the server's root, e.g. /health), not 'v1/models'",
                "5: health.fall: must be at least 1, not 0",
                "6: health.rise: must be at least 1, not -1",
                "7: health.slow_start: must be a duration such as 500ms, 2s, 1m or 0.5 (seconds), not 'soon'",
                "8: health.ready: unknown readiness rule 'all' (one of: models | any)");
        assertThat(problems("health:\n  path: \"/health check\"\n  fall: 1001\n")).containsExactly(
                "2: health.path: must not contain spaces or control characters, not '/health check'",
                "3: health.fall: must be at most 1000, not 1001");
        assertThat(problems("health:\n  path: \"/health#x\"\n")).containsExactly(
                "2: health.path: must not have a fragment (#...), not '/health#x'");
    }

    @Test
    void impossibleBreakerAndOutlierValues() throws IOException {
        assertThat(problems("""
                breaker:
                  failures: 0
                  open_for: -1s
                outlier:
                  consecutive_errors: 0
                  base_ejection: 0
                  max_ejected_percent: 101
                """)).containsExactly(
                "2: breaker.failures: must be at least 1, not 0",
                "3: breaker.open_for: must be a duration such as 500ms, 2s, 1m or 0.5 (seconds), not '-1s'",
                "5: outlier.consecutive_errors: must be at least 1, not 0",
                "6: outlier.base_ejection: must be at least 1ms, not 0",
                "7: outlier.max_ejected_percent: must be at most 100, not 101");
    }

    @Test
    void theLongestEjectionIsAtLeastTheFirst() throws IOException {
        assertThat(problems("outlier:\n  base_ejection: 10s\n  max_ejection: 5s\n")).containsExactly(
                "3: outlier.max_ejection: must be at least base_ejection (10s), not 5s");
        assertThat(problems("outlier:\n  base_ejection: 1m\n")).containsExactly(
                "2: outlier.base_ejection: is longer than max_ejection (30s by default); raise max_ejection too");
        assertThat(problems("outlier:\n  max_ejection: 500ms\n")).containsExactly(
                "2: outlier.max_ejection: must be at least base_ejection (1s), not 500ms");
    }

    @Test
    void impossibleRetryValues() throws IOException {
        assertThat(problems("""
                retry:
                  attempts: 0
                  on: [connect, 404, timeout, connect, ""]
                  budget_percent: 150
                  backoff: -5ms
                """)).containsExactly(
                "2: retry.attempts: must be at least 1, not 0",
                "3: retry.on[1]: unknown retry condition '404' (one of: connect | timeout | 5xx | 429 | 503)",
                "3: retry.on[3]: 'connect' is listed twice",
                "3: retry.on[4]: must not be empty",
                "4: retry.budget_percent: must be at most 100, not 150",
                "5: retry.backoff: must be a duration such as 500ms, 2s, 1m or 0.5 (seconds), not '-5ms'");
        assertThat(problems("retry: {attempts: 101}\n")).containsExactly(
                "1: retry.attempts: must be at most 100, not 101");
    }

    @Test
    void theIntervalMayStillBeAServerSetting() throws IOException {
        assertThat(load("server:\n  health_interval: 750ms\n").server().healthInterval())
                .isEqualTo(Duration.ofMillis(750));
        assertThat(load("health:\n  interval: 3s\nserver:\n  port: 1\n").server().healthInterval())
                .isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void theIntervalInBothPlacesIsAnError() throws IOException {
        assertThat(problems("""
                health:
                  interval: 1s
                server:
                  health_interval: 2s
                """)).containsExactly(
                "4: server.health_interval: is health.interval, which line 2 sets too; keep one (health.interval is "
                        + "where it goes)");
    }

    @Test
    void aBackendsOwnTimeouts() throws IOException {
        ConfigFile c = load("""
                backends:
                  - name: gpu-1
                    url: http://gpu-1:8000/v1
                    timeouts: {connect: 2s, first_byte: 30s, idle: 60s}
                  - name: gpu-2
                    url: http://gpu-2:8000/v1
                    timeouts:
                      first_byte: 500ms
                  - name: gpu-3
                    url: http://gpu-3:8000/v1
                """);
        assertThat(c.backends()).extracting(b -> b.options().timeouts()).containsExactly(
                new BackendTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(30), Duration.ofSeconds(60)),
                new BackendTimeouts(null, Duration.ofMillis(500), null),
                BackendTimeouts.INHERIT);
    }

    @Test
    void aBackendsImpossibleTimeouts() throws IOException {
        assertThat(problems("""
                backends:
                  - name: gpu-1
                    url: http://gpu-1:8000/v1
                    timeouts:
                      connect: 0
                      first_bite: 30s
                      idle: forever
                  - name: gpu-2
                    url: http://gpu-2:8000/v1
                    timeouts: 30s
                """)).containsExactly(
                "5: backends[0].timeouts.connect: must be at least 1ms, not 0",
                "6: backends[0].timeouts.first_bite: unknown key; did you mean 'first_byte'? (allowed here: connect, "
                        + "first_byte, idle)",
                "7: backends[0].timeouts.idle: must be a duration such as 500ms, 2s, 1m or 0.5 (seconds), not 'forever'",
                "10: backends[1].timeouts: must be a map (key: value lines), not a value");
    }

    @Test
    void fallbackChains() throws IOException {
        ConfigFile c = load("""
                models:
                  aliases:
                    big: [qwen3:32b]
                  fallbacks:
                    big: [medium, small]
                    medium: [small]
                    "Qwen/Qwen3-32B": [qwen3:8b]
                """);
        assertThat(c.models().fallbacks()).containsExactly(
                Map.entry("big", List.of("medium", "small")),
                Map.entry("medium", List.of("small")),
                Map.entry("Qwen/Qwen3-32B", List.of("qwen3:8b")));
        assertThat(load("models: {aliases: {a: [b]}}\n").models().fallbacks()).isEmpty();
    }

    @Test
    void fallbackMistakes() throws IOException {
        assertThat(problems("""
                models:
                  fallbacks:
                    big: [medium, big:latest, medium, "two words"]
                    empty: []
                    "no spaces": [x]
                    Big: [small]
                    scalar: small
                """)).containsExactly(
                "3: models.fallbacks.big[1]: 'big' cannot fall back to itself",
                "3: models.fallbacks.big[2]: 'medium' is listed twice",
                "3: models.fallbacks.big[3]: 'two words' has a space in it: one model name per entry",
                "4: models.fallbacks.empty: needs the models to try instead, in order, e.g. [medium, small]",
                "5: models.fallbacks.no spaces: a model name clients send has no spaces",
                "6: models.fallbacks.Big: 'Big' is the same model as 'big': give its chain once",
                "7: models.fallbacks.scalar: must be a list (e.g. [a, b] or lines starting with '- '), not a value");
    }

    @Test
    void aFallbackCycleIsNamedOnceWhereItCloses() throws IOException {
        assertThat(problems("""
                models:
                  fallbacks:
                    big: [medium]
                    medium: [small, tiny]
                    small: [big:latest]
                    tiny: [nano]
                    a: [b]
                    b: [a]
                """)).containsExactly(
                "5: models.fallbacks.small[0]: 'big:latest' closes a cycle (big -> medium -> small -> big:latest): "
                        + "a chain must end",
                "8: models.fallbacks.b[0]: 'a' closes a cycle (a -> b -> a): a chain must end");
    }

    @Test
    void theNewSectionsAreListedWhereTheFileIsNotAMap() throws IOException {
        assertThat(problems("- health\n")).containsExactly("1: : a config file is a map of sections (backends, routing, "
                + "models, health, breaker, outlier, retry, server, auth, limits, trusted_proxies, admin), not a list");
    }
}
