package io.llmrelay.server.cli;

import io.llmrelay.core.config.ConfigException;
import io.llmrelay.core.config.ConfigFile;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code llm-relay check-config FILE}: reads a fleet config file as {@code serve --config} would (the
 * same loader, the same environment), then prints the fleet it resolves to, or every problem as
 * {@code file:line: key: message}. Exit status 0 when {@code serve} would accept it, 1 when not, 2
 * when the file cannot be read.
 */
@Command(name = "check-config", mixinStandardHelpOptions = true, versionProvider = RelayCommand.Version.class,
        description = {
            "Check a fleet configuration file and print the fleet it describes, with the environment as it is now "
                    + "(API keys are shown only as the variable they come from).",
            "Exit status: 0 valid, 1 invalid (the problems go to stderr as file:line: key: message), 2 unreadable."
        })
final class CheckConfigCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The config file, e.g. relay.yaml.")
    Path file;

    private final Map<String, String> env;

    CheckConfigCommand() {
        this(System.getenv());
    }

    /** With the environment given, for tests. */
    CheckConfigCommand(Map<String, String> env) {
        this.env = env;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ConfigFile config;
        ServeSettings settings;
        try {
            config = ConfigFile.read(file, env);
            settings = ServeSettings.resolve(new ServeSettings.Flags(), env, false, config);
        } catch (ConfigException e) {
            e.problems().forEach(err::println);
            err.flush();
            return e.unreadable() ? 2 : 1;
        } catch (IllegalArgumentException e) {
            // the environment and the file contradict each other (e.g. a second source of backends)
            err.println(file + ": " + e.getMessage());
            err.flush();
            return 1;
        }
        ServeSettings defaults = ServeSettings.resolve(new ServeSettings.Flags(), Map.of(), false, null);
        out.print(ConfigReport.describe(config, settings, defaults));
        out.flush();
        if (!config.unsetKeys().isEmpty()) {
            config.unsetKeys().forEach(err::println);
            err.flush();
            return 1;
        }
        out.println(file + ": OK");
        out.flush();
        return 0;
    }
}
