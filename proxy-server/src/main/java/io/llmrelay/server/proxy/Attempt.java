package io.llmrelay.server.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrelay.core.api.ClientApi;
import io.llmrelay.core.api.RelayException;
import io.llmrelay.core.balance.AttemptOutcome;
import io.llmrelay.core.config.BackendTimeouts;
import io.llmrelay.core.json.Json;
import io.llmrelay.core.metrics.ErrorKind;
import io.llmrelay.core.resilience.FailureKind;
import io.llmrelay.core.security.ApiKeys;
import io.llmrelay.core.stream.UsageScan;
import io.llmrelay.core.translate.BodyTranslator;
import io.llmrelay.core.translate.ErrorMessages;
import io.llmrelay.server.exchange.Exchange;
import io.llmrelay.server.fleet.Backend;
import io.llmrelay.server.runtime.HeaderNameSet;
import io.llmrelay.server.upstream.UpstreamCall;
import io.llmrelay.server.upstream.UpstreamFailure;
import io.llmrelay.server.upstream.UpstreamRequest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.AsciiString;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Carries one backend response to one exchange: passed through as bytes, or rewritten by a
 * {@link BodyTranslator} as it arrives. A backend error (4xx/5xx) keeps its status and its message,
 * in the caller's API shape. Backend reads follow the client: when the client cannot take more,
 * the backend is not read until it can.
 *
 * <p>Runs on the exchange's event loop. Borrows each backend buffer: pass-through retains a slice
 * for the client write; translation reads it and writes new buffers.
 */
public final class Attempt implements UpstreamCall.Listener, BodyTranslator.Output {

    /** Beyond this an error body is cut: only its message matters. */
    private static final int MAX_ERROR_BODY = 64 * 1024;

    /**
     * Response headers never copied to the client: the ones that describe the hop, and the backend's
     * CORS answer (llama.cpp sends an empty {@code Access-Control-Allow-Origin}); CORS is the proxy's
     * alone ({@code CorsGate}).
     */
    private static final HeaderNameSet HOP_HEADERS = HeaderNameSet.of(HttpHeaderNames.CONNECTION,
            HttpHeaderNames.KEEP_ALIVE, HttpHeaderNames.TRANSFER_ENCODING, AsciiString.cached("proxy-connection"),
            HttpHeaderNames.UPGRADE, HttpHeaderNames.TRAILER, HttpHeaderNames.TE, Exchange.X_REQUEST_ID,
            HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS,
            HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS,
            HttpHeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, HttpHeaderNames.ACCESS_CONTROL_MAX_AGE);

    private final Exchange exchange;
    private final Backend backend;
    private final BodyTranslator translator; // null: pass the body through untouched
    private final long startNanos;
    private UpstreamCall call;
    private int errorStatus;
    private ByteBuf errorBody;
    private ByteBuf wholeAnswer;
    private boolean settled;
    private boolean headSeen;
    private final Retrier retrier; // null: this attempt is the only one
    /** the token counts of a pass-through answer, read only when a key's tokens per minute need them */
    private final UsageScan usage;

    /**
     * Decides, when an attempt fails before anything reached the client, whether the request goes to
     * another backend instead of the client getting this failure. Runs on the exchange's loop.
     */
    public interface Retrier {
        /**
         * @param kind what went wrong ({@code retry.on} names which kinds are retried)
         * @param status the status the client would get
         * @param message what it would say
         * @return true when another attempt was started (or is about to be): this one must stay silent
         */
        boolean retry(FailureKind kind, int status, String message);
    }

    private Attempt(Exchange exchange, Backend backend, BodyTranslator translator, Retrier retrier) {
        this.exchange = exchange;
        this.backend = backend;
        this.translator = translator;
        this.retrier = retrier;
        this.startNanos = exchange.context().clocks().nanoTime();
        ApiKeys.ApiKey key = exchange.apiKey();
        this.usage = translator == null && key != null && key.limits().tokensPerMinute() > 0 ? new UsageScan() : null;
    }

