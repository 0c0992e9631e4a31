package io.llmrelay.core.translate;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;

class LineBufferTest {

    @Test
    void theThreadKeepsOneBufferAndHandsItOutEmpty() {
        ByteBuf first = LineBuffer.take();
        first.writeBytes(new byte[300]);
        ByteBuf again = LineBuffer.take();
        assertThat(again).isSameAs(first);
        assertThat(again.readableBytes()).isZero();
    }

    @Test
    void aBufferGrownByOneHugeLineIsNotKept() {
        ByteBuf grown = LineBuffer.take();
        grown.writeBytes(new byte[200_000]);
        ByteBuf next = LineBuffer.take();
        assertThat(next).isNotSameAs(grown);
        assertThat(next.capacity()).isLessThanOrEqualTo(64 * 1024);
        assertThat(next.readableBytes()).isZero();
    }

    @Test
    void eachThreadHasItsOwn() throws InterruptedException {
        ByteBuf mine = LineBuffer.take();
        ByteBuf[] theirs = new ByteBuf[1];
        Thread other = new Thread(() -> theirs[0] = LineBuffer.take());
        other.start();
        other.join();
        assertThat(theirs[0]).isNotNull().isNotSameAs(mine);
    }
}
