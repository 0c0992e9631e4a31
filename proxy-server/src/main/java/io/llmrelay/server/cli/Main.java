package io.llmrelay.server.cli;

import java.util.Arrays;
import picocli.CommandLine;

/** {@code java -jar llm-relay.jar <command>}. */
public final class Main {

    private Main() {}

    public static void main(String[] args) {
        // Netty's buffer events register with the flight recorder when it is present, which costs
        // a tenth of the start-up; -Dio.netty.jfr.enabled=true brings them back for a profile
        if (System.getProperty("io.netty.jfr.enabled") == null) {
            System.setProperty("io.netty.jfr.enabled", "false");
        }
        // Netty checks every buffer access against the reference count and the bounds: a few
        // percent of a pass-through request's CPU. The tests' buffer discipline (paranoid leak
        // detection) keeps them, and so does anyone who raises leak detection to find a bug.
        String leakDetection = System.getProperty("io.netty.leakDetection.level", "simple");
        if (leakDetection.equalsIgnoreCase("simple") || leakDetection.equalsIgnoreCase("disabled")) {
            System.setProperty("io.netty.buffer.checkAccessible",
                    System.getProperty("io.netty.buffer.checkAccessible", "false"));
            System.setProperty("io.netty.buffer.checkBounds", System.getProperty("io.netty.buffer.checkBounds", "false"));
        }
        // serve, the command that matters for start-up time, is parsed alone: picocli reads the
        // annotations of every command it is given, and its classes cannot be class-data shared
        boolean serve = args.length > 0 && args[0].equals("serve");
        CommandLine cli = serve ? new CommandLine(new ServeCommand()).setCommandName("llm-relay serve")
                : new CommandLine(new RelayCommand());
        // serve and mock-backend return only once their servers have stopped
        System.exit(cli.execute(serve ? Arrays.copyOfRange(args, 1, args.length) : args));
    }
}
