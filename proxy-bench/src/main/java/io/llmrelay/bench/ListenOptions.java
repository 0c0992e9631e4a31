package io.llmrelay.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where a bench server listens, and the file that tells run.sh its port: a picocli mixin. */
public final class ListenOptions {

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address (default ${DEFAULT-VALUE}).")
    public String host;

    @Option(names = "--port", defaultValue = "0", description = "Port; 0 picks a free one (default ${DEFAULT-VALUE}).")
    public int port;

    @Option(names = "--port-file", description = "Write the bound port to this file once listening.")
    Path portFile;

    /** Writes the bound port to {@code --port-file}, if given. */
    public void listening(int boundPort) throws IOException {
        if (portFile != null) {
            Files.writeString(portFile, Integer.toString(boundPort));
        }
    }
}
