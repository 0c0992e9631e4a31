package io.llmrelay.server.cli;

import java.util.Arrays;
import picocli.CommandLine;

/** {@code java -jar llm-relay.jar <command>}. */
public final class Main {

    private Main() {}

    public static void main(String[] args) {
        NettyDefaults.apply(System.getProperties());
        // serve, the command that matters for start-up time, is parsed alone: picocli reads the
        // annotations of the other commands by reflection, which class data cannot share
        boolean serve = args.length > 0 && args[0].equals("serve");
        CommandLine cli = serve ? ServeOptions.commandLine().setCommandName("llm-relay serve")
                : RelayCommand.commandLine();
        // serve and mock-backend return only once their servers have stopped
        System.exit(cli.execute(serve ? Arrays.copyOfRange(args, 1, args.length) : args));
    }
}
