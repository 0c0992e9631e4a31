package io.llmrelay.server.exchange;

import io.llmrelay.server.runtime.LoopAccount;
import io.llmrelay.core.security.RecentKey;
import io.netty.buffer.Unpooled;
import io.llmrelay.server.runtime.Headers;
import io.llmrelay.core.api.ClientApi;
import io.llmrelay.core.api.ErrorBodies;
import io.llmrelay.core.api.ExchangeTimes;
import io.llmrelay.core.api.RelayException;
import io.llmrelay.core.metrics.ErrorKind;
import io.llmrelay.core.translate.BodyTranslator;
import io.llmrelay.core.translate.ContentTypes;
import io.llmrelay.server.runtime.ReadClock;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import io.llmrelay.core.security.ApiKeys;
import java.net.InetAddress;
import java.net.SocketAddress;
import java.util.Iterator;
import java.util.Map;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client request and its answer. Owns the request (released when the exchange completes) and
 * is the only writer of the response, so the error shape, the deferred status line and the access
 * log live in one place. Confined to the client channel's event loop.
 *
 * <p>An answer is written whole ({@link #respond}), or streamed: {@link #startResponse}, then
 * {@link #write}s, then {@link #end}. A streamed head is deferred until the first byte, so an
 * error that happens before any output still gets its real status.
 *
 * <p>Overhead: the code that works on this exchange marks its sections with {@link #enter()} and
 * {@link #exit()}; their sum, plus the share of the event loop's other CPU time that its
 * {@link LoopAccount} charges to it, is the time spent inside llm-relay. It is sent as
 * {@code X-Relay-Overhead-Us} when the head is written, and logged and recorded in full once the
 * exchange is complete and its last pass of the loop is charged.
 */
public final class Exchange {

    /** How an exchange ended, for the access log and metrics. */
    public enum Outcome {
        OK("ok"), ERROR("error"), CLIENT_CLOSED("client_closed"), CLIENT_STALLED("client_stalled");

        private final String label;

        Outcome(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(Exchange.class);
    /** A batch started by a copied line: room for a few lines; a burst of more grows it (doubling). */
    private static final int FIRST_BATCH = 1024;

    public static final AsciiString X_REQUEST_ID = AsciiString.cached("x-request-id");
    static final AsciiString X_RELAY_OVERHEAD_US = AsciiString.cached("x-relay-overhead-us");
    static final AsciiString X_RELAY_BACKEND = AsciiString.cached("x-relay-backend");
    static final AsciiString X_RELAY_MODEL = AsciiString.cached("x-relay-model");
    static final AsciiString X_RELAY_ATTEMPTS = AsciiString.cached("x-relay-attempts");
    static final AsciiString X_RATELIMIT_LIMIT = AsciiString.cached("x-ratelimit-limit");
    static final AsciiString X_RATELIMIT_REMAINING = AsciiString.cached("x-ratelimit-remaining");
    static final AsciiString X_RATELIMIT_RESET = AsciiString.cached("x-ratelimit-reset");

    private final ChannelHandlerContext ctx;
    private final FullHttpRequest request;
    private final ExchangeHandler owner;
    private final ExchangeContext context;
    private final String requestId;
    private final String path;
    private final ClientApi api;
    private final ExchangeTimes times;
    /** The account of the loop this exchange runs on, and its line there. */
    private final LoopAccount account = LoopAccount.current();
    private final LoopAccount.Line line = new LoopAccount.Line();

    private String route = "unmatched";
    /** The client as {@link Gate} found it: its address (null: not an IP peer) and its key (null: none). */
    private InetAddress clientAddress;
    private ApiKeys.ApiKey apiKey;
    private String model;
    private String backendName;
    /** The model id the backend received, and how many attempts were made; 0 until one is. */
    private String backendModel;
    private int attempts;
    private long promptTokens = -1;
    private long completionTokens = -1;
    private ErrorKind errorKind;
    private long overheadNanos;
    /** Overhead measured when the head of a whole answer was written; -1 for other answers. */
    private long overheadAtWholeHead = -1;
    private long endNanos;
    private long sectionStart;
    private int sectionDepth;
    private boolean streaming;
    private long lastFlush;
    private boolean writtenSinceFlush;
    /**
     * Body written since the last flush, sent as one HTTP chunk when the read burst ends: a burst of
     * 50 events then costs one pass through the encoder and one chunk header, not 50. Either one
     * piece as it was given, or a buffer of ours the pieces were copied into ({@link #unsentOwned}).
     */
    private ByteBuf unsent;
    private boolean unsentOwned;
    private int status;
    private long bytesOut;
    private Outcome outcome = Outcome.OK;
    private String error;
    private HttpResponse pendingHead;
    private boolean headWritten;
    private String streamContentType;
    /** Writes a failed stream's last event in the answer's own format (numbered events), or null. */
    private BodyTranslator streamFormat;
    private boolean done;
    /** The answer's head said {@code Connection: close}: the connection closes after it. */
    private boolean closesConnection;
    /** An answer of unknown length to HTTP/1.0, which has no chunked coding: its end is the connection's. */
    private boolean endsWithConnection;
    private Runnable onCancel;
    private Runnable onWritable;
    private Runnable onSuccess;
    private Runnable onComplete;
    private ScheduledFuture<?> stallTimer;
    private HttpHeaders extraHeaders;
    /** {@link #rateLimitHeaders}: -1 while none. */
    private long rateLimit = -1;
    private String clientIp;
    private long rateRemaining;
    private long rateReset;

    Exchange(ChannelHandlerContext ctx, FullHttpRequest request, ExchangeHandler owner, ExchangeContext context, String requestId,
            String path, ClientApi api, long startNanos) {
        this.ctx = ctx;
        this.request = request;
        this.owner = owner;
        this.context = context;
        this.requestId = requestId;
        this.path = path;
        this.api = api;
        this.times = new ExchangeTimes(startNanos);
        context.metrics().requestStarted();
    }

    // ---- overhead sections

    /** Work for this exchange starts on the event loop (sections may nest). */
    public void enter() {
        enterAt(context.clocks().nanoTime());
    }

    /**
     * Work a read on a channel started (the client's or the backend's): the section begins when that
     * read did, so the socket read and the HTTP decoding count as overhead too.
     */
    public void enterFromRead(ReadClock clock) {
        if (sectionDepth > 0) {
            sectionDepth++; // nested: the open section's start stands, no clock needed
            return;
        }
        enterAt(clock.claim(context.clocks()));
    }

    void enterAt(long start) {
        if (sectionDepth++ == 0) {
            sectionStart = start;
        }
    }

    /** That work is done: its time counts as overhead. */
    public void exit() {
        if (sectionDepth > 0 && --sectionDepth == 0) {
            closeSection();
        }
    }

    private void closeSection() {
        long nanos = context.clocks().nanoTime() - sectionStart;
        overheadNanos += nanos;
        account.served(line, nanos);
    }

    /**
     * Runs work that continues this exchange later on its loop (a callback): timed as overhead, and
     * whatever it throws fails the exchange instead of being lost in the caller.
     */
    public void resume(Runnable work) {
        enter();
        try {
            work.run();
        } catch (RelayException e) {
            fail(e);
        } catch (RuntimeException e) {
            LOG.error("request {} failed unexpectedly", requestId, e);
            fail(500, "internal error in llm-relay: " + e, ErrorKind.INTERNAL);
        } finally {
            exit();
        }
    }

    /** Overhead so far: the sections, the one in progress included, and the loop's charges. */
    public long overheadNanos() {
        long sections = sectionDepth > 0 ? overheadNanos + context.clocks().nanoTime() - sectionStart : overheadNanos;
        return sections + line.charged();
    }

    /**
     * The overhead header's value. A whole answer's head is sent by the same write as its body, so
     * the header cannot time that write: it adds what whole answers accrued after their head on this
     * loop, on average. A stream's head says what was spent before its first byte.
     */
    private long overheadHeaderMicros(boolean wholeAnswer) {
        long measured = overheadNanos();
        if (!wholeAnswer) {
            return measured / 1_000;
        }
        overheadAtWholeHead = measured;
        return (measured + account.tailEstimate()) / 1_000;
    }

    // ---- what endpoints read

    public FullHttpRequest request() {
        return request;
    }

    public ExchangeContext context() {
        return context;
    }

    public String requestId() {
        return requestId;
    }

    public String path() {
        return path;
    }

    public HttpMethod method() {
        return request.method();
    }

    public ClientApi api() {
        return api;
    }

    public ExchangeTimes times() {
        return times;
    }

    public EventLoop loop() {
        return ctx.channel().eventLoop();
    }

    /** The connection's peer: the client, or the proxy in front of it. */
    SocketAddress remoteAddress() {
        return ctx.channel().remoteAddress();
    }

    public ByteBufAllocator alloc() {
        return ctx.alloc();
    }

    public boolean isDone() {
        return done;
    }

    /** The route's label in metrics, e.g. {@code /api/chat}. */
    public void route(String label) {
        this.route = label;
    }

    public String route() {
        return route;
    }

    /** Where the request comes from, found once by the {@link Gate}. */
    void clientAddress(InetAddress client) {
        this.clientAddress = client;
        this.clientIp = null;
    }

    /** The client key the {@link Gate} accepted for the request. */
    void apiKey(ApiKeys.ApiKey key) {
        this.apiKey = key;
    }

    /** The client's address (the peer's, or the one a trusted proxy named); null when the peer is not an IP socket. */
    public InetAddress clientAddress() {
        return clientAddress;
    }

    /** {@link #clientAddress()} as text (for the limits and the log: formatted once); null without one. */
    public String clientIp() {
        if (clientIp == null && clientAddress != null) {
            clientIp = clientAddress.getHostAddress();
        }
        return clientIp;
    }

    /** The connection's memory of the key it presented last ({@link Gate}). */
    RecentKey recentKey() {
        return owner.recentKey;
    }

    /** The client key the request came with; null when none was needed or the route is open. */
    public ApiKeys.ApiKey apiKey() {
        return apiKey;
    }

    /** The key's name for logs and metrics (never the key); null without one. */
    public String keyName() {
        return apiKey == null ? null : apiKey.name();
    }

    /** True when this request's key, if it has one, may use {@code model} (a catalogue name). */
    public boolean mayUse(String model) {
        return apiKey == null || apiKey.allows(model);
    }

    /** Token counts the backend reported (-1: not reported). */
    public void tokens(long prompt, long completion) {
        this.promptTokens = prompt;
        this.completionTokens = completion;
    }

    public long promptTokens() {
        return promptTokens;
    }

    public long completionTokens() {
        return completionTokens;
    }

    public ErrorKind errorKind() {
        return errorKind;
    }

    /** The model the client named, for logs and metrics. */
    public void model(String model) {
        this.model = model;
    }

    public String model() {
        return model;
    }

    public void backendName(String name) {
        this.backendName = name;
    }

    /**
     * The request is being sent to {@code backend} as attempt {@code attempt} (from 1), which receives
     * the model as {@code model}: the answer says so in {@code X-Relay-Backend}, {@code X-Relay-Model}
     * and {@code X-Relay-Attempts}.
     */
    public void routedTo(String backend, String model, int attempt) {
        this.backendName = backend;
        this.backendModel = model;
        this.attempts = attempt;
    }

    /**
     * The answer carries {@code X-RateLimit-Limit}, {@code -Remaining} and {@code -Reset} with these
     * numbers (replacing a backend's own). Kept as numbers and written with the routing headers: a
     * header map per request, filled and copied, cost more than the limit check itself.
     */
    public void rateLimitHeaders(long limit, long remaining, long resetSeconds) {
        this.rateLimit = limit;
        this.rateRemaining = remaining;
        this.rateReset = resetSeconds;
    }

    /** The routing and rate-limit headers, written straight into the answer's head (no map of their own per request). */
    private void relayHeaders(HttpHeaders headers) {
        if (attempts > 0) {
            headers.set(X_RELAY_BACKEND, backendName).set(X_RELAY_MODEL, backendModel).setInt(X_RELAY_ATTEMPTS, attempts);
        }
        if (rateLimit >= 0) {
            headers.set(X_RATELIMIT_LIMIT, Long.toString(rateLimit))
                    .set(X_RATELIMIT_REMAINING, Long.toString(rateRemaining))
                    .set(X_RATELIMIT_RESET, Long.toString(rateReset));
        }
    }

    public String backendName() {
        return backendName;
    }

    public int status() {
        return status;
    }

    public long bytesOut() {
        return bytesOut;
    }

    public Outcome outcome() {
        return outcome;
    }

    public String error() {
        return error;
    }

    /** Runs when the exchange is abandoned (client gone or stalled): close what serves it. */
    public void onCancel(Runnable onCancel) {
        this.onCancel = onCancel;
    }

    /**
     * Runs once when the exchange ends, however it ends (answered, failed, abandoned), after the
     * backend's token counts are known: what a rate limit's permit gives back and charges.
     */
    public void onComplete(Runnable onComplete) {
        this.onComplete = onComplete;
    }

    /** Runs when the exchange completes with a successful answer (not an error, not abandoned). */
    public void onSuccess(Runnable onSuccess) {
        this.onSuccess = onSuccess;
    }

    /** Runs when the client can take data again after {@link #flushAndCheckWritable()} said no. */
    public void onWritable(Runnable onWritable) {
        this.onWritable = onWritable;
    }

    /**
     * True once the answer's status line has gone to the client: from then on the request cannot
     * be sent to another backend. A streamed answer's head waits for its first byte.
     */
    public boolean isCommitted() {
        return headWritten;
    }

    /**
     * True once the backend's answer has produced a token, even if nothing was written yet (a
     * {@code stream:false} answer is merged before it is sent): the answer is under way, so from
     * then on, too, the request must not be sent to another backend.
     */
    public boolean tokenArrived() {
        return times.firstToken != 0;
    }

    /** A header to add to whatever answer this exchange writes. */
    public void responseHeader(CharSequence name, Object value) {
        if (extraHeaders == null) {
            extraHeaders = Headers.newTrusted();
        }
        extraHeaders.set(name, value);
    }

    // ---- whole answers

    /**
     * A whole answer with a body (for HEAD: the headers only, with the body's length); a null
     * content type sends none (a 204).
     */
    public void respond(int statusCode, String contentType, ByteBuf body) {
        if (done) {
            body.release();
            return;
        }
        status = statusCode;
        int length = body.readableBytes();
        FullHttpResponse response;
        if (request.method().equals(HttpMethod.HEAD)) {
            body.release();
            response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(statusCode),
                    Unpooled.EMPTY_BUFFER, Headers.trusted(), Headers.trustedTrailers());
        } else {
            response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(statusCode), body,
                    Headers.trusted(), Headers.trustedTrailers());
        }
        if (extraHeaders != null) {
            response.headers().set(extraHeaders);
        }
        if (contentType != null) {
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        }
        if (statusCode != 204) { // a 204 has no body and must not announce one
            response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, length);
        }
        relayHeaders(response.headers());
        lastOnConnection(response.headers());
        response.headers()
                .set(X_REQUEST_ID, requestId)
                .set(X_RELAY_OVERHEAD_US, overheadHeaderMicros(true));
        headWritten = true;
        markFirstByte();
        bytesOut += length;
        ctx.writeAndFlush(response);
        complete();
    }

    /** A 200 JSON answer. */
    public void respondJson(ByteBuf body) {
        respond(200, ContentTypes.JSON, body);
    }

    /**
     * Fails the exchange with a message in the caller's API shape. Before any output that is a
     * proper error response with {@code statusCode}; once a stream has started, the status is
     * already sent, so the stream ends with one last error line (NDJSON) or event (SSE).
     */
    public void fail(int statusCode, String message, ErrorKind kind) {
        if (done) {
            return;
        }
        outcome = Outcome.ERROR;
        error = message;
        errorKind = kind;
        if (!headWritten) {
            pendingHead = null;
            respond(statusCode, ContentTypes.JSON, ErrorBodies.body(ctx.alloc(), api, statusCode, message));
            return;
        }
        if (streamContentType != null) {
            ByteBuf last = streamFormat == null ? null : streamFormat.streamFailure(ctx.alloc(), statusCode, message);
            if (last == null) {
                ClientApi shape = api == ClientApi.ANTHROPIC ? api
                        : streamContentType.startsWith(ContentTypes.SSE) ? ClientApi.OPENAI : ClientApi.OLLAMA;
                last = ErrorBodies.streamTerminator(ctx.alloc(), shape, statusCode, message);
            }
            write(last);
            end();
        } else {
            // a whole JSON body was being passed through: it cannot be mended, only cut off
            ctx.close();
            complete();
        }
    }

    /** Fails with a {@link RelayException}'s status, message and kind. */
    public void fail(RelayException e) {
        if (e.refusal() != null) {
            context.metrics().refused(e.refusal());
        }
        fail(e.status(), e.getMessage(), e.kind());
    }

    /** Forwards a backend's own error body unchanged (it is already in the caller's API shape). */
    public void failWithBody(int statusCode, String message, ByteBuf body) {
        if (done || headWritten) {
            body.release();
            fail(statusCode, message, ErrorKind.BACKEND_STATUS);
            return;
        }
        outcome = Outcome.ERROR;
        error = message;
        errorKind = ErrorKind.BACKEND_STATUS;
        respond(statusCode, ContentTypes.JSON, body);
    }

    // ---- streamed answers

    /** The translator whose format the streamed answer has: a failure mid-stream ends in that format. */
    public void streamFormat(BodyTranslator translator) {
        streamFormat = translator;
    }

    /**
     * Prepares a streamed answer: chunked, or for an HTTP/1.0 client (no chunked coding) delimited by
     * the connection's close. The head goes out with the first {@link #write}, or at once when
     * {@code now}. {@code adopted} may carry the backend's headers (pass-through), or be null.
     */
    public void startResponse(int statusCode, String contentType, HttpHeaders adopted, boolean now) {
        // a pass-through adopts the backend's own (hop-free) header map instead of copying it
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(statusCode),
                adopted != null ? adopted : Headers.newTrusted());
        if (extraHeaders != null) {
            // ours replace the backend's of the same name (two Access-Control-Allow-Origin would be refused)
            // each of ours is set once, so one pass over its entries (no name set built) will do
            Iterator<Map.Entry<CharSequence, CharSequence>> ours = extraHeaders.iteratorCharSequence();
            while (ours.hasNext()) {
                Map.Entry<CharSequence, CharSequence> h = ours.next();
                head.headers().set(h.getKey(), h.getValue());
            }
        }
        if (contentType != null) {
            head.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        }
        if (!head.headers().contains(HttpHeaderNames.CONTENT_LENGTH)) {
            if (request.protocolVersion().isKeepAliveDefault()) {
                HttpUtil.setTransferEncodingChunked(head, true);
            } else {
                endsWithConnection = true;
            }
        }
        relayHeaders(head.headers());
        head.headers().set(X_REQUEST_ID, requestId);
        String type = head.headers().get(HttpHeaderNames.CONTENT_TYPE);
        streamContentType = type != null && (type.startsWith(ContentTypes.SSE) || type.startsWith(ContentTypes.NDJSON))
                ? type : null;
        status = statusCode;
        pendingHead = head;
        if (now) {
            writeHead();
        }
    }

    /**
     * Writes one piece of the body (owned by the write). It goes out with the rest of the read burst
     * at the next {@link #flushAndCheckWritable()} or {@link #end()}.
     */
    public void write(ByteBuf piece) {
        if (!accepted(piece.readableBytes())) {
            piece.release();
            return;
        }
        if (unsent == null) {
            unsent = piece;
            return;
        }
        try {
            batchWith(piece.readableBytes()).writeBytes(piece);
        } finally {
            piece.release();
        }
    }

    /**
     * Writes a copy of {@code bytes}' readable bytes (the caller keeps {@code bytes}): a translated
     * line goes straight into the batch of the read burst instead of a buffer of its own.
     */
    public void writeCopy(ByteBuf bytes) {
        int n = bytes.readableBytes();
        if (accepted(n)) {
            batchWith(n).writeBytes(bytes, bytes.readerIndex(), n);
        }
    }

    /** False once the answer is done; else the head is out (or queued) and {@code n} more body bytes are counted. */
    private boolean accepted(int n) {
        if (done) {
            return false;
        }
        if (!headWritten) {
            writeHead();
        }
        bytesOut += n;
        writtenSinceFlush = true;
        return true;
    }

    /**
     * The unsent body as a buffer of ours with room for {@code n} more bytes. Only a buffer this
     * exchange allocated is ever written into: a piece given to {@link #write} may be a slice of the
     * backend's buffer.
     */
    private ByteBuf batchWith(int n) {
        if (unsent == null) {
            unsent = ctx.alloc().directBuffer(Math.max(FIRST_BATCH, n));
            unsentOwned = true;
        } else if (!unsentOwned || unsent.maxFastWritableBytes() < n) {
            ByteBuf batch = ctx.alloc().directBuffer(Math.max(4096, 2 * (unsent.readableBytes() + n)));
            batch.writeBytes(unsent);
            unsent.release();
            unsent = batch;
            unsentOwned = true;
        }
        return unsent;
    }

    private void sendUnsent() {
        ByteBuf body = unsent;
        if (body != null) {
            unsent = null;
            unsentOwned = false;
            ctx.write(new DefaultHttpContent(body), ctx.voidPromise());
        }
    }

    /** Flushes, and says whether the client can take more now. If not, a stall timer starts. */
    public boolean flushAndCheckWritable() {
        if (done) {
            return false;
        }
        sendUnsent();
        ctx.flush();
        if (streaming && writtenSinceFlush) {
            long now = context.clocks().nanoTime();
            if (lastFlush != 0) {
                context.metrics().chunkGap.recordNanos(route, now - lastFlush);
            }
            lastFlush = now;
            writtenSinceFlush = false;
        }
        if (ctx.channel().isWritable()) {
            return true;
        }
        if (stallTimer == null) {
            long stall = context.config().timeouts().clientStall().toNanos();
            stallTimer = loop().schedule(this::clientStalled, stall, TimeUnit.NANOSECONDS);
        }
        return false;
    }

    /** Ends a streamed answer. */
    public void end() {
        if (done) {
            return;
        }
        if (!headWritten) {
            writeHead();
        }
        sendUnsent();
        ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        complete();
    }

    private void writeHead() {
        HttpResponse head = pendingHead;
        pendingHead = null;
        headWritten = true;
        markFirstByte();
        head.headers().set(X_RELAY_OVERHEAD_US, overheadHeaderMicros(streamContentType == null));
        lastOnConnection(head.headers());
        if (streamContentType != null) {
            streaming = true;
            context.metrics().streamStarted();
        }
        ctx.write(head, ctx.voidPromise());
    }

    /**
     * The last answer on a connection says so (the client asked to close, spoke HTTP/1.0 without
     * keep-alive or got an answer of unknown length, or the proxy drains); the connection handler
     * closes the connection once it is written.
     */
    private void lastOnConnection(HttpHeaders headers) {
        if (endsWithConnection || !HttpUtil.isKeepAlive(request) || owner.answerEndsConnection()) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            closesConnection = true;
        }
    }

    /** Whether this answer's head told the client that the connection closes after it. */
    boolean closesConnection() {
        return closesConnection;
    }

    private void markFirstByte() {
        if (times.firstByte == 0) {
            times.firstByte = context.clocks().nanoTime();
        }
    }

    // ---- life cycle, driven by the connection handler

    void clientWritabilityChanged() {
        if (!done && ctx.channel().isWritable()) {
            if (stallTimer != null) {
                stallTimer.cancel(false);
                stallTimer = null;
            }
            if (onWritable != null) {
                onWritable.run();
            }
        }
    }

    /**
     * The proxy stops before this answer is done: the backend request is cancelled and the client
     * gets a 503 in its API's shape, or, once the answer has started, one last error line or event.
     */
    void cutOff() {
        if (done) {
            return;
        }
        cancelWork();
        fail(503, "llm-relay is shutting down and could not wait for this answer to finish", ErrorKind.SHUTDOWN);
    }

    /** The client closed its connection: abandon the work at once. */
    void clientClosed() {
        if (done) {
            return;
        }
        outcome = Outcome.CLIENT_CLOSED;
        if (!headWritten) {
            status = 499; // nginx's and Ollama's "client closed request"
        }
        if (onCancel != null) {
            context.metrics().clientDisconnects.inc(route); // a backend request was running: it is cancelled now
        }
        cancelWork();
        complete();
    }

    private void clientStalled() {
        stallTimer = null;
        if (done) {
            return;
        }
        outcome = Outcome.CLIENT_STALLED;
        errorKind = ErrorKind.CLIENT_STALLED;
        error = "client took no data for " + context.config().timeouts().clientStall().toSeconds() + " s";
        cancelWork();
        ctx.close();
        complete();
    }

    private void cancelWork() {
        Runnable cancel = onCancel;
        onCancel = null;
        if (cancel != null) {
            cancel.run();
        }
    }

    private void complete() {
        if (done) {
            return;
        }
        done = true;
        if (stallTimer != null) {
            stallTimer.cancel(false);
            stallTimer = null;
        }
        onCancel = null;
        onWritable = null;
        if (pendingHead != null) {
            pendingHead = null;
        }
        if (unsent != null) { // the answer was abandoned before its burst was sent
            unsent.release();
            unsent = null;
        }
        endNanos = context.clocks().nanoTime();
        if (sectionDepth > 0) {
            sectionDepth = 0;
            closeSection();
        }
        Runnable success = onSuccess;
        onSuccess = null;
        if (success != null && outcome == Outcome.OK && status < 400) {
            success.run();
        }
        Runnable completed = onComplete;
        onComplete = null;
        if (completed != null) {
            completed.run();
        }
        request.release();
        if (streaming) {
            context.metrics().streamEnded();
        }
        account.finished(line, this::settle);
        owner.exchangeDone(this);
    }

    /** Records the exchange once the loop has charged its last pass. */
    private void settle() {
        if (overheadAtWholeHead >= 0 && (outcome == Outcome.OK || outcome == Outcome.ERROR)) {
            account.tail(overheadNanos() - overheadAtWholeHead);
        }
        ExchangeMetrics.record(this, context.metrics(), endNanos);
        AccessLog.log(this, endNanos);
    }
}
