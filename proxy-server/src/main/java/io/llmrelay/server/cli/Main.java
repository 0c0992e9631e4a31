package io.llmrelay.server.cli;

import picocli.CommandLine;

/** {@code java -jar llm-relay.jar <command>}. */
public final class Main {

    private Main() {}

    public static void main(String[] args) {
        // serve and mock-backend return only once their servers have stopped
        System.exit(new CommandLine(new RelayCommand()).execute(args));
    }
}
