package io.llmrelay.bench.floor;

import io.llmrelay.bench.ListenOptions;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bench floor}: runs the floor proxy until killed. */
@Command(name = "floor", mixinStandardHelpOptions = true,
        description = {"The floor of llm-relay's design: Netty's HTTP server codec, a backend connection per client "
                + "connection on the same event loop, Netty's HTTP client codec, and nothing else (no "
                + "routing, body reading, header policy, metrics or log). Its CPU per request is what the design "
                + "costs before llm-relay does any work of its own."})
public final class FloorCommand implements Callable<Integer> {

    @Mixin
    ListenOptions listen;

    @Option(names = "--backend-port", required = true, description = "The backend's port on --backend-host.")
    int backendPort;

    @Option(names = "--backend-host", defaultValue = "127.0.0.1", description = "The backend's address (default ${DEFAULT-VALUE}).")
    String backendHost;

    @Override
    public Integer call() throws Exception {
        FloorProxy proxy = FloorProxy.start(listen.host, listen.port, backendHost, backendPort);
        Runtime.getRuntime().addShutdownHook(new Thread(proxy::close, "floor-stop"));
        System.out.println("floor proxy on http://" + listen.host + ":" + proxy.port() + " -> " + backendHost + ":" + backendPort);
        listen.listening(proxy.port());
        proxy.awaitClose();
        return 0;
    }
}
