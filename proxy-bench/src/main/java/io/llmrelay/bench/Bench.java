package io.llmrelay.bench;

import io.llmrelay.bench.floor.FloorCommand;
import io.llmrelay.bench.load.LoadCommand;
import io.llmrelay.bench.mock.MockCommand;
import io.llmrelay.bench.report.ReportCommand;
import io.llmrelay.bench.soak.SoakCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The bench jar's tools, one command line:
 * {@code java -cp proxy-bench/target/benchmarks.jar io.llmrelay.bench.Bench <mock|load|soak|startup|report|versions>}.
 * JMH itself is the jar's main class ({@code java -jar benchmarks.jar}).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "llm-relay benchmark tools: a fast mock OpenAI backend, an open-loop load generator, "
                + "a reliability soak, a start-up timer and the report writer.",
        subcommands = {MockCommand.class, LoadCommand.class, SoakCommand.class, StartupCommand.class, FloorCommand.class, ReportCommand.class, HotCommand.class,
            VersionsCommand.class, CommandLine.HelpCommand.class})
public final class Bench {

    public static void main(String[] args) {
        System.exit(new CommandLine(new Bench()).execute(args));
    }
}
