package io.llmrelay.bench.floor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmrelay.bench.mock.MockServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The floor proxy carries the bench mock's answers unchanged, whole and streamed, over kept-alive connections. */
class FloorProxyTest {

    private MockServer mock;
    private FloorProxy floor;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() throws Exception {
        mock = MockServer.start("127.0.0.1", 0, 1, 0, 10, 0, 200, 4, List.of());
        floor = FloorProxy.start("127.0.0.1", 0, "127.0.0.1", mock.port());
    }

    @AfterEach
    void stop() {
        floor.close();
        mock.close();
    }

    @Test
    void aWholeAnswerArrivesAsTheBackendSentIt() throws Exception {
        String body = "{\"model\":\"mock\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":false}";
        HttpResponse<String> direct = post(mock.port(), body);
        for (int i = 0; i < 3; i++) { // the same client connection, kept alive
            HttpResponse<String> proxied = post(floor.port(), body);
            assertThat(proxied.statusCode()).isEqualTo(200);
            assertThat(proxied.headers().firstValue("content-type")).contains("application/json");
            assertThat(proxied.body()).isEqualTo(direct.body()).contains("\"chat.completion\"");
        }
    }

    @Test
    void aStreamArrivesWholeEventByEvent() throws Exception {
        String body = "{\"model\":\"mock-t0-e50-d0-b200\",\"messages\":[],\"stream\":true}";
        HttpResponse<String> proxied = post(floor.port(), body);
        assertThat(proxied.statusCode()).isEqualTo(200);
        assertThat(proxied.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
        // role, 50 tokens, finish, [DONE]
        assertThat(proxied.body().split("\n\n")).hasSize(53);
        assertThat(proxied.body()).isEqualTo(post(mock.port(), body).body()).endsWith("data: [DONE]\n\n");
    }

    @Test
    void aBackendThatIsNotThereClosesTheClientConnection() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        try (FloorProxy nowhere = FloorProxy.start("127.0.0.1", 0, "127.0.0.1", closedPort)) {
            assertThatThrownBy(() -> post(nowhere.port(), "{}")).isInstanceOf(IOException.class);
        }
    }

    private HttpResponse<String> post(int port, String body) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
