package io.llmrelay.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrelay.server.demo.Fault;
import io.llmrelay.server.demo.FaultPlan;
import io.llmrelay.server.demo.FaultScope;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code mock-backend}'s fault flags: documented, turned into the plan they name, refused when wrong. */
class MockBackendCommandTest {

    private static String run(String... args) {
        StringWriter out = new StringWriter();
        CommandLine cli = RelayCommand.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(out));
        int code = cli.execute(args);
        return code + "\n" + out;
    }

    private static FaultPlan plan(String... args) {
        MockBackendCommand command = new MockBackendCommand();
        new CommandLine(command).parseArgs(args);
        return command.faultPlan();
    }

    @Test
    void helpNamesEveryFaultModeAndFlag() {
        String help = run("mock-backend", "--help").replaceAll("\\s+", " ");
        assertThat(help).startsWith("0 ");
        for (String flag : new String[] {"--fault", "--fault-rate", "--fault-seed", "--fault-scope", "--retry-after",
                "--drip-ms", "--oversize-mib"}) {
            assertThat(help).contains(flag);
        }
        for (Fault mode : Fault.values()) {
            assertThat(help).contains(mode.wireName());
        }
    }

    @Test
    void byDefaultThereIsNoFault() {
        FaultPlan plan = plan();
        assertThat(plan.active()).isFalse();
        assertThat(plan.rate()).isEqualTo(1.0);
        assertThat(plan.scope()).isEqualTo(FaultScope.INFERENCE);
        assertThat(plan.retryAfterSeconds()).isEqualTo(2);
        assertThat(plan.drip()).isEqualTo(Duration.ofMillis(100));
        assertThat(plan.oversizeBytes()).isEqualTo(32L << 20);
    }

    @Test
    void theFlagsMakeThePlan() {
        assertThat(plan("--fault", "503", "--fault-rate", "0.3", "--fault-seed", "42", "--fault-scope", "all",
                "--retry-after", "9", "--drip-ms", "5", "--oversize-mib", "2"))
                .isEqualTo(new FaultPlan(Fault.STATUS_503, 0.3, FaultScope.ALL, 42, 9, Duration.ofMillis(5), 2L << 20));
    }

    @Test
    void aBadFaultFlagIsRefusedBeforeAnythingStarts() {
        assertThat(run("mock-backend", "--port", "0", "--fault", "teapot"))
                .startsWith("2\nllm-relay: mock-backend: --fault: unknown fault mode 'teapot' (one of: none, refuse,");
        assertThat(run("mock-backend", "--port", "0", "--fault", "500", "--fault-rate", "1.5"))
                .isEqualTo("2\nllm-relay: mock-backend: --fault-rate: must be between 0 and 1, not 1.5\n");
        assertThat(run("mock-backend", "--port", "0", "--fault-scope", "some"))
                .startsWith("2\nllm-relay: mock-backend: --fault-scope: unknown fault scope 'some'");
        assertThat(run("mock-backend", "--port", "0", "--drip-ms", "0"))
                .isEqualTo("2\nllm-relay: mock-backend: --drip-ms: must be positive, not 0\n");
        assertThat(run("mock-backend", "--port", "0", "--retry-after", "-1"))
                .isEqualTo("2\nllm-relay: mock-backend: --retry-after: must be 0 or more seconds, not -1\n");
    }
}
