package io.llmrelay.server.cli;

import io.llmrelay.server.RelayVersion;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The top-level command: prints help when run without a subcommand. */
@Command(name = "llm-relay",
        mixinStandardHelpOptions = true,
        versionProvider = RelayCommand.Version.class,
        description = "A streaming Ollama/OpenAI translating proxy for a fleet of model servers.",
        subcommands = {ServeCommand.class, MockBackendCommand.class, CommandLine.HelpCommand.class})
final class RelayCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {
                "llm-relay " + RelayVersion.version(),
                "Ollama API " + RelayVersion.OLLAMA_COMPATIBLE + ", Netty " + io.netty.util.Version.identify()
                        .getOrDefault("netty-common", null).artifactVersion()
                        + ", Java " + System.getProperty("java.version"),
            };
        }
    }
}
