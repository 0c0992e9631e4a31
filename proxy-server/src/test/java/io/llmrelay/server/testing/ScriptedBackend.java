package io.llmrelay.server.testing;

import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

/**
 * A MockWebServer that answers {@code GET /v1/models} on its own (the proxy reads it at start-up, on
 * its health checks and on {@code /api/tags}), plus any fixed GET routes given with {@link #serve}
 * (e.g. llama.cpp's {@code /props}), and every other request from a script, recording what it received.
 */
public final class ScriptedBackend implements AutoCloseable {

    public static final String DEFAULT_MODELS = "{\"object\":\"list\",\"data\":[{\"id\":\"m\",\"object\":\"model\","
            + "\"created\":1700000000,\"owned_by\":\"test\",\"max_model_len\":32768}]}";

    private final MockWebServer server = new MockWebServer();
    private final BlockingQueue<MockResponse> script = new LinkedBlockingQueue<>();
    private final BlockingQueue<RecordedRequest> received = new LinkedBlockingQueue<>();
    private volatile Supplier<String> models = () -> DEFAULT_MODELS;
    private final Map<String, String> fixed = new ConcurrentHashMap<>();
    private final Map<String, String> listHeaders = new ConcurrentHashMap<>();
    private final AtomicInteger listReads = new AtomicInteger();
    private volatile int listStatus = 200;
    private volatile Function<RecordedRequest, MockResponse> everyRequest;

    public ScriptedBackend() throws java.io.IOException {
        this(null);
    }

    /** A backend that speaks HTTPS with the given server certificate (null: plain HTTP). */
    public ScriptedBackend(javax.net.ssl.SSLSocketFactory tls) throws java.io.IOException {
        if (tls != null) {
            server.useHttps(tls);
        }
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
                if ("GET".equals(request.getMethod()) && request.getTarget().equals("/v1/models")) {
                    listReads.incrementAndGet();
                    if (listStatus != 200) {
                        return new MockResponse.Builder().code(listStatus).body("unavailable").build();
                    }
                    MockResponse.Builder list = new MockResponse.Builder().setHeader("Content-Type", "application/json");
                    listHeaders.forEach(list::setHeader);
                    return list.body(models.get()).build();
                }
                String body = "GET".equals(request.getMethod()) ? fixed.get(request.getTarget()) : null;
                if (body != null) {
                    return new MockResponse.Builder().setHeader("Content-Type", "application/json").body(body).build();
                }
                received.add(request);
                Function<RecordedRequest, MockResponse> answer = everyRequest;
                if (answer != null) {
                    MockResponse scripted = script.poll();
                    return scripted != null ? scripted : answer.apply(request);
                }
                MockResponse next = script.poll(10, TimeUnit.SECONDS);
                return next != null ? next : new MockResponse.Builder().code(599).body("no scripted response").build();
            }
        });
        server.start();
    }

    public void models(String json) {
        this.models = () -> json;
    }

    /** A model list made anew for each read (servers such as llama.cpp put "now" in it). */
    public void models(Supplier<String> json) {
        this.models = json;
    }

    /** A header on every model-list answer, e.g. {@code Server: llama.cpp}. */
    public void listHeader(String name, String value) {
        listHeaders.put(name, value);
    }

    /** Answers {@code GET target} with {@code json}, unscripted and unrecorded. */
    public void serve(String target, String json) {
        fixed.put(target, json);
    }

    /** Answers the model list with {@code status} from now on (200: the list again), as a server that is loading or failing. */
    public void listStatus(int status) {
        this.listStatus = status;
    }

    /** How many times the model list was read. */
    public int listReads() {
        return listReads.get();
    }

    /**
     * Answers every request the script has no response for with {@code answer} (still recorded), at
     * once: for tests that send many requests, or do not know which backend a request will reach.
     */
    public void answerAll(Function<RecordedRequest, MockResponse> answer) {
        this.everyRequest = answer;
    }

    /** Every request other than the model list that arrived and was not taken yet, taken now. */
    public java.util.List<RecordedRequest> drainRequests() {
        java.util.List<RecordedRequest> out = new java.util.ArrayList<>();
        received.drainTo(out);
        return out;
    }

    public void enqueue(MockResponse response) {
        script.add(response);
    }

    /** An SSE response sent in chunks of {@code chunkSize} bytes. */
    public void enqueueSse(String body, int chunkSize) {
        enqueue(new MockResponse.Builder().setHeader("Content-Type", "text/event-stream").chunkedBody(body, chunkSize).build());
    }

    /** How many requests other than the model list arrived and were not taken yet. */
    public int untakenRequests() {
        return received.size();
    }

    /** The next request other than the model list, waiting up to 5 s. */
    public RecordedRequest takeRequest() throws InterruptedException {
        RecordedRequest r = received.poll(5, TimeUnit.SECONDS);
        if (r == null) {
            throw new AssertionError("the backend received no request");
        }
        return r;
    }

    public String baseUrl() {
        return server.url("/v1").toString();
    }

    public int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        server.close();
    }
}
