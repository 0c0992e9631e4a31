package io.llmrelay.server.testing;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

/**
 * A MockWebServer that answers {@code GET /v1/models} on its own (the proxy reads it at start-up and
 * on {@code /api/tags}) and every other request from a script, recording what it received.
 */
public final class ScriptedBackend implements AutoCloseable {

    public static final String DEFAULT_MODELS = "{\"object\":\"list\",\"data\":[{\"id\":\"m\",\"object\":\"model\","
            + "\"created\":1700000000,\"owned_by\":\"test\",\"max_model_len\":32768}]}";

    private final MockWebServer server = new MockWebServer();
    private final BlockingQueue<MockResponse> script = new LinkedBlockingQueue<>();
    private final BlockingQueue<RecordedRequest> received = new LinkedBlockingQueue<>();
    private volatile String models = DEFAULT_MODELS;

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
                    return new MockResponse.Builder().setHeader("Content-Type", "application/json").body(models).build();
                }
                received.add(request);
                MockResponse next = script.poll(10, TimeUnit.SECONDS);
                return next != null ? next : new MockResponse.Builder().code(599).body("no scripted response").build();
            }
        });
        server.start();
    }

    public void models(String json) {
        this.models = json;
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
