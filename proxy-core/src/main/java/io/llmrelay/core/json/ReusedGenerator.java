package io.llmrelay.core.json;

import com.fasterxml.jackson.core.JsonGenerator;
import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.OutputStream;

/**
 * One JSON generator per thread, pointed at a new buffer for each value written. Streams write a
 * small JSON line per event, and making a generator for each would cost more than the line; a
 * per-stream generator would hold its 8 KB buffer for as long as the stream lives. Event loops are
 * single-threaded, so one generator per thread is never used by two writers at once.
 *
 * <p>Use: {@code g = start(out)}, write one root value, {@link #finish()}; after a failure in
 * between, {@link #abandon()}, so a half-written generator is never reused.
 */
public final class ReusedGenerator {

    private static final FastThreadLocal<ReusedGenerator> PER_THREAD = new FastThreadLocal<>() {
        @Override
        protected ReusedGenerator initialValue() {
            return new ReusedGenerator();
        }
    };

    /** Where the generator's bytes go: the buffer of the value being written. */
    private static final class Target extends OutputStream {
        ByteBuf out;

        @Override
        public void write(int b) {
            out.writeByte(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            out.writeBytes(b, off, len);
        }
    }

    private final Target target = new Target();
    private JsonGenerator generator;

    private ReusedGenerator() {}

    /** This thread's generator, writing into {@code out}. */
    public static JsonGenerator start(ByteBuf out) throws IOException {
        ReusedGenerator self = PER_THREAD.get();
        if (self.generator == null) {
            self.generator = Json.FACTORY.createGenerator(self.target);
            self.generator.setRootValueSeparator(null); // values go to different buffers: no separator
        }
        self.target.out = out;
        return self.generator;
    }

    /** The value is complete: its last bytes go into the buffer. */
    public static void finish() throws IOException {
        ReusedGenerator self = PER_THREAD.get();
        self.generator.flush();
        self.target.out = null;
    }

    /** Writing failed half-way: drop the generator (its state is unknown) and the buffer. */
    public static void abandon() {
        ReusedGenerator self = PER_THREAD.get();
        self.generator = null;
        self.target.out = null;
    }

    /**
     * {@link #abandon()} after {@code failure} cut a write short; returns what the writer throws: the
     * failure itself, an I/O one unchecked.
     */
    public static RuntimeException abandoned(Exception failure) {
        abandon();
        return failure instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) failure;
    }
}
