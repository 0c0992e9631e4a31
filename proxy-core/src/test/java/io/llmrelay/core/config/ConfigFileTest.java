package io.llmrelay.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmrelay.core.backend.BackendFlavor;
import io.llmrelay.core.backend.ModelInfo;
import io.llmrelay.core.config.ConfigException.Problem;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.llmrelay.testing.SeenSecrets;

/** The config file as a user writes it: what it becomes, and every way it can be wrong, with the line. */
class ConfigFileTest {

    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }

    private ConfigFile load(String yaml, Map<String, String> env) throws IOException {
        return ConfigFile.load(write("relay.yaml", yaml), env);
    }

    private ConfigFile load(String yaml) throws IOException {
        return load(yaml, Map.of());
    }

    /** Each problem as {@code line: path: message}, without the file. */
    private List<String> problems(String yaml, Map<String, String> env) throws IOException {
        Path file = write("relay.yaml", yaml);
        try {
            ConfigFile.load(file, env);
        } catch (ConfigException e) {
            assertThat(e.problems()).allSatisfy(p -> assertThat(p.file()).isEqualTo(file.toString()));
            return e.problems().stream().map(p -> p.line() + ": " + p.path() + ": " + p.message()).toList();
        }
        throw new AssertionError("expected the file to be refused:\n" + yaml);
    }

    private List<String> problems(String yaml) throws IOException {
        return problems(yaml, Map.of());
    }

    @Test
    void aFleetOfThreeTypes() throws IOException {
        ConfigFile c = load("""
                backends:
                  - name: gpu-1
                    type: vllm
                    url: http://gpu-1.internal:8000/v1/
                    api_key_env: VLLM_KEY
                    priority: 200
                    weight: 3
                    max_concurrency: 8
                    include: ["qwen*", "!*embed*"]
                  - name: ollama-1
                    type: ollama
                    url: http://ollama-1:11434
                    models: [llama3.2:3b, nomic-embed-text]
                  - name: cloud
                    type: openrouter
                    api_key_env: OPENROUTER_KEY
                    headers:
                      HTTP-Referer: https://example.org
                      X-Title: llm-relay
                routing:
                  strategy: weighted
                  sticky: prefix
                """, Map.of("VLLM_KEY", SeenSecrets.key("vk-1"), "OPENROUTER_KEY", SeenSecrets.key("or-1")));

        assertThat(c.backends()).extracting(BackendConfig::name).containsExactly("gpu-1", "ollama-1", "cloud");
        BackendConfig gpu = c.backends().get(0);
        assertThat(gpu.flavor()).isEqualTo(BackendFlavor.VLLM);
        assertThat(gpu.detectFlavor()).isFalse();
        assertThat(gpu.baseUrl()).isEqualTo(URI.create("http://gpu-1.internal:8000/v1"));
        assertThat(gpu.apiKey().reveal()).isEqualTo("vk-1");
        assertThat(gpu.apiKey().source()).isEqualTo("env VLLM_KEY");
        assertThat(gpu.options()).isEqualTo(new BackendOptions(200, 3, 8, Map.of(), List.of(), List.of("qwen*", "!*embed*")));
        BackendConfig ollama = c.backends().get(1);
        assertThat(ollama.flavor()).isEqualTo(BackendFlavor.OLLAMA);
        assertThat(ollama.apiKey()).isNull();
        assertThat(ollama.options().models()).containsExactly("llama3.2:3b", "nomic-embed-text");
        assertThat(ollama.options().priority()).isEqualTo(100);
        assertThat(ollama.options().weight()).isEqualTo(1);
        BackendConfig cloud = c.backends().get(2);
        assertThat(cloud.displayUrl()).isEqualTo("https://openrouter.ai/api/v1");
        assertThat(cloud.options().headers()).containsExactly(Map.entry("HTTP-Referer", "https://example.org"),
                Map.entry("X-Title", "llm-relay"));
        assertThat(c.keyVariables()).containsExactly(Map.entry("gpu-1", "VLLM_KEY"), Map.entry("cloud", "OPENROUTER_KEY"));
        assertThat(c.routing()).isEqualTo(new RoutingConfig(RoutingConfig.Strategy.WEIGHTED, RoutingConfig.Sticky.PREFIX));
    }

    @Test
    void anEmptyFileIsAllDefaults() throws IOException {
        ConfigFile c = load("# nothing yet\n");
        assertThat(c.backends()).isEmpty();
        assertThat(c.routing()).isEqualTo(RoutingConfig.defaults());
        assertThat(c.models()).isEqualTo(ModelsConfig.none());
        assertThat(c.modelOverrides()).isEmpty();
        assertThat(c.server()).isEqualTo(ServerConfig.none());
        assertThat(c.resilience()).isEqualTo(ResilienceConfig.defaults());
    }

    @Test
    void withoutATypeTheServerDecides() throws IOException {
        ConfigFile c = load("""
                backends:
                  - name: somewhere
                    url: http://10.0.0.5:8080/v1
                  - name: oai
                    url: https://api.openai.com/v1
                """);
        assertThat(c.backends().get(0).detectFlavor()).isTrue();
        assertThat(c.backends().get(0).flavor()).isEqualTo(BackendFlavor.GENERIC);
        assertThat(c.backends().get(1).detectFlavor()).isTrue();
        assertThat(c.backends().get(1).flavor()).isEqualTo(BackendFlavor.OPENAI);
    }

    @Test
    void anOllamaNodeIsAddressedAtItsRootEvenWhenWrittenWithV1() throws IOException {
        ConfigFile c = load("""
                backends:
                  - {name: a, type: ollama, url: "http://node-a:11434/v1/"}
                  - {name: b, type: ollama, url: "http://node-b:11434"}
                  - {name: c, type: ollama, url: "https://proxy.example/ollama/v1"}
                  - {name: d, type: vllm, url: "http://node-d:8000/v1"}
                """);
        assertThat(c.backends()).extracting(b -> b.baseUrl().toString()).containsExactly("http://node-a:11434",
                "http://node-b:11434", "https://proxy.example/ollama", "http://node-d:8000/v1");
    }

    @Test
    void theWellKnownServersNeedNoUrl() throws IOException {
        ConfigFile c = load("""
                backends:
                  - {name: oai, type: openai}
                  - {name: or, type: openrouter}
                """);
        assertThat(c.backends()).extracting(BackendConfig::displayUrl)
                .containsExactly("https://api.openai.com/v1", "https://openrouter.ai/api/v1");
        assertThat(problems("backends:\n  - {name: x, type: vllm}\n"))
                .containsExactly("2: backends[0].url: is required: the server's base URL, e.g. http://gpu-1:8000/v1 "
                        + "(an Ollama node: http://host:11434)");
    }

    @Test
    void variablesAreReplacedInAnyValue() throws IOException {
        ConfigFile c = load("""
                backends:
                  - name: ${NAME}
                    url: http://${HOST:-localhost}:${PORT}/v1
                    headers:
                      X-Title: "cost $$5 ${UNSET:-}"
                server:
                  port: ${RELAY_PORT:-8080}
                  log_level: ${LEVEL:-debug}
                """, Map.of("NAME", "gpu-7", "PORT", "9000", "LEVEL", ""));
        assertThat(c.backends().get(0).name()).isEqualTo("gpu-7");
        assertThat(c.backends().get(0).baseUrl()).isEqualTo(URI.create("http://localhost:9000/v1"));
        assertThat(c.backends().get(0).options().headers()).containsEntry("X-Title", "cost $5");
        assertThat(c.server().port()).isEqualTo(8080);
        assertThat(c.server().logLevel()).isEqualTo("DEBUG");
    }

    @Test
    void anUnsetVariableWithoutDefaultIsAnErrorAtItsLine() throws IOException {
        assertThat(problems("""
                server:
                  host: 127.0.0.1
                  port: ${RELAY_PORT}
                  log_level: "${LEVEL"
                  log_format: ${bad-name}
                """)).containsExactly(
                "3: server.port: environment variable RELAY_PORT is not set (write ${RELAY_PORT:-default} to give a default)",
                "4: server.log_level: '${' is not closed with '}' (write $$ for a literal dollar)",
                "5: server.log_format: '${bad-name}' does not name an environment variable (letters, digits and _; "
                        + "write $$ for a literal dollar)");
    }

    @Test
    void theServerSection() throws IOException {
        ServerConfig s = load("""
                server:
                  host: 0.0.0.0
                  port: 8080
                  event_loops: 2
                  max_request_size: 10MiB
                  log_format: TEXT
                  log_level: warn
                  health_interval: 500ms
                  models_refresh: 5m
                  origins: ["https://ui.example", "chrome-extension://*"]
                  timeouts:
                    connect: 2s
                    upstream_idle: 10m
                    client_stall: 1.5s
                  drain_timeout: 25s
                """).server();
        assertThat(s).isEqualTo(new ServerConfig("0.0.0.0", 8080, 2, 10 * 1024 * 1024, "text", "WARN",
                Duration.ofMillis(500), Duration.ofMinutes(5), List.of("https://ui.example", "chrome-extension://*"),
                Duration.ofSeconds(2), Duration.ofMinutes(10), Duration.ofMillis(1500), Duration.ofSeconds(25)));
    }

    @Test
    void aZeroDrainTimeoutCutsAtOnceAndIsAllowed() throws IOException {
        assertThat(load("server:\n  drain_timeout: 0\n").server().drainTimeout()).isEqualTo(Duration.ZERO);
        assertThat(load("server:\n  port: 1\n").server().drainTimeout()).as("not set: the default applies").isNull();
    }

    @Test
    void impossibleServerValues() throws IOException {
        assertThat(problems("""
                server:
                  port: 70000
                  event_loops: many
                  max_request_size: 3GiB
                  log_format: xml
                  log_level: loud
                  health_interval: 10ms
                  models_refresh: soon
                  timeouts:
                    connect: 0s
                  drain_timeout: -1s
                """)).containsExactly(
                "2: server.port: must be at most 65535, not 70000",
                "3: server.event_loops: must be a whole number, not 'many'",
                "4: server.max_request_size: must be between 1 and 2147483647 bytes, not 3GiB",
                "5: server.log_format: must be one of json, text, not 'xml'",
                "6: server.log_level: must be one of TRACE, DEBUG, INFO, WARN, ERROR, OFF, not 'loud'",
                "7: server.health_interval: must be at least 100ms, not 10ms",
                "8: server.models_refresh: must be a duration such as 500ms, 2s, 1m or 0.5 (seconds), not 'soon'",
                "10: server.timeouts.connect: must be at least 1ms, not 0s",
                "11: server.drain_timeout: must be a duration such as 500ms, 2s, 1m or 0.5 (seconds), not '-1s'");
    }

    @Test
    void anUnknownKeyNamesTheAllowedOnesAndTheClosest() throws IOException {
        assertThat(problems("""
                backends:
                  - name: gpu-1
                    url: http://gpu-1:8000/v1
                    wieght: 2
                    maxConcurrency: 4
                    colour: blue
                routng:
                  strategy: latency
                """)).containsExactly(
                "4: backends[0].wieght: unknown key; did you mean 'weight'? (allowed here: " + String.join(", ",
                        BackendsSection.KEYS) + ")",
                "5: backends[0].maxConcurrency: unknown key; did you mean 'max_concurrency'? (allowed here: "
                        + String.join(", ", BackendsSection.KEYS) + ")",
                "6: backends[0].colour: unknown key (allowed here: " + String.join(", ", BackendsSection.KEYS) + ")",
                "7: routng: unknown key; did you mean 'routing'? (allowed here: backends, routing, models, health, "
                        + "breaker, outlier, retry, server, auth, limits, trusted_proxies, admin)");
    }

    @Test
    void aKeyWrittenInTheFileIsRefusedWithWhereItGoes() throws IOException {
        List<String> found = problems("""
                backends:
                  - name: cloud
                    type: openai
                    api_key: sk-live-123456
                    headers:
                      X-Api-Key: sk-live-654321
                """);
        assertThat(found).containsExactly(
                "4: backends[0].api_key: unknown key: an API key is never written in the config file; put it in an "
                        + "environment variable and name that variable with api_key_env (e.g. api_key_env: VLLM_KEY)",
                "6: backends[0].headers.X-Api-Key: looks like a credential: take it from the environment, e.g. "
                        + "\"Bearer ${MY_KEY}\", so no key is written in the file");
        assertThat(String.join("\n", found)).doesNotContain("sk-live");
    }

    @Test
    void aKeyPastedIntoApiKeyEnvIsNotEchoed() throws IOException {
        List<String> found = problems("backends:\n  - {name: c, type: openai, api_key_env: sk-proj-abc123}\n");
        assertThat(found).containsExactly("2: backends[0].api_key_env: must name an environment variable (letters, "
                + "digits and _), e.g. VLLM_KEY; the key itself goes in that variable, never in the file");
    }

    @Test
    void wrongTypes() throws IOException {
        assertThat(problems("""
                backends:
                  - name: [gpu-1]
                    url: http://gpu-1:8000/v1
                    models: llama3
                    headers: [X-Title]
                routing: least-connections
                models:
                  include: {a: b}
                """)).containsExactly(
                "2: backends[0].name: must be a value (text or number), not a list",
                "4: backends[0].models: must be a list (e.g. [a, b] or lines starting with '- '), not a value",
                "5: backends[0].headers: must be a map (key: value lines, or {}), not a list",
                "6: routing: must be a map (key: value lines), not a value",
                "8: models.include: must be a list (e.g. [a, b] or lines starting with '- '), not a map");
    }

    @Test
    void impossibleBackendValues() throws IOException {
        assertThat(problems("""
                backends:
                  - name: a
                    url: http://a:8000/v1
                    weight: 0
                    max_concurrency: -1
                    priority: high
                  - name: b
                    type: tgi
                    url: ftp://b/v1
                  - name: c d
                    url: "http://user:pw@c:8000/v1"
                  - name: e
                    url: http://e:8000/v1?x=1
                    ca_file: ca.pem
                  - name: f
                    url: https://f:8443/v1
                    ca_file: missing.pem
                    include: ["!"]
                  - url: http://g/v1
                """)).containsExactly(
                "4: backends[0].weight: must be at least 1, not 0",
                "5: backends[0].max_concurrency: must be at least 0, not -1",
                "6: backends[0].priority: must be a whole number, not 'high'",
                "8: backends[1].type: unknown backend type 'tgi' (expected one of openai-compatible, openai, openrouter, "
                        + "vllm, llamacpp, lmstudio, ollama); leave type out to detect it from the server",
                "9: backends[1].url: must start with http:// or https://, not 'ftp://b/v1'",
                "10: backends[2].name: must be letters, digits, '.', '_', '-' or ':' (it names the backend in headers, "
                        + "logs and 'backend/model' aliases), not 'c d'",
                "11: backends[2].url: must not carry credentials (user:password@): name the key's environment variable "
                        + "with api_key_env",
                "13: backends[3].url: must not have a query (?...) or fragment (#...): give the base URL, e.g. "
                        + "http://gpu-1:8000/v1",
                "14: backends[3].ca_file: cannot read the CA file " + dir.resolve("ca.pem"),
                "17: backends[4].ca_file: cannot read the CA file " + dir.resolve("missing.pem"),
                "18: backends[4].include[0]: '!' needs a name or glob after it, e.g. !*embed*",
                "19: backends[5].name: is required: a short unique name for logs, headers and metrics, e.g. gpu-1");
    }

    @Test
    void aCaFileIsReadRelativeToTheConfigFileAndOnlyForHttps() throws IOException {
        write("ca.pem", "-----BEGIN CERTIFICATE-----\n");
        ConfigFile c = load("backends:\n  - {name: s, url: \"https://s:8443/v1\", ca_file: ca.pem}\n");
        assertThat(c.backends().get(0).trustedCertificates()).isEqualTo(dir.resolve("ca.pem"));
        assertThat(problems("backends:\n  - {name: s, url: \"http://s:8000/v1\", ca_file: ca.pem}\n")).containsExactly(
                "2: backends[0].ca_file: a CA file only applies to an https:// URL, and this backend's is http://s:8000/v1");
    }

    @Test
    void duplicateNamesAndKeys() throws IOException {
        assertThat(problems("""
                backends:
                  - name: gpu-1
                    url: http://a:8000/v1
                  - name: gpu-1
                    url: http://b:8000/v1
                    url: http://c:8000/v1
                """)).containsExactly(
                "4: backends[1].name: 'gpu-1' is already the name of backends[0] (line 2); names must be unique",
                "6: backends[1].url: given twice (first on line 5); keep one");
    }

    @Test
    void unknownStrategyAndStickyMode() throws IOException {
        assertThat(problems("routing:\n  strategy: fastest\n  sticky: cookie\n")).containsExactly(
                "2: routing.strategy: unknown routing strategy 'fastest' (one of: priority | round-robin | "
                        + "least-connections | weighted | latency)",
                "3: routing.sticky: unknown sticky mode 'cookie' (one of: off | header | prefix)");
    }

    @Test
    void stickyOffIsTheWordNotYamlsBoolean() throws IOException {
        assertThat(load("routing:\n  sticky: off\n  strategy: priority\n").routing())
                .isEqualTo(new RoutingConfig(RoutingConfig.Strategy.PRIORITY, RoutingConfig.Sticky.OFF));
    }

    @Test
    void headersTheProxySetsItselfAreRefused() throws IOException {
        assertThat(problems("""
                backends:
                  - name: a
                    url: http://a/v1
                    api_key_env: A_KEY
                    headers:
                      Host: elsewhere
                      Authorization: "Bearer ${A_KEY}"
                      "Bad Name": x
                """, Map.of("A_KEY", SeenSecrets.key("k")))).containsExactly(
                "6: backends[0].headers.Host: the proxy sets Host itself on every backend request",
                "7: backends[0].headers.Authorization: api_key_env already sends the key as Authorization: Bearer; keep one of the two",
                "8: backends[0].headers.Bad Name: is not a header name (letters, digits and -, no spaces or ':')");
    }

    @Test
    void passClientAuthIsOffByDefaultAndOnlyForABackendWithoutACredentialOfItsOwn() throws IOException {
        ConfigFile c = load("""
                backends:
                  - name: a
                    url: http://a/v1
                    pass_client_auth: true
                  - name: b
                    url: http://b/v1
                  - name: c
                    url: http://c/v1
                    pass_client_auth: FALSE
                """);
        assertThat(c.backends()).extracting(b -> b.options().passClientAuth()).containsExactly(true, false, false);
        assertThat(problems("""
                backends:
                  - name: a
                    url: http://a/v1
                    api_key_env: A_KEY
                    pass_client_auth: true
                  - name: b
                    url: http://b/v1
                    headers:
                      Authorization: "Bearer ${B_KEY}"
                    pass_client_auth: true
                  - name: c
                    url: http://c/v1
                    pass_client_auth: yes
                """, Map.of("A_KEY", SeenSecrets.key("k"), "B_KEY", SeenSecrets.key("k2")))).containsExactly(
                "5: backends[0].pass_client_auth: this backend has api_key_env: it receives exactly its own key, never a "
                        + "client's; remove one of the two",
                "10: backends[1].pass_client_auth: headers already sends an Authorization of its own; a client's cannot "
                        + "be passed too",
                "13: backends[2].pass_client_auth: must be true or false, not 'yes'");
    }

    @Test
    void nativeApisDefaultToBothForAnOllamaNodeAndNoneForOtherTypes() throws IOException {
        ConfigFile c = load("""
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
        assertThat(c.backends()).extracting(b -> b.servesNatively(NativeApi.MESSAGES))
                .containsExactly(true, false, true, false);
        assertThat(c.backends()).extracting(b -> b.servesNatively(NativeApi.RESPONSES))
                .containsExactly(true, false, false, false);
        assertThat(c.backends().get(0).options().nativeApis()).isNull(); // the type's default, not written down
        assertThat(problems("""
                backends:
                  - name: a
                    type: ollama
                    url: http://a:11434
                    native_apis: [messages, chat, messages]
                  - name: b
                    url: http://b/v1
                    native_apis: messages
                """)).containsExactly(
                "5: backends[0].native_apis[1]: 'chat' is not an API a backend can serve natively (expected messages "
                        + "or responses)",
                "5: backends[0].native_apis[2]: 'messages' is listed twice",
                "8: backends[1].native_apis: must be a list (e.g. [a, b] or lines starting with '- '), not a value");
    }

    @Test
    void aBackendWithAKeyCannotAlsoPassTheClientsOwn() {
        BackendOptions passing = BackendOptions.defaults().withPassClientAuth(true);
        assertThatThrownBy(() -> new BackendConfig("a", URI.create("http://a/v1"), BackendFlavor.GENERIC,
                Secret.of(SeenSecrets.key("k"), "env A_KEY"), null, false, passing))
                .hasMessageContaining("pass_client_auth cannot also be set");
        assertThat(new BackendConfig("a", URI.create("http://a/v1"), BackendFlavor.GENERIC, null, null, false, passing)
                .options().passClientAuth()).isTrue();
    }

    @Test
    void anUnsetKeyVariableIsAnErrorForServeButTheFleetCanStillBeShown() throws IOException {
        Path file = write("relay.yaml", """
                backends:
                  - name: gpu-1
                    url: http://gpu-1:8000/v1
                    api_key_env: VLLM_KEY
                """);
        assertThatThrownBy(() -> ConfigFile.load(file, Map.of())).isInstanceOf(ConfigException.class)
                .hasMessage(file + ":4: backends[0].api_key_env: environment variable VLLM_KEY is not set; set it, "
                        + "or remove api_key_env if the backend takes no key");
        ConfigFile shown = ConfigFile.read(file, Map.of());
        assertThat(shown.backends().get(0).apiKey()).isNull();
        assertThat(shown.keyVariables()).containsEntry("gpu-1", "VLLM_KEY");
        assertThat(shown.unsetKeys()).extracting(Problem::line).containsExactly(4);
        assertThat(ConfigFile.load(file, Map.of("VLLM_KEY", SeenSecrets.key(" k "))).backends().get(0).apiKey().reveal()).isEqualTo("k");
    }

    @Test
    void anUnsetKeyIsListedWithTheOtherProblemsInLineOrder() throws IOException {
        assertThat(problems("""
                backends:
                  - name: gpu-1
                    url: http://gpu-1:8000/v1
                    api_key_env: VLLM_KEY
                  - name: gpu-2
                    url: http://gpu-2:8000/v1
                    weight: -3
                """)).containsExactly(
                "4: backends[0].api_key_env: environment variable VLLM_KEY is not set; set it, or remove api_key_env if "
                        + "the backend takes no key",
                "7: backends[1].weight: must be at least 1, not -3");
    }

    @Test
    void yamlSyntaxErrorsHaveTheirLine() throws IOException {
        assertThat(problems("backends:\n  - name: a\n    url: [http://a\nrouting:\n  strategy: x\n"))
                .containsExactly("4: : not valid YAML: while parsing a flow sequence: expected ',' or ']', but got :");
        assertThat(problems("server:\n\tport: 1\n")).singleElement().asString()
                .startsWith("2: : not valid YAML: while scanning for the next token: found character '\\t(TAB)'");
    }

    @Test
    void aliasesAnchorsAndSecondDocumentsAreRefused() throws IOException {
        assertThat(problems("""
                models:
                  include: [*coder*]
                """)).containsExactly("2: : not valid YAML: while scanning an alias: unexpected character found *(42) "
                + "(YAML reads a '*' at the start of a value as an alias: quote a glob, e.g. \"*coder*\")");
        assertThat(problems("""
                server:
                  host: &h 0.0.0.0
                  log_level: *h
                """)).containsExactly("3: server.log_level: '*h' is a YAML alias, which a config file does not use; "
                + "write the value out, or quote it if it is text starting with '*' (e.g. a glob: \"*coder*\")");
        assertThat(problems("server: {port: 1}\n---\nserver: {port: 2}\n")).containsExactly(
                "3: : only one YAML document is read: remove the '---' and what follows, or merge the documents");
    }

    @Test
    void theFileMustBeAMap() throws IOException {
        assertThat(problems("- backends\n")).containsExactly(
                "1: : a config file is a map of sections (backends, routing, models, health, breaker, outlier, retry, "
                        + "server, auth, limits, trusted_proxies, admin), not a list");
    }

    @Test
    void anUnreadableFileSaysSo() {
        Path missing = dir.resolve("nope.yaml");
        assertThatThrownBy(() -> ConfigFile.load(missing, Map.of())).isInstanceOfSatisfying(ConfigException.class,
                e -> {
                    assertThat(e.unreadable()).isTrue();
                    assertThat(e.getMessage()).isEqualTo(missing + ": cannot read the config file (no such file)");
                });
    }

    @Test
    void theCatalogueSection() throws IOException {
        write("filter.txt", """
                # models the team may use
                qwen3*
                llama3.2:3b   # the small one
                !*-base

                """);
        write("mapping.json", "{\"llama3\": \"meta-llama/Llama-3-8B-Instruct\", \"qwen\": \"Qwen/Qwen3-8B\"}\n");
        ConfigFile c = load("""
                backends:
                  - {name: gpu-1, url: "http://gpu-1:8000/v1"}
                models:
                  aliases:
                    coder: [qwen2.5-coder:32b, gpu-1/Qwen/Qwen2.5-Coder-32B]
                    hf: [Qwen/Qwen3-8B]
                  include: ["*", "!*embed*"]
                  filter_file: filter.txt
                  mapping_file: mapping.json
                  capabilities:
                    "qwen3*": [+thinking, -tools]
                    "*vision*": completion,vision
                  context:
                    "gpt-4o*": 128000
                """);
        ModelsConfig m = c.models();
        assertThat(m.aliases()).containsExactly(
                Map.entry("coder", List.of("qwen2.5-coder:32b", "gpu-1/Qwen/Qwen2.5-Coder-32B")),
                Map.entry("hf", List.of("Qwen/Qwen3-8B")));
        assertThat(m.include()).containsExactly("*", "!*embed*");
        assertThat(m.filterFile()).isEqualTo(dir.resolve("filter.txt"));
        assertThat(m.filter()).containsExactly("qwen3*", "llama3.2:3b", "!*-base");
        assertThat(m.mappingFile()).isEqualTo(dir.resolve("mapping.json"));
        assertThat(m.mapping()).containsExactly(Map.entry("llama3", "meta-llama/Llama-3-8B-Instruct"),
                Map.entry("qwen", "Qwen/Qwen3-8B"));
        assertThat(c.modelOverrides()).hasSize(3);
        ModelInfo qwen = model("qwen3-8b", "completion", "tools");
        assertThat(c.modelOverrides().get(0).applyTo(qwen).capabilities()).containsExactly("completion", "thinking");
        ModelInfo vision = model("my-vision-model", "tools");
        assertThat(c.modelOverrides().get(1).applyTo(vision).capabilities()).containsExactly("completion", "vision");
        assertThat(c.modelOverrides().get(2).applyTo(model("gpt-4o-mini")).contextLength()).isEqualTo(128000);
    }

    private static ModelInfo model(String id, String... capabilities) {
        return new ModelInfo(id, 0, "", 0, java.util.Set.of(capabilities));
    }

    @Test
    void catalogueMistakes() throws IOException {
        assertThat(problems("""
                backends:
                  - {name: gpu-1, url: "http://gpu-1:8000/v1"}
                models:
                  aliases:
                    coder: [gpu-l/qwen-coder, gpu-1/]
                    empty: []
                    "two words": [x]
                  capabilities:
                    "qwen3*": [+telepathy]
                    "llama*": []
                  context:
                    "gpt-4o*": 128k
                    "big*": 0
                """)).containsExactly(
                "5: models.aliases.coder[0]: 'gpu-l/qwen-coder': there is no backend 'gpu-l'; did you mean "
                        + "'gpu-1/qwen-coder'? (backends: gpu-1)",
                "5: models.aliases.coder[1]: 'gpu-1/' names no model after the backend",
                "6: models.aliases.empty: needs the models it stands for, e.g. [qwen3:8b, gpu-1/Qwen/Qwen3-8B]",
                "7: models.aliases.two words: an alias is a model name clients send: no spaces",
                "9: models.capabilities.qwen3*: unknown capability 'telepathy' (expected one of completion, tools, "
                        + "insert, vision, thinking, embedding)",
                "10: models.capabilities.llama*: needs capabilities: a list that replaces the backend's, e.g. "
                        + "[completion, tools], or +name/-name that adjust them, e.g. [+thinking, -tools]",
                "12: models.context.gpt-4o*: must be a whole number, not '128k'",
                "13: models.context.big*: must be at least 1, not 0");
    }

    @Test
    void filterFileProblemsNameTheFilterFileAndItsLine() throws IOException {
        Path filter = write("filter.txt", "qwen3*\n!\nllama 3\n");
        Path file = write("relay.yaml", "server:\n  port: 99999\nmodels:\n  filter_file: filter.txt\n");
        assertThatThrownBy(() -> ConfigFile.load(file, Map.of())).isInstanceOfSatisfying(ConfigException.class,
                e -> assertThat(e.problems()).extracting(Problem::toString).containsExactly(
                        file + ":2: server.port: must be at most 65535, not 99999",
                        filter + ":2: models.filter_file: '!' needs a name or glob after it, e.g. !*embed*",
                        filter + ":3: models.filter_file: 'llama 3' has a space in it: one model name or glob per entry"));
    }

    @Test
    void mappingFileProblemsNameTheMappingFileAndItsLine() throws IOException {
        Path mapping = write("map.json", "{\n  \"a\": \"x\",\n  \"b\": 3,\n  \"a\": \"y\"\n}\n");
        Path broken = write("broken.json", "{\n  \"a\": \"x\"\n  \"b\": \"y\"\n}\n");
        Path file = write("relay.yaml", "models:\n  mapping_file: map.json\n");
        assertThatThrownBy(() -> ConfigFile.load(file, Map.of())).isInstanceOfSatisfying(ConfigException.class,
                e -> assertThat(e.problems()).extracting(Problem::toString).containsExactly(
                        mapping + ":3: models.mapping_file: \"b\" must map to a model id (a non-empty string)",
                        mapping + ":4: models.mapping_file: \"a\" is mapped twice"));
        Files.writeString(file, "models:\n  mapping_file: broken.json\n");
        assertThatThrownBy(() -> ConfigFile.load(file, Map.of())).isInstanceOfSatisfying(ConfigException.class,
                e -> assertThat(e.problems()).singleElement().asString().startsWith(broken + ":3: models.mapping_file: "
                        + "not valid JSON: "));
        Files.writeString(file, "models:\n  mapping_file: absent.json\n");
        assertThatThrownBy(() -> ConfigFile.load(file, Map.of())).hasMessage(file + ":2: models.mapping_file: "
                + "cannot read the mapping file " + dir.resolve("absent.json") + " (no such file)");
    }

    @Test
    void emptyOptionalPathsMeanNotSet() throws IOException {
        ConfigFile c = load("models:\n  filter_file: ${FILTER:-}\n  mapping_file:\n");
        assertThat(c.models().filterFile()).isNull();
        assertThat(c.models().mappingFile()).isNull();
    }
}
