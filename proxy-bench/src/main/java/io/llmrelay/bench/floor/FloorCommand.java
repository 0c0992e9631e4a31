package io.llmrelay.bench.floor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bench floor}: runs the floor proxy until killed. */
@Command(name = "floor", mixinStandardHelpOptions = true,
        description = {"The floor of llm-relay's design: Netty's HTTP server codec, one pooled backend connection "
                + "per client connection on the same event loop, Netty's HTTP client codec, and nothing else (no "
                + "routing, body reading, header policy, metrics or log). Its CPU per request is what the design "
                + "costs before llm-relay does any work of its own."})
public final class FloorCommand implements Callable<Integer> {

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address (default ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "0", description = "Port; 0 picks a free one (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--backend-port", required = true, description = "The backend's port on --backend-host.")
    int backendPort;

    @Option(names = "--backend-host", defaultValue = "127.0.0.1", description = "The backend's address (default ${DEFAULT-VALUE}).")
    String backendHost;

    @Option(names = "--port-file", description = "Write the bound port to this file once listening.")
    Path portFile;

    @Override
    public Integer call() throws Exception {
        FloorProxy proxy = FloorProxy.start(host, port, backendHost, backendPort);
        Runtime.getRuntime().addShutdownHook(new Thread(proxy::close, "floor-stop"));
        System.out.println("floor proxy on http://" + host + ":" + proxy.port() + " -> " + backendHost + ":" + backendPort);
        if (portFile != null) {
            Files.writeString(portFile, Integer.toString(proxy.port()));
        }
        proxy.awaitClose();
        return 0;
    }
}
