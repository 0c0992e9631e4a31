package io.llmrelay.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrelay.server.RelayServer;
import io.llmrelay.server.runtime.Transport;
import io.llmrelay.server.demo.DemoBackend;
import io.llmrelay.server.testing.Ndjson;
import io.llmrelay.server.testing.RawHttp;
import io.llmrelay.server.testing.RelayHarness;
import io.netty.channel.EventLoopGroup;
import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Stopping drains: running answers finish, nothing new is accepted. */
class GracefulShutdownTest {

    @Test
    void aRunningStreamFinishesWhileNewConnectionsAreRefused() throws Exception {
        EventLoopGroup loops = Transport.best().newGroup(2, "shutdown-test");
        try (DemoBackend demo = DemoBackend.start(loops, Transport.best(), "127.0.0.1", 0, Duration.ofMillis(20))) {
            RelayServer server = RelayServer.start(RelayHarness.config(RelayHarness.backend(demo.baseUrl(), null)),
                    Transport.best(), loops);
            int port = server.port();
            try (RawHttp client = RawHttp.connect(port, 64 * 1024)) {
                client.post("/api/chat", "{\"model\":\"demo\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
                        "Connection: close");
                client.read(100); // streaming has begun
                CompletableFuture<Void> closing = CompletableFuture.runAsync(() -> server.close(Duration.ofSeconds(10)));

                List<JsonNode> lines = Ndjson.parse(client.readChunkedBodyToEnd());
                assertThat(lines.get(lines.size() - 1).get("done").asBoolean()).as("the stream ran to its end").isTrue();
                assertThatThrownBy(() -> RawHttp.connect(port, 1024)).isInstanceOf(ConnectException.class);
                closing.get(10, TimeUnit.SECONDS);
            }
        } finally {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
