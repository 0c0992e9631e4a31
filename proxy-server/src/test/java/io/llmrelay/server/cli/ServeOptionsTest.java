package io.llmrelay.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** serve's options, made in code: each fills its own field of the flags, and picocli checks their values. */
class ServeOptionsTest {

    private static ServeSettings.Flags parse(String... args) {
        CommandLine cli = ServeOptions.commandLine();
        return ServeOptions.flags(cli.parseArgs(args));
    }

    @Test
    void everyOptionFillsItsField() {
        ServeSettings.Flags f = parse("--config", "relay.yaml", "--watch-config", "--host", "0.0.0.0", "--port", "8080",
                "--backend", "http://b:8000/v1", "--backend-type", "vllm", "--backend-name", "gpu-1",
                "--api-key-env", "BACKEND_CREDENTIAL", "--backend-ca-file", "ca.pem", "--pass-client-auth", "--log-format", "text",
                "--log-level", "DEBUG", "--max-request-bytes", "1000", "--event-loops", "3", "--connect-timeout", "4",
                "--upstream-idle-timeout", "5", "--client-stall-timeout", "6", "--drain-timeout", "7s",
                "--models-refresh", "8", "--health-interval", "9s", "--health-fall", "10", "--health-rise", "11",
                "--breaker-failures", "12", "--breaker-open-for", "13s", "--retry-attempts", "14",
                "--model-capabilities", "a*=tools", "--model-capabilities", "b*=+vision", "--model-context", "c*=4096",
                "--origins", "https://x", "--demo-token-delay-ms", "15", "--warm-up-and-exit");
        assertThat(f.config).isEqualTo("relay.yaml");
        assertThat(f.watchConfig).isTrue();
        assertThat(f.host).isEqualTo("0.0.0.0");
        assertThat(f.port).isEqualTo(8080);
        assertThat(f.backend).isEqualTo("http://b:8000/v1");
        assertThat(f.backendType).isEqualTo("vllm");
        assertThat(f.backendName).isEqualTo("gpu-1");
        assertThat(f.apiKeyEnv).isEqualTo("BACKEND_CREDENTIAL");
        assertThat(f.backendCaFile).isEqualTo("ca.pem");
        assertThat(f.passClientAuth).isTrue();
        assertThat(f.logFormat).isEqualTo("text");
        assertThat(f.logLevel).isEqualTo("DEBUG");
        assertThat(f.maxRequestBytes).isEqualTo(1000);
        assertThat(f.eventLoops).isEqualTo(3);
        assertThat(f.connectTimeoutSeconds).isEqualTo(4);
        assertThat(f.upstreamIdleTimeoutSeconds).isEqualTo(5);
        assertThat(f.clientStallTimeoutSeconds).isEqualTo(6);
        assertThat(f.drainTimeout).isEqualTo("7s");
        assertThat(f.modelsRefreshSeconds).isEqualTo(8);
        assertThat(f.healthInterval).isEqualTo("9s");
        assertThat(f.healthFall).isEqualTo(10);
        assertThat(f.healthRise).isEqualTo(11);
        assertThat(f.breakerFailures).isEqualTo(12);
        assertThat(f.breakerOpenFor).isEqualTo("13s");
        assertThat(f.retryAttempts).isEqualTo(14);
        assertThat(f.modelCapabilities).containsExactly("a*=tools", "b*=+vision");
        assertThat(f.modelContext).containsExactly("c*=4096");
        assertThat(f.origins).containsExactly("https://x");
        assertThat(f.demoTokenDelayMs).isEqualTo(15);
        assertThat(f.warmUpAndExit).isTrue();
        // a field added to Flags without an option (or an option that fills another's field) leaves one unset
        assertThat(unset(f)).isEmpty();
    }

    @Test
    void optionsNotGivenKeepTheDefaults() throws IllegalAccessException {
        ServeSettings.Flags parsed = parse();
        ServeSettings.Flags defaults = new ServeSettings.Flags();
        for (Field field : ServeSettings.Flags.class.getDeclaredFields()) {
            assertThat(field.get(parsed)).as(field.getName()).isEqualTo(field.get(defaults));
        }
    }

    @Test
    void badValuesAreRefusedByName() {
        StringWriter err = new StringWriter();
        CommandLine cli = ServeOptions.commandLine();
        cli.setErr(new PrintWriter(err));
        assertThat(cli.execute("--port", "abc")).isEqualTo(2);
        assertThat(err.toString()).startsWith("Invalid value for option '--port': 'abc' is not an int");
        assertThat(cli.execute("--health-fall")).isEqualTo(2);
        assertThat(err.toString()).contains("Missing required parameter for option '--health-fall' (N)");
    }

    @Test
    void theHiddenWarmUpSwitchIsNotInTheHelp() {
        assertThat(ServeOptions.commandLine().getUsageMessage()).doesNotContain("--warm-up-and-exit")
                .contains("--retry-attempts=N");
    }

    private static List<String> unset(ServeSettings.Flags f) {
        ServeSettings.Flags defaults = new ServeSettings.Flags();
        List<String> unset = new ArrayList<>();
        for (Field field : ServeSettings.Flags.class.getDeclaredFields()) {
            try {
                if (java.util.Objects.equals(field.get(f), field.get(defaults))) {
                    unset.add(field.getName());
                }
            } catch (IllegalAccessException e) {
                throw new AssertionError(e);
            }
        }
        return unset;
    }
}