    /**
     * Sends {@code request} to {@code backend}, whose slot the caller took ({@code Router.select}),
     * and answers {@code exchange} from the response. The attempt gives the slot back and records its
     * outcome when it ends, however it ends.
     *
     * @param model the model id the backend receives (shown in {@code X-Relay-Model})
     * @param number this attempt's number for the request, from 1 (shown in {@code X-Relay-Attempts})
     */
    public static void start(Exchange exchange, Backend backend, String model, int number, UpstreamRequest request,
            BodyTranslator translator) {
        start(exchange, backend, model, number, request, translator, null);
    }

    /** As {@link #start(Exchange, Backend, String, int, UpstreamRequest, BodyTranslator)}; {@code retrier} may send the request elsewhere. */
    static void start(Exchange exchange, Backend backend, String model, int number, UpstreamRequest request,
            BodyTranslator translator, Retrier retrier) {
        Attempt attempt = new Attempt(exchange, backend, translator, retrier);
        exchange.routedTo(backend.name(), model, number);
        BackendTimeouts.Resolved limits = backend.timeouts(); // resolved against the fleet's config, which a reload may change
        attempt.call = new UpstreamCall(backend.origin(), exchange.loop(), request, attempt, exchange.times(),
                exchange.context().clocks(), limits.firstByte(), limits.idle());
        exchange.onCancel(attempt::abandon);
        exchange.onWritable(attempt.call::resume);
        attempt.call.start();
    }

    @Override
    public void onHead(HttpResponse head) {
        exchange.enterFromRead(call.readClock());
        try {
            head(head);
        } finally {
            exchange.exit();
        }
    }

    private void head(HttpResponse head) {
        headSeen = true;
        int status = head.status().code();
        // the call noted when the head came (its last activity): no clock read of our own
        backend.stats().recordFirstByte(Math.max(0, exchange.times().upstreamHeaders - startNanos));
        if (status >= 400) {
            FailureKind kind = FailureKind.ofStatus(Math.min(status, 599));
            if (status == 429 || status == 503) { // the backend says when to come back: until then it gets nothing
                backend.resilience().holdOff(head.headers().get(HttpHeaderNames.RETRY_AFTER));
            }
            if (kind != FailureKind.REJECTED
                    && retried(kind, status, "backend " + backend.name() + " answered " + status)) {
                return;
            }
            errorStatus = status;
            errorBody = exchange.alloc().buffer(256);
            return;
        }
        String contentType = head.headers().get(HttpHeaderNames.CONTENT_TYPE);
        if (translator == null) {
            exchange.startResponse(status, null, endToEndHeaders(head.headers()), true);
        } else {
            try {
                translator.onHead(contentType);
            } catch (RelayException e) {
                if (!retried(FailureKind.MALFORMED, e.status(), e.getMessage())) {
                    settle(AttemptOutcome.BROKEN, e.getMessage());
                    abandon();
                    exchange.fail(e.status(), "backend " + backend.name() + ": " + e.getMessage(),
                            ErrorKind.BACKEND_PROTOCOL);
                }
                return;
            }
            if (translator.streaming()) {
                exchange.startResponse(200, translator.contentType(), null, false);
                exchange.streamFormat(translator);
            }
        }
    }

    @Override
    public void onContent(ByteBuf content) {
        exchange.enterFromRead(call.readClock());
        try {
            content(content);
        } finally {
            exchange.exit();
        }
    }

    private void content(ByteBuf content) {
        if (errorBody != null) {
            int room = MAX_ERROR_BODY - errorBody.readableBytes();
            if (room > 0) {
                errorBody.writeBytes(content, content.readerIndex(), Math.min(room, content.readableBytes()));
            }
            return;
        }
        if (translator == null) {
            if (usage != null) {
                usage.feed(content);
            }
            exchange.write(content.retainedSlice());
            return;
        }
        try {
            translator.onContent(content, this);
        } catch (RelayException e) {
            // an error event, or an answer that cannot be translated: before its first token, another
            // backend may still answer
            if (!exchange.tokenArrived() && retried(FailureKind.MALFORMED, e.status(), e.getMessage())) {
                return;
            }
            settle(AttemptOutcome.BROKEN, e.getMessage()); // the backend's answer could not be translated
            abandon();
            exchange.fail(e);
        }
    }

