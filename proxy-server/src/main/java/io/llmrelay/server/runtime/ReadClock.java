package io.llmrelay.server.runtime;

import io.llmrelay.core.api.Clocks;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.MaxMessagesRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.util.UncheckedBooleanSupplier;

/**
 * Notes when a channel's read began, before the socket read and the HTTP decoding, so that an
 * exchange's overhead counts them too: without it the proxy's account of its own time would start
 * only once a decoded message reached the exchange, and miss a syscall and a parse per read.
 *
 * <p>Installed as one channel's {@link RecvByteBufAllocator} (one instance per channel). Netty calls
 * {@code reset} before each read loop and {@code readComplete} after it, on the channel's event loop,
 * which is also where {@link #claim} is called; so the field needs no synchronisation. Buffer sizing
 * is left to Netty's adaptive allocator.
 */
public final class ReadClock implements MaxMessagesRecvByteBufAllocator {

    /** For a channel without a clock of its own (an {@code EmbeddedChannel} in tests): never marks a read. */
    public static final ReadClock NONE = new ReadClock(Clocks.SYSTEM);

    private final AdaptiveRecvByteBufAllocator sizing = new AdaptiveRecvByteBufAllocator();
    private final Clocks clocks;
    /** When the current read loop began; 0 outside a read loop or once claimed. */
    private long readStart;

    public ReadClock(Clocks clocks) {
        this.clocks = clocks;
    }

    /** The channel's clock, or {@link #NONE} when it has none. */
    public static ReadClock of(Channel channel) {
        return channel.config().getRecvByteBufAllocator() instanceof ReadClock clock ? clock : NONE;
    }

    /**
     * When the work that starts now really began: the start of the read loop this call runs in, the
     * first time it is asked during that loop (no clock read needed), else {@code clocks}' now.
     * Claiming once keeps one read's time from being counted twice.
     */
    public long claim(Clocks clocks) {
        long start = readStart;
        if (start == 0) {
            return clocks.nanoTime();
        }
        readStart = 0;
        return start;
    }

    @Override
    public int maxMessagesPerRead() {
        return sizing.maxMessagesPerRead();
    }

    @Override
    public MaxMessagesRecvByteBufAllocator maxMessagesPerRead(int maxMessagesPerRead) {
        sizing.maxMessagesPerRead(maxMessagesPerRead);
        return this;
    }

    @Override
    public Handle newHandle() {
        return new TimedHandle((ExtendedHandle) sizing.newHandle());
    }

    private final class TimedHandle implements ExtendedHandle {
        private final ExtendedHandle delegate;

        TimedHandle(ExtendedHandle delegate) {
            this.delegate = delegate;
        }

        @Override
        public void reset(ChannelConfig config) {
            readStart = clocks.nanoTime();
            delegate.reset(config);
        }

        @Override
        public void readComplete() {
            delegate.readComplete();
            readStart = 0;
        }

        @Override
        public ByteBuf allocate(ByteBufAllocator alloc) {
            return delegate.allocate(alloc);
        }

        @Override
        public int guess() {
            return delegate.guess();
        }

        @Override
        public void incMessagesRead(int numMessages) {
            delegate.incMessagesRead(numMessages);
        }

        @Override
        public void lastBytesRead(int bytes) {
            delegate.lastBytesRead(bytes);
        }

        @Override
        public int lastBytesRead() {
            return delegate.lastBytesRead();
        }

        @Override
        public void attemptedBytesRead(int bytes) {
            delegate.attemptedBytesRead(bytes);
        }

        @Override
        public int attemptedBytesRead() {
            return delegate.attemptedBytesRead();
        }

        @Override
        public boolean continueReading() {
            return delegate.continueReading();
        }

        @Override
        public boolean continueReading(UncheckedBooleanSupplier maybeMoreDataSupplier) {
            return delegate.continueReading(maybeMoreDataSupplier);
        }
    }
}
