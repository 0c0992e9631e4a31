package io.llmrelay.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrelay.server.testing.RelayHarness;
import io.netty.util.NetUtil;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The main port queues as many unaccepted connections as the kernel allows, not a fixed 1,024. */
class ListenBacklogTest {

    @Test
    void theBacklogIsTheKernelsLimit() throws Exception {
        try (RelayHarness relay = RelayHarness.start("http://127.0.0.1:9/v1")) {
            assertThat(relay.server().listenBacklog()).isEqualTo(NetUtil.SOMAXCONN);
        }
        Path somaxconn = Path.of("/proc/sys/net/core/somaxconn");
        if (Files.isReadable(somaxconn)) { // Linux: what Netty read is the kernel's setting
            assertThat(NetUtil.SOMAXCONN).isEqualTo(Integer.parseInt(Files.readAllLines(somaxconn).get(0).trim()));
        }
    }
}
