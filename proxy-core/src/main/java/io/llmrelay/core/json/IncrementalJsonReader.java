package io.llmrelay.core.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.async.ByteBufferFeeder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;
import java.nio.ByteBuffer;

/**
 * Builds one JSON value from a body that arrives in pieces, with Jackson's non-blocking parser: each
 * piece is parsed as it comes and can be released at once, so no raw body is ever held. Used for the
 * small JSON answers a translation needs whole (model lists, embeddings, error bodies).
 *
 * <p>What the readers of the process hold at once is bounded ({@link #BUDGET}, a sixth of the heap): a
 * whole answer is kept as parsed tokens until it ends, and a fleet sending many huge answers at once
 * (a misbehaving backend padding its answers) would otherwise run the heap out. A piece beyond the
 * budget fails that answer, which is then failed over or refused, instead of the process. A reader
 * holds its bytes until {@link #finish()} or {@link #release()}.
 *
 * <p>Not thread-safe; one instance per response.
 */
public final class IncrementalJsonReader {

    /** The bytes every reader of the process may hold at once. */
    public static final long BUDGET = Math.max(64L * 1024 * 1024, Runtime.getRuntime().maxMemory() / 6);
    private static final AtomicLong HELD = new AtomicLong();

    private final JsonParser parser;
    private final ByteBufferFeeder feeder;
    private final TokenBuffer tokens;
    private final long maxBytes;
    private long bytesSeen;
    private int depth;
    private boolean rootDone;
    /** bytes this reader counts against {@link #BUDGET} */
    private long held;

    public IncrementalJsonReader(long maxBytes) {
        try {
            this.parser = Json.FACTORY.createNonBlockingByteBufferParser();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        this.feeder = (ByteBufferFeeder) parser.getNonBlockingInputFeeder();
        this.tokens = new TokenBuffer(parser, null);
        this.maxBytes = maxBytes;
    }

    /** Parses everything readable in {@code piece} without consuming it; the caller still owns it. */
    public void feed(ByteBuf piece) throws IOException {
        int n = piece.readableBytes();
        bytesSeen += n;
        if (bytesSeen > maxBytes) {
            release();
            throw new IOException("JSON body larger than " + maxBytes + " bytes");
        }
        if (HELD.addAndGet(n) > BUDGET) {
            HELD.addAndGet(-n);
            release();
            throw new IOException("the proxy is holding too many large answers at once (" + (BUDGET >> 20)
                    + " MiB): this one, at " + (bytesSeen >> 10) + " KiB so far, is given up");
        }
        held += n;
        if (piece.nioBufferCount() == 1) {
            feed(piece.nioBuffer());
        } else {
            for (ByteBuffer part : piece.nioBuffers()) {
                feed(part);
            }
        }
    }

    private void feed(ByteBuffer part) throws IOException {
        if (!part.hasRemaining()) {
            return;
        }
        feeder.feedInput(part);
        drain();
    }

    /** Ends the input and returns the value; fails on an empty or truncated body. */
    public JsonNode finish() throws IOException {
        try {
            feeder.endOfInput();
            drain();
            if (!rootDone) {
                throw new IOException(bytesSeen == 0 ? "empty JSON body" : "truncated JSON body");
            }
            try (JsonParser replay = tokens.asParser()) {
                return Json.readTree(replay);
            }
        } finally {
            release();
        }
    }

    /** Gives back what this reader counts against the process's budget; again does nothing. */
    public void release() {
        if (held > 0) {
            HELD.addAndGet(-held);
            held = 0;
        }
    }

    /** What every reader of the process holds now (for tests and diagnostics). */
    public static long heldBytes() {
        return HELD.get();
    }

    /** Copies every complete token out of the parser, so the fed buffer is no longer needed. */
    private void drain() throws IOException {
        JsonToken token;
        while ((token = parser.nextToken()) != null && token != JsonToken.NOT_AVAILABLE) {
            if (rootDone) {
                throw new IOException("unexpected content after the JSON value");
            }
            tokens.copyCurrentEvent(parser);
            if (token.isStructStart()) {
                depth++;
            } else if (token.isStructEnd()) {
                depth--;
            }
            if (depth == 0) {
                rootDone = true;
            }
        }
    }
}
