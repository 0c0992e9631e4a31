package io.llmrelay.bench.mock;

import io.llmrelay.bench.ListenOptions;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bench mock}: runs the mock backend until killed. */
@Command(name = "mock", mixinStandardHelpOptions = true,
        description = {"A fast OpenAI-compatible mock backend (chat completions, models, embeddings).",
            "A model named like mock-t200-e50-d20-b160 gets its own profile: t = ms to first token, "
                    + "e = token events, d = ms between events, b = bytes per event."})
public final class MockCommand implements Callable<Integer> {

    @Mixin
    ListenOptions listen;

    @Option(names = "--threads", defaultValue = "1", description = "Event-loop threads (default ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--ttft-ms", defaultValue = "0", description = "Time to first token, ms (default ${DEFAULT-VALUE}).")
    double ttftMs;

    @Option(names = "--events", defaultValue = "16", description = "Token events per answer (default ${DEFAULT-VALUE}).")
    int events;

    @Option(names = "--delay-ms", defaultValue = "0", description = "Pause between token events, ms (default ${DEFAULT-VALUE}).")
    double delayMs;

    @Option(names = "--event-bytes", defaultValue = "200", description = "Approximate size of one SSE token event (default ${DEFAULT-VALUE}).")
    int eventBytes;

    @Option(names = "--embedding-dims", defaultValue = "16", description = "Dimensions of mock embeddings (default ${DEFAULT-VALUE}).")
    int embeddingDims;

    @Option(names = "--list-model", paramLabel = "NAME",
            description = "Also list this model in /v1/models (repeatable), e.g. a profile name, so a proxy knows it.")
    java.util.List<String> listed = new java.util.ArrayList<>();

    @Override
    public Integer call() throws Exception {
        MockServer server = MockServer.start(listen.host, listen.port, threads, (long) (ttftMs * 1e6), events, (long) (delayMs * 1e6),
                eventBytes, embeddingDims, listed);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "mock-stop"));
        System.out.println("mock listening on http://" + listen.host + ":" + server.port() + "/v1 (ttft "
                + ttftMs + " ms, " + events + " events, " + delayMs + " ms apart, ~" + eventBytes + " B each)");
        listen.listening(server.port());
        server.awaitClose();
        return 0;
    }

}