    @Override
    public void onEnd() {
        exchange.enterFromRead(call.readClock());
        try {
            end();
        } finally {
            exchange.exit();
        }
    }

    private void end() {
        if (errorBody != null) {
            answerBackendError(); // settles with the backend's message
            return;
        }
        if (translator == null) {
            settle(AttemptOutcome.OK, null);
            if (usage != null) {
                exchange.tokens(usage.promptTokens(), usage.completionTokens());
            }
            exchange.end();
            return;
        }
        try {
            translator.onEnd(this);
        } catch (RelayException e) {
            // a whole answer that cannot be read (cut JSON, a missing field): with nothing committed and no
            // token yet, another backend may still answer
            String message = "backend " + backend.name() + ": " + e.getMessage();
            if (!exchange.tokenArrived() && retried(FailureKind.MALFORMED, e.status(), message)) {
                return;
            }
            settle(AttemptOutcome.BROKEN, message);
            release();
            exchange.fail(e.status(), message, ErrorKind.BACKEND_PROTOCOL);
            return;
        }
        settle(AttemptOutcome.OK, null);
        translator.close();
        exchange.tokens(translator.promptTokens(), translator.completionTokens());
        if (translator.streaming()) {
            exchange.end();
        } else {
            ByteBuf answer = wholeAnswer != null ? wholeAnswer : exchange.alloc().buffer(0);
            wholeAnswer = null;
            exchange.respond(200, translator.contentType(), answer);
        }
    }

    @Override
    public void onFailure(UpstreamFailure failure) {
        settle(outcomeOf(failure), failure.message());
        release();
        // a reset or a silence counts as long as the client has nothing: a streamed answer's head waits
        // for its first event, so a backend that breaks off before it can still be replaced
        FailureKind kind = switch (failure.kind()) {
            case BACKEND_TIMEOUT -> headSeen ? FailureKind.IDLE_TIMEOUT : FailureKind.FIRST_BYTE_TIMEOUT;
            case BACKEND_UNREACHABLE -> FailureKind.CONNECT;
            case BACKEND_PROTOCOL -> FailureKind.RESET;
            default -> null;
        };
        if (kind != null && retrier != null && !exchange.isCommitted() && !exchange.tokenArrived()
                && retrier.retry(kind, failure.status(), failure.message())) {
            return;
        }
        exchange.fail(failure.status(), failure.message(), failure.kind());
    }

    /**
     * Hands the request to the retrier when it may go elsewhere; if it does, this attempt ends here:
     * its outcome counted, its backend call closed, nothing said to the client.
     */
    private boolean retried(FailureKind kind, int status, String message) {
        if (retrier == null || exchange.isCommitted()) {
            return false;
        }
        settle(kind.outcome(), message);
        if (!retrier.retry(kind, status, message)) {
            return false;
        }
        call.cancel();
        release();
        return true;
    }

    @Override
    public boolean onBatchEnd() {
        exchange.enter();
        try {
            return exchange.flushAndCheckWritable();
        } finally {
            exchange.exit();
        }
    }

    // ---- BodyTranslator.Output

    @Override
    public ByteBufAllocator alloc() {
        return exchange.alloc();
    }

    @Override
    public void write(ByteBuf translated) {
        if (translator.streaming()) {
            exchange.write(translated);
        } else if (wholeAnswer == null) {
            wholeAnswer = translated;
        } else {
            wholeAnswer = exchange.alloc().compositeBuffer().addComponents(true, wholeAnswer, translated);
        }
    }

    @Override
    public void writeCopy(ByteBuf bytes) {
        if (translator.streaming()) {
            exchange.writeCopy(bytes);
        } else {
            BodyTranslator.Output.super.writeCopy(bytes);
        }
    }

    // ----

    /** The client is gone or the answer failed: stop the backend and drop what was collected. */
    private void abandon() {
        settle(AttemptOutcome.CANCELLED, null);
        call.cancel();
        release();
    }

