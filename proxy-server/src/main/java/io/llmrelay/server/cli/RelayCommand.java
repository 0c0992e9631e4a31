package io.llmrelay.server.cli;

import io.llmrelay.server.runtime.RelayVersion;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The top-level command: prints help when run without a subcommand. */
@Command(name = "llm-relay",
        mixinStandardHelpOptions = true,
        versionProvider = RelayCommand.Version.class,
        description = "A streaming Ollama/OpenAI translating proxy for a fleet of model servers.")
final class RelayCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** With its subcommands; serve's model is made in code (see {@link ServeOptions}), so none are annotated. */
    static CommandLine commandLine() {
        return new CommandLine(new RelayCommand())
                .addSubcommand("serve", ServeOptions.commandLine())
                .addSubcommand("check-config", new CheckConfigCommand())
                .addSubcommand("mock-backend", new MockBackendCommand())
                .addSubcommand("help", new CommandLine.HelpCommand());
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {
                "llm-relay " + RelayVersion.version(),
                "Ollama API " + RelayVersion.OLLAMA_COMPATIBLE + ", Netty " + nettyVersion()
                        + ", Java " + System.getProperty("java.version"),
            };
        }

        /** From Netty's version files; any module's will do, as they are released together. */
        static String nettyVersion() {
            Map<String, io.netty.util.Version> versions = io.netty.util.Version.identify();
            io.netty.util.Version common = versions.get("netty-common");
            if (common == null && !versions.isEmpty()) {
                common = versions.values().iterator().next();
            }
            return common == null ? "unknown" : common.artifactVersion();
        }
    }
}
