package io.llmrelay.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import io.llmrelay.testing.SeenSecrets;

/** {@code check-config}: the resolved fleet on stdout and 0, or the problems on stderr and 1 (2 unreadable). */
class CheckConfigCommandTest {

    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {}

    private Run run(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new CheckConfigCommand(env));
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private Path write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }

    @Test
    void printsTheResolvedFleetWithoutAnyKey() throws IOException {
        write("filter.txt", "qwen*\n!*base*\n");
        write("mapping.json", "{\"llama3\": \"meta-llama/Llama-3-8B\"}");
        Path file = write("relay.yaml", """
                backends:
                  - name: gpu-1
                    type: vllm
                    url: http://gpu-1:8000/v1
                    api_key_env: VLLM_KEY
                    weight: 3
                    max_concurrency: 8
                    include: ["qwen*"]
                  - name: node-1
                    url: http://node-1:11434
                    models: [llama3.2:3b]
                  - name: cloud
                    type: openrouter
                    api_key_env: OPENROUTER_KEY
                    headers:
                      X-Title: llm-relay
                      X-Api-Key: "${EXTRA_KEY}"
                routing:
                  strategy: weighted
                models:
                  aliases:
                    coder: [gpu-1/qwen-coder, qwen2.5-coder]
                  filter_file: filter.txt
                  mapping_file: mapping.json
                  capabilities:
                    "qwen3*": [+thinking, -tools]
                  context:
                    "gpt-4o*": 128000
                server:
                  port: 8080
                  health_interval: 500ms
                """);
        Run r = run(Map.of("VLLM_KEY", SeenSecrets.key("vk-secret-1"), "OPENROUTER_KEY", SeenSecrets.key("or-secret-2"), "EXTRA_KEY", SeenSecrets.key("xk-secret-3")),
                file.toString());

        assertThat(r.err()).isEmpty();
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("""
                backends (3):
                  gpu-1
                    type: vllm
                    url: http://gpu-1:8000/v1
                    key: env VLLM_KEY (set)
                    priority: 100
                    weight: 3
                    max_concurrency: 8
                    headers: none
                    models: discovered from the server
                    include: qwen*
                    timeouts: connect 10s (proxy's), first_byte 5m (proxy's), idle 5m (proxy's)
                  node-1
                    type: detect
                    url: http://node-1:11434
                    key: none
                    priority: 100
                    weight: 1
                    max_concurrency: 0 (no cap)
                    headers: none
                    models: llama3.2:3b
                    include: all
                    timeouts: connect 10s (proxy's), first_byte 5m (proxy's), idle 5m (proxy's)
                  cloud
                    type: openrouter
                    url: https://openrouter.ai/api/v1
                    key: env OPENROUTER_KEY (set)
                    priority: 100
                    weight: 1
                    max_concurrency: 0 (no cap)
                    headers:
                      X-Title: llm-relay
                      X-Api-Key: (redacted)
                    models: discovered from the server
                    include: all
                    timeouts: connect 10s (proxy's), first_byte 5m (proxy's), idle 5m (proxy's)
                routing:
                  strategy: weighted
                  sticky: off
                models:
                  aliases:
                    coder: gpu-1/qwen-coder, qwen2.5-coder
                  include: all
                  filter: %s (2 entries): qwen*, !*base*
                  mapping: %s (1 name)
                    llama3 -> meta-llama/Llama-3-8B
                  overrides:
                    qwen3*: capabilities +thinking -tools
                    gpt-4o*: context 128000 tokens where the backend reports none
                  fallbacks: none
                resilience (what differs from the defaults):
                  health.interval: 500ms (default 2s)
                server (what differs from the defaults):
                  port: 8080 (default 11434)
                auth: none (no key needed)
                limits: none
                trusted_proxies: none
                admin:
                  port: 0 (the main port)
                  key: none (clients on this machine only)
                %s: OK
                """.formatted(dir.resolve("filter.txt"), dir.resolve("mapping.json"), file));
        assertThat(r.out()).doesNotContain("secret");
    }

    @Test
    void printsWhoMayUseTheFleetByKeyNamesNeverByKeysOrDigests() throws IOException {
        String aliceDigest = io.llmrelay.server.testing.Sha256.hex("alice-key-secret");
        write("keys.yaml", """
                - name: alice
                  key_sha256: %s
                  models: ["qwen3*", "!qwen3:235b"]
                  limits: {rps: 5, tokens_per_minute: 20000}
                - name: ci
                  key_env: CI_KEY
                """.formatted(aliceDigest));
        Path file = write("relay.yaml", """
                backends:
                  - name: gpu-1
                    url: http://gpu-1:8000/v1
                    pass_client_auth: true
                auth:
                  keys_file: keys.yaml
                  keys_env: RELAY_API_KEYS
                limits:
                  global: {rps: 1000, burst: 2000}
                  per_key: {rps: 10, concurrent: 4}
                  redis: redis://:redis-secret@redis.internal:6379/0
                  redis_down: closed
                trusted_proxies: [10.0.0.0/8, "::1"]
                admin:
                  port: 9100
                  key_env: ADMIN_KEY
                """);
        Run r = run(Map.of("CI_KEY", SeenSecrets.key("ci-key-secret"), "RELAY_API_KEYS", SeenSecrets.keyPairs("bob=bob-key-secret"),
                "ADMIN_KEY", SeenSecrets.key("admin-key-secret")), file.toString());
        assertThat(r.err()).isEmpty();
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("""
                    key: none; clients' own Authorization passed (pass_client_auth)
                """).endsWith("""
                auth:
                  keys_file: %s
                  keys_env: RELAY_API_KEYS (set)
                  keys (3):
                    alice: models qwen3*, !qwen3:235b; limits rps 5, concurrent 4, tokens_per_minute 20000; from keys.yaml:1
                    ci: models all; limits rps 10, concurrent 4; from keys.yaml:5
                    bob: models all; limits rps 10, concurrent 4; from env RELAY_API_KEYS
                limits:
                  global: rps 1000, burst 2000
                  per_ip: off
                  per_key: rps 10, concurrent 4
                  redis: redis://redis.internal:6379/0 (credentials hidden)
                  redis_down: closed
                trusted_proxies: 10.0.0.0/8, ::1
                admin:
                  port: 9100
                  key: env ADMIN_KEY (set)
                %s: OK
                """.formatted(dir.resolve("keys.yaml"), file));
        assertThat(r.out()).doesNotContain("secret").doesNotContain(aliceDigest).doesNotContain(aliceDigest.substring(0, 8));
    }

    @Test
    void theApisABackendServesItselfAreShownWhereThereAreAny() throws IOException {
        Path file = write("relay.yaml", """
                backends:
                  - name: node
                    type: ollama
                    url: http://node:11434
                  - name: old-node
                    type: ollama
                    url: http://old:11434
                    native_apis: []
                  - name: vllm
                    type: vllm
                    url: http://v:8000/v1
                    native_apis: [messages]
                  - name: plain
                    url: http://p:8000/v1
                """);
        Run r = run(Map.of(), file.toString());
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("""
                    timeouts: connect 10s (proxy's), first_byte 5m (proxy's), idle 5m (proxy's)
                    native_apis: messages, responses (the type's default)
                  old-node
                """).contains("""
                    native_apis: none
                  vllm
                """).contains("""
                    native_apis: messages
                  plain
                """);
        assertThat(r.out().split("\n  plain\n")[1]).doesNotContain("native_apis");
    }

    @Test
    void printsTheResilienceSettingsThatDifferFromTheDefaults() throws IOException {
        Path file = write("relay.yaml", """
                backends:
                  - name: gpu-1
                    url: http://gpu-1:8000/v1
                    timeouts: {connect: 2s, first_byte: 30s}
                models:
                  fallbacks:
                    big: [medium, small]
                health:
                  interval: 1s
                  timeout: 800ms
                  path: /health
                  fall: 3
                  rise: 2
                  slow_start: 0s
                  ready: any
                breaker: {failures: 4, open_for: 30s}
                outlier: {consecutive_errors: 5, base_ejection: 2s, max_ejection: 1m, max_ejected_percent: 34}
                retry: {attempts: 2, on: [503, connect], budget_percent: 10, backoff: 50ms}
                server:
                  timeouts: {upstream_idle: 2m}
                  drain_timeout: 30s
                """);
        Run r = run(Map.of(), file.toString());
        assertThat(r.err()).isEmpty();
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("""
                    timeouts: connect 2s, first_byte 30s, idle 2m (proxy's)
                """).contains("""
                  fallbacks:
                    big: medium, small
                resilience (what differs from the defaults):
                  health.interval: 1s (default 2s)
                  health.timeout: 800ms (default twice the interval, at least 1s)
                  health.path: /health (default the backend type's probe)
                  health.fall: 3 (default 2)
                  health.rise: 2 (default 1)
                  health.slow_start: 0s (default 10s)
                  health.ready: any (default models)
                  breaker.failures: 4 (default 5)
                  breaker.open_for: 30s (default 10s)
                  outlier.consecutive_errors: 5 (default 3)
                  outlier.base_ejection: 2s (default 1s)
                  outlier.max_ejection: 1m (default 30s)
                  outlier.max_ejected_percent: 34 (default 50)
                  retry.attempts: 2 (default 3)
                  retry.on: connect, 503 (default connect, timeout, 5xx, 429, 503)
                  retry.budget_percent: 10 (default 20)
                  retry.backoff: 50ms (default 25ms)
                server (what differs from the defaults):
                  timeouts.upstream_idle: 2m (default 5m)
                  drain_timeout: 30s (default 10s)
                """);
        Run defaults = run(Map.of(), write("defaults.yaml", "retry: {on: [connect, timeout, 5xx, 429, 503]}\n").toString());
        assertThat(defaults.out()).contains("  fallbacks: none\nresilience: the defaults\nserver: the defaults\n");
        Run none = run(Map.of(), write("none.yaml", "retry: {on: []}\n").toString());
        assertThat(none.out()).contains("  retry.on: none (default connect, timeout, 5xx, 429, 503)\n");
    }

    @Test
    void theIntervalGivenTwiceIsAnError() throws IOException {
        Path file = write("relay.yaml", "health:\n  interval: 1s\nserver:\n  health_interval: 1s\n");
        Run r = run(Map.of(), file.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).isEqualTo(file + ":4: server.health_interval: is health.interval, which line 2 sets too; "
                + "keep one (health.interval is where it goes)\n");
    }

    @Test
    void anUnsetKeyIsShownAndIsAnError() throws IOException {
        Path file = write("relay.yaml", "backends:\n  - name: gpu-1\n    url: http://gpu-1:8000/v1\n"
                + "    api_key_env: VLLM_KEY\n");
        Run r = run(Map.of(), file.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("    key: env VLLM_KEY (NOT SET)\n").doesNotContain(": OK");
        assertThat(r.err()).isEqualTo(file + ":4: backends[0].api_key_env: environment variable VLLM_KEY is not set; "
                + "set it, or remove api_key_env if the backend takes no key\n");
    }

    @Test
    void problemsGoToStderrOnePerLineWithExit1() throws IOException {
        Path file = write("relay.yaml", """
                backends:
                  - name: a
                    url: http://a:8000/v1
                    weight: 0
                routing:
                  strategy: fastest
                """);
        Run r = run(Map.of(), file.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo(file + ":4: backends[0].weight: must be at least 1, not 0\n"
                + file + ":6: routing.strategy: unknown routing strategy 'fastest' (one of: priority | round-robin | "
                + "least-connections | weighted | latency)\n");
    }

    @Test
    void anUnreadableFileExits2() {
        Path missing = dir.resolve("missing.yaml");
        Run r = run(Map.of(), missing.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEqualTo(missing + ": cannot read the config file (no such file)\n");
    }

    @Test
    void withoutBackendsInTheFileTheEnvironmentsBackendOrTheDemoIsShown() throws IOException {
        Path file = write("relay.yaml", "server:\n  log_level: debug\n");
        Run demo = run(Map.of(), file.toString());
        assertThat(demo.code()).isZero();
        assertThat(demo.out()).startsWith("backends: none (serve runs the built-in demo backend)\n")
                .contains("server (what differs from the defaults):\n  log_level: DEBUG (default INFO)\n");
        Run env = run(Map.of("OPENAI_API_BASE_URL", "https://api.openai.com/v1", "OPENAI_API_KEY", SeenSecrets.key("sk-secret")),
                file.toString());
        assertThat(env.code()).isZero();
        assertThat(env.out()).startsWith("backends: none in the file; one from OPENAI_API_BASE_URL:\n  openai\n"
                + "    type: detect\n    url: https://api.openai.com/v1\n    key: env OPENAI_API_KEY (set)\n")
                .doesNotContain("sk-secret");
    }

    @Test
    void aBackendByEnvironmentBesideTheFilesIsAnError() throws IOException {
        Path file = write("relay.yaml", "backends:\n  - {name: a, url: \"http://a/v1\"}\n");
        Run r = run(Map.of("OPENAI_API_BASE_URL", "http://env/v1"), file.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).isEqualTo(file + ": OPENAI_API_BASE_URL (environment) gives a backend, and " + file
                + " lists backends: give backends in the file or by flag, not both\n");
    }

    @Test
    void listedAmongTheCommands() {
        StringWriter out = new StringWriter();
        CommandLine cli = RelayCommand.commandLine();
        cli.setOut(new PrintWriter(out));
        assertThat(cli.execute("--help")).isZero();
        assertThat(out.toString()).contains("check-config");
    }
}
