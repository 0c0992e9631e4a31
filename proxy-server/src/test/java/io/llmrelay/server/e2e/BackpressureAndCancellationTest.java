package io.llmrelay.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrelay.server.testing.FloodBackend;
import io.llmrelay.server.testing.Ndjson;
import io.llmrelay.server.testing.RawHttp;
import io.llmrelay.server.testing.RelayHarness;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * End-to-end flow control: a client that stops reading stops the backend, and a client that leaves
 * closes the backend request. The backend writes only while TCP accepts, so its count of written
 * events shows how far the proxy read ahead.
 */
class BackpressureAndCancellationTest {

    private static final String CHAT = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"go\"}]}";

    @Test
    void aClientThatStopsReadingPausesTheBackend() throws Exception {
        int total = 15_000;
        try (FloodBackend backend = new FloodBackend(total, 1000);
                RelayHarness relay = RelayHarness.start(backend.baseUrl());
                RawHttp client = RawHttp.connect(relay.port(), 64 * 1024)) {
            client.post("/api/chat", CHAT, "Connection: close");
            assertThat(client.read(4096)).hasSize(4096); // the stream is flowing

            int settled = waitUntilStable(backend);
            assertThat(settled).as("events the backend could write while the client read nothing")
                    .isLessThan(total * 2 / 3);
            assertThat(backend.streamFinished.getCount()).isEqualTo(1);

            String body = client.readChunkedBodyToEnd(); // reading again resumes the backend
            System.out.println("backend wrote " + settled + " of " + total + " events while the client paused");
            var lines = Ndjson.parse(body);
            assertThat(lines).hasSize(total + 1);
            assertThat(lines.get(lines.size() - 1).get("done").asBoolean()).isTrue();
            assertThat(backend.streamFinished.await(5, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void aClientThatDisconnectsClosesTheBackendRequestAtOnce() throws Exception {
        try (FloodBackend backend = new FloodBackend(10_000_000, 100);
                RelayHarness relay = RelayHarness.start(backend.baseUrl())) {
            RawHttp client = RawHttp.connect(relay.port(), 16 * 1024);
            client.post("/api/chat", CHAT);
            assertThat(client.read(1024)).hasSize(1024);
            client.close();

            assertThat(backend.streamClosedEarly.await(3, TimeUnit.SECONDS))
                    .as("backend connection closed after the client left").isTrue();
            assertThat(backend.written.get()).isLessThan(10_000_000);
        }
    }

    /** Waits until the backend has written nothing new for a while, and returns its count. */
    private static int waitUntilStable(FloodBackend backend) throws InterruptedException {
        int last = -1;
        for (int i = 0; i < 100; i++) {
            Thread.sleep(150);
            int now = backend.written.get();
            if (now == last) {
                return now;
            }
            last = now;
        }
        throw new AssertionError("the backend never stopped writing: " + last);
    }
}
