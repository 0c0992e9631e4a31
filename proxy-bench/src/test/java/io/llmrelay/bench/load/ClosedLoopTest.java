package io.llmrelay.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrelay.bench.NettyTransport;
import io.llmrelay.bench.mock.MockServer;
import io.netty.channel.EventLoopGroup;
import java.net.URI;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The closed loop against the bench's own mock: a fixed number of connections, each busy until the time is up. */
class ClosedLoopTest {

    private MockServer mock;
    private EventLoopGroup group;

    @BeforeEach
    void start() throws Exception {
        mock = MockServer.start("127.0.0.1", 0, 1, 0, 10, 0, 200, 4, List.of());
        group = NettyTransport.group(1, "test-load");
    }

    @AfterEach
    void stop() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        mock.close();
    }

    @Test
    void everyConnectionSendsItsNextRequestWhenTheAnswerEndedUntilTheTimeIsUp() throws Exception {
        Target target = new Target(URI.create("http://127.0.0.1:" + mock.port() + "/v1/chat/completions"), "POST",
                "{\"model\":\"mock\",\"messages\":[],\"stream\":true}".getBytes(), List.of());
        OpenLoopRun run = new OpenLoopRun(target, group.next(), TimeUnit.SECONDS.toNanos(10), 64);
        long start = System.nanoTime() + 20_000_000L;
        long windowStart = start + 200_000_000L;
        long end = windowStart + 300_000_000L;

        run.startClosed(start, windowStart, end, 4).get(10, TimeUnit.SECONDS);
        run.close();
        target.release();

        long[] c = run.onLoop(() -> new long[] {run.okAll, run.sentAll, run.completed, run.errors, run.failedAll,
            run.connectionsOpened, run.measuredEvents});
        // more answers than connections: each connection sent again once its answer ended (how many more
        // depends on how busy the machine is, so the test does not insist)
        assertThat(c[0]).as("answers").isGreaterThan(4).isEqualTo(c[1]);
        assertThat(c[2]).as("measured answers, sent in the window").isPositive().isLessThan(c[0]);
        assertThat(c[3]).as("errors").isZero();
        assertThat(c[4]).as("failures").isZero();
        assertThat(c[5]).as("connections: the loop's, kept alive").isEqualTo(4);
        // role, 10 tokens, finish, [DONE]: 13 SSE lines per answer
        assertThat(c[6]).isEqualTo(13 * c[2]);
    }
}
