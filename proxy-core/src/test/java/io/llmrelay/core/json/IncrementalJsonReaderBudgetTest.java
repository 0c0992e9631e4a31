package io.llmrelay.core.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What readers hold counts against one budget for the process, and is given back however a reader ends. */
class IncrementalJsonReaderBudgetTest {

    private static ByteBuf text(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
    }

    @Test
    void aReaderHoldsItsBytesUntilItFinishesOrIsReleased() throws IOException {
        long before = IncrementalJsonReader.heldBytes();
        IncrementalJsonReader finished = new IncrementalJsonReader(1024);
        IncrementalJsonReader dropped = new IncrementalJsonReader(1024);
        ByteBuf a = text("{\"a\":[1,2,");
        ByteBuf b = text("{\"b\":");
        try {
            finished.feed(a);
            dropped.feed(b);
            assertThat(IncrementalJsonReader.heldBytes() - before).isEqualTo(a.readableBytes() + b.readableBytes());
            ByteBuf end = text("3]}");
            finished.feed(end);
            end.release();
            assertThat(finished.finish().get("a")).hasSize(3);
            dropped.release();
            dropped.release(); // again: nothing more
            assertThat(IncrementalJsonReader.heldBytes()).isEqualTo(before);
        } finally {
            a.release();
            b.release();
        }
    }

    @Test
    void aBodyBeyondItsOwnLimitGivesBackWhatItHeld() {
        long before = IncrementalJsonReader.heldBytes();
        IncrementalJsonReader reader = new IncrementalJsonReader(8);
        ByteBuf big = text("[1,2,3,4,5,6,7]");
        try {
            assertThatThrownBy(() -> reader.feed(big)).hasMessageContaining("larger than 8 bytes");
            assertThat(IncrementalJsonReader.heldBytes()).isEqualTo(before);
        } finally {
            big.release();
        }
    }

    @Test
    void theBudgetIsASixthOfTheHeapAndAtLeast64MiB() {
        assertThat(IncrementalJsonReader.BUDGET).isGreaterThanOrEqualTo(64L * 1024 * 1024)
                .isGreaterThanOrEqualTo(Runtime.getRuntime().maxMemory() / 6);
    }
}