    /**
     * Gives the backend's slot back and counts the outcome; once, whichever way the attempt ends first.
     * A failure's {@code message} is kept among the backend's recent errors.
     */
    private void settle(AttemptOutcome outcome, String message) {
        if (settled) {
            return;
        }
        settled = true;
        backend.stats().release();
        backend.stats().recordOutcome(outcome); // exported from there at scrape time
        backend.resilience().record(outcome); // breaker and outlier detection
        if (outcome.failure()) {
            backend.recentErrors().add(exchange.context().clocks().wall().instant(), outcome.label(), message);
        }
    }

    private static AttemptOutcome outcomeOf(UpstreamFailure failure) {
        return switch (failure.kind()) {
            case BACKEND_UNREACHABLE -> AttemptOutcome.UNREACHABLE;
            case BACKEND_TIMEOUT -> AttemptOutcome.TIMEOUT;
            case BACKEND_STATUS -> AttemptOutcome.ofStatus(failure.status());
            default -> AttemptOutcome.BROKEN;
        };
    }

    private void release() {
        if (translator != null) {
            translator.close();
        }
        if (errorBody != null) {
            errorBody.release();
            errorBody = null;
        }
        if (wholeAnswer != null) {
            wholeAnswer.release();
            wholeAnswer = null;
        }
    }

    /**
     * The backend refused: same status, its message in the caller's shape. An OpenAI caller gets a
     * well-formed OpenAI error body exactly as the backend sent it.
     */
    private void answerBackendError() {
        ByteBuf body = errorBody;
        errorBody = null;
        JsonNode json = null;
        try {
            json = Json.parse(body);
        } catch (IOException | RuntimeException notJson) {
            // a proxy's HTML page or plain text
        }
        String message = ErrorMessages.fromBody(json);
        if (message == null) {
            String text = body.toString(StandardCharsets.UTF_8).strip();
            message = text.isEmpty() ? "no details" : text.length() > 500 ? text.substring(0, 500) + "..." : text;
        }
        message = "backend " + backend.name() + " answered " + errorStatus + ": " + message;
        settle(AttemptOutcome.ofStatus(errorStatus), message);
        // a body already in the caller's shape goes out as the backend wrote it: OpenAI's error object,
        // an Ollama node's own {"error": "..."} to an Ollama client, Anthropic's {"type":"error",...} (a
        // backend serving Messages natively)
        boolean callersShape = json != null && (exchange.api() == ClientApi.OPENAI && json.path("error").isObject()
                || exchange.api() == ClientApi.OLLAMA && backend.dialect().speaksOllama() && json.path("error").isTextual()
                || exchange.api() == ClientApi.ANTHROPIC && json.path("type").asText("").equals("error")
                        && json.path("error").isObject());
        if (callersShape) {
            exchange.failWithBody(errorStatus, message, body);
        } else {
            body.release();
            exchange.fail(errorStatus, message, ErrorKind.BACKEND_STATUS);
        }
    }

    /**
     * The backend's header map itself (its message is done with it) without the hop-by-hop headers
     * (and those its {@code Connection} names) or those the proxy sets itself: one pass over the few
     * the backend sent, then a removal for each found.
     */
    static HttpHeaders endToEndHeaders(HttpHeaders backend) {
        List<String> hopToo = HOP_HEADERS.alsoListedIn(backend.get(HttpHeaderNames.CONNECTION));
        List<CharSequence> found = null;
        Iterator<Map.Entry<CharSequence, CharSequence>> sent = backend.iteratorCharSequence();
        while (sent.hasNext()) {
            CharSequence name = sent.next().getKey();
            if (HOP_HEADERS.contains(name) || HeaderNameSet.listed(hopToo, name)) {
                if (found == null) {
                    found = new ArrayList<>(4);
                }
                found.add(name);
            }
        }
        if (found != null) {
            for (int i = 0; i < found.size(); i++) {
                backend.remove(found.get(i));
            }
        }
        return backend;
    }
}
