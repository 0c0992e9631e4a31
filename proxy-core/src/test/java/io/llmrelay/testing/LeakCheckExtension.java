package io.llmrelay.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty reported a leaked buffer while it ran. Registered for every test
 * through JUnit's extension auto-detection (see {@code junit-platform.properties}).
 *
 * <p>Netty only notices a leak when the leaked buffer has been garbage-collected and a later
 * allocation polls the reference queue, so after each class this collects garbage and allocates a
 * few tracked buffers from each allocator before it asks the detector what it saw.
 */
public final class LeakCheckExtension implements AfterAllCallback {

    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        assertNoLeaks(context.getDisplayName());
    }

    /**
     * Fails when Netty reported a leaked buffer since the last check: for checks within a class (the
     * fuzzer calls it after each property, so a leak names the property that caused it).
     *
     * @param what what ran, for the failure message
     */
    public static void assertNoLeaks(String what) throws InterruptedException {
        if (!FailingLeakDetector.installed()) {
            return;
        }
        for (int round = 0; round < 3; round++) {
            System.gc();
            Thread.sleep(20);
            for (ByteBufAllocator alloc : new ByteBufAllocator[] {
                    ByteBufAllocator.DEFAULT, PooledByteBufAllocator.DEFAULT, UnpooledByteBufAllocator.DEFAULT}) {
                ByteBuf probe = alloc.buffer(1);
                probe.release();
                ByteBuf direct = alloc.directBuffer(1);
                direct.release();
            }
        }
        List<String> leaks = FailingLeakDetector.drain();
        if (!leaks.isEmpty()) {
            throw new AssertionError(leaks.size() + " leaked buffer(s) detected while running "
                    + what + ":\n" + String.join("\n\n", leaks));
        }
    }
}
