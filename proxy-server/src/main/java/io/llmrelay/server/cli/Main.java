package io.llmrelay.server.cli;

import io.llmrelay.server.log.RelayLogProvider;
import java.util.Arrays;
import picocli.CommandLine;

/** {@code java -jar llm-relay.jar <command>}. */
public final class Main {

    private static final String SLF4J_PROVIDER = "slf4j.provider";
    private static final String SLF4J_VERBOSITY = "slf4j.internal.verbosity";

    private Main() {}

    public static void main(String[] args) {
        NettyDefaults.apply(System.getProperties());
        // logging starts without logback's auto-configuration (see RelayLogProvider) unless a provider is
        // named already; SLF4J's note that it loads a named provider is left unsaid (its warnings are not)
        if (System.getProperty(SLF4J_PROVIDER) == null) {
            System.setProperty(SLF4J_PROVIDER, RelayLogProvider.class.getName());
            if (System.getProperty(SLF4J_VERBOSITY) == null) {
                System.setProperty(SLF4J_VERBOSITY, "WARN");
            }
        }
        // serve, the command that matters for start-up time, is parsed alone: picocli reads the
        // annotations of the other commands by reflection, which class data cannot share
        boolean serve = args.length > 0 && args[0].equals("serve");
        CommandLine cli = serve ? ServeOptions.commandLine().setCommandName("llm-relay serve")
                : RelayCommand.commandLine();
        // serve and mock-backend return only once their servers have stopped
        System.exit(cli.execute(serve ? Arrays.copyOfRange(args, 1, args.length) : args));
    }
}
