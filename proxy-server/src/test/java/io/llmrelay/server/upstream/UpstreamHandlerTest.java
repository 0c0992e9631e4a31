package io.llmrelay.server.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.timeout.IdleStateEvent;
import org.junit.jupiter.api.Test;

/** A pooled backend connection with no call attached: anything it receives means it is unusable. */
class UpstreamHandlerTest {

    private static EmbeddedChannel idleConnection() {
        EmbeddedChannel ch = new EmbeddedChannel();
        BackendPool pool = new BackendPool(ch.eventLoop(), new Bootstrap(), Resolvers.target("127.0.0.1", 9), 4);
        ch.pipeline().addLast(new UpstreamHandler(pool, null));
        return ch;
    }

    @Test
    void unexpectedDataOnAnIdleConnectionIsReleasedAndClosesIt() {
        EmbeddedChannel ch = idleConnection();
        DefaultHttpContent stray = new DefaultHttpContent(Unpooled.copiedBuffer(new byte[] {1, 2, 3}));
        ch.writeInbound(stray);
        assertThat(stray.refCnt()).isZero();
        assertThat(ch.isOpen()).isFalse();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void anIdleTimeoutClosesAConnectionWaitingInThePool() {
        EmbeddedChannel ch = idleConnection();
        ch.pipeline().fireUserEventTriggered(IdleStateEvent.ALL_IDLE_STATE_EVENT);
        assertThat(ch.isOpen()).isFalse();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }
}
