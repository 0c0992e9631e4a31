package io.llmrelay.server.testing;

import io.llmrelay.server.demo.DemoBackend;
import io.llmrelay.server.runtime.Transport;
import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Built-in demo backends (each the same deterministic OpenAI server listing {@code demo} and
 * {@code demo-embed}) on loopback, sharing one event loop; closing stops them all. For fleets whose
 * members serve the same model.
 */
public final class DemoBackends implements AutoCloseable {

    private final EventLoopGroup group = Transport.best().newGroup(1, "test-demos");
    private final List<DemoBackend> started = new ArrayList<>();

    /** A demo backend streaming one token per {@code tokenDelay} (a non-streamed answer is sent at once). */
    public DemoBackend start(Duration tokenDelay) throws InterruptedException {
        DemoBackend demo = DemoBackend.start(group, Transport.best(), "127.0.0.1", 0, tokenDelay);
        started.add(demo);
        return demo;
    }

    /** A demo backend serving {@code models} (an id with "embed" in it is an embedding model). */
    public DemoBackend start(Duration tokenDelay, List<String> models) throws InterruptedException {
        DemoBackend demo = DemoBackend.start(group, Transport.best(), "127.0.0.1", 0, tokenDelay, models);
        started.add(demo);
        return demo;
    }

    /** A demo backend that answers at once. */
    public DemoBackend start() throws InterruptedException {
        return start(Duration.ZERO);
    }

    @Override
    public void close() {
        started.forEach(DemoBackend::close);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
