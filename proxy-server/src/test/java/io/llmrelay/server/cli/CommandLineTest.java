package io.llmrelay.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command line as users see it: help, version, and refusal of bad input. */
class CommandLineTest {

    private static String run(String... args) {
        StringWriter out = new StringWriter();
        CommandLine cli = RelayCommand.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(out));
        int code = cli.execute(args);
        return code + "\n" + out;
    }

    @Test
    void versionNamesTheProxyAndTheOllamaApi() {
        String out = run("--version");
        assertThat(out).startsWith("0\n").contains("llm-relay 0.1.0").contains("Ollama API 0.12.3").contains("Netty 4.2");
    }

    @Test
    void serveHelpListsTheDocumentedFlags() {
        String out = run("serve", "--help");
        assertThat(out).startsWith("0\n");
        for (String flag : new String[] {"--host", "--port", "--backend", "--api-key-env", "--log-format", "--help",
                "--version", "--health-interval", "--backend-type", "--config", "--health-fall", "--health-rise",
                "--breaker-failures", "--breaker-open-for", "--retry-attempts", "--drain-timeout"}) {
            assertThat(out).contains(flag);
        }
    }

    @Test
    void anUnknownFlagIsRefused() {
        assertThat(run("serve", "--api-key", "sk-123")).startsWith("2\n").contains("Unknown option");
    }

    @Test
    void checkConfigHasHelpAndNeedsAFile() {
        assertThat(run("check-config", "--help")).startsWith("0\n").contains("FILE").contains("Exit status");
        assertThat(run("check-config")).startsWith("2\n").contains("Missing required parameter: 'FILE'");
    }

    @Test
    void mockBackendHasHelp() {
        assertThat(run("mock-backend", "--help")).startsWith("0\n").contains("--port").contains("--token-delay-ms")
                .contains("--models");
    }

    @Test
    void mockBackendRefusesAModelListItCannotServe() {
        assertThat(run("mock-backend", "--port", "0", "--models", "a,,b"))
                .isEqualTo("2\nllm-relay: mock-backend: --models: a model id is empty\n");
        assertThat(run("mock-backend", "--port", "0", "--models", "a,a"))
                .isEqualTo("2\nllm-relay: mock-backend: --models: model id 'a' is given twice\n");
    }
}
