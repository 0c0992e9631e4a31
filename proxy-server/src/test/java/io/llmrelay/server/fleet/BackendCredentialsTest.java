package io.llmrelay.server.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrelay.server.testing.EchoAnswers;
import io.llmrelay.server.testing.RelayHarness;
import io.llmrelay.server.testing.ScriptedBackend;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.llmrelay.testing.SeenSecrets;

/**
 * What each backend receives of credentials, on every path that builds a backend request: a backend
 * with {@code api_key_env} exactly its own {@code Authorization: Bearer}, one without none, one with
 * {@code pass_client_auth} the client's own; a client's {@code x-api-key} never. Paths: translated
 * Ollama routes, OpenAI pass-through, an Ollama node's pass-through, model management, and the
 * proxy's own reads.
 */
class BackendCredentialsTest {

    static final String BACKEND_KEY = "sk-backend-4411";
    static final String CLIENT_AUTH = "Bearer client-token-8812";
    static final String CLIENT_X_KEY = "client-x-key-3307";

    @TempDir
    Path dir;

    private final List<ScriptedBackend> backends = new ArrayList<>();
    private final List<OllamaNode> nodes = new ArrayList<>();
    private RelayHarness relay;

    /** An Ollama node serving one model, recording every request it receives. */
    static final class OllamaNode implements AutoCloseable {
        final MockWebServer server = new MockWebServer();
        final ConcurrentLinkedQueue<RecordedRequest> received = new ConcurrentLinkedQueue<>();

        OllamaNode(String model) throws IOException {
            String tags = OllamaNodeTest.TAGS.replace("llama3.2:latest", model);
            server.setDispatcher(new Dispatcher() {
                @Override
                public MockResponse dispatch(RecordedRequest request) {
                    received.add(request);
                    String ndjson = "application/x-ndjson";
                    return switch (request.getTarget()) {
                        case "/api/version" -> json("{\"version\":\"0.12.3\"}");
                        case "/api/tags" -> json(tags);
                        case "/api/show" -> json(OllamaNodeTest.SHOW);
                        case "/api/chat" -> new MockResponse.Builder().setHeader("Content-Type", ndjson)
                                .body(OllamaNodeTest.CHAT_STREAM).build();
                        case "/api/pull" -> new MockResponse.Builder().setHeader("Content-Type", ndjson)
                                .body("{\"status\":\"success\"}\n").build();
                        default -> new MockResponse.Builder().code(404).body("{\"error\":\"not found\"}").build();
                    };
                }
            });
            server.start();
        }

        private static MockResponse json(String body) {
            return new MockResponse.Builder().setHeader("Content-Type", "application/json").body(body).build();
        }

        String url() {
            return "http://127.0.0.1:" + server.getPort();
        }

        /** The requests that reached {@code path}, taken. */
        List<RecordedRequest> take(String path) {
            List<RecordedRequest> out = new ArrayList<>();
            received.removeIf(r -> r.getTarget().equals(path) && out.add(r));
            return out;
        }

        @Override
        public void close() {
            server.close();
        }
    }

    private ScriptedBackend backend(String model) throws IOException {
        ScriptedBackend b = new ScriptedBackend();
        b.models("{\"object\":\"list\",\"data\":[{\"id\":\"" + model + "\",\"object\":\"model\",\"created\":1,"
                + "\"owned_by\":\"t\"}]}");
        b.answerAll(EchoAnswers.as(model));
        backends.add(b);
        return b;
    }

    private OllamaNode node(String model) throws IOException {
        OllamaNode n = new OllamaNode(model);
        nodes.add(n);
        return n;
    }

    private ScriptedBackend keyed;
    private ScriptedBackend plain;
    private ScriptedBackend passing;
    private OllamaNode node;
    private OllamaNode passingNode;

    @BeforeEach
    void start() throws Exception {
        keyed = backend("m-keyed");
        plain = backend("m-plain");
        passing = backend("m-pass");
        node = node("llama3.2:latest");
        passingNode = node("qwen-node:latest");
    }

    private RelayHarness relay(String extra, Map<String, String> env) throws Exception {
        relay = RelayHarness.fromYaml(dir, """
                backends:
                  - name: keyed
                    url: %s
                    api_key_env: KEYED_KEY
                  - name: plain
                    url: %s
                  - name: passing
                    url: %s
                    pass_client_auth: true
                  - name: node
                    type: ollama
                    url: %s
                  - name: passing-node
                    type: ollama
                    url: %s
                    pass_client_auth: true
                %s""".formatted(keyed.baseUrl(), plain.baseUrl(), passing.baseUrl(), node.url(), passingNode.url(),
                extra), env).awaitReady();
        return relay;
    }

    @AfterEach
    void stop() {
        if (relay != null) {
            relay.close();
        }
        backends.forEach(ScriptedBackend::close);
        nodes.forEach(OllamaNode::close);
    }

    private int call(String path, String json, String... headers) throws IOException {
        Request.Builder r = new Request.Builder().url(relay.url(path)).post(RequestBody.create(json, RelayHarness.JSON));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            r.addHeader(headers[i], headers[i + 1]);
        }
        try (Response response = relay.http.newCall(r.build()).execute()) {
            response.body().string();
            return response.code();
        }
    }

    private int withClientCredentials(String path, String json, String... more) throws IOException {
        List<String> headers = new ArrayList<>(List.of("Authorization", CLIENT_AUTH, "x-api-key", CLIENT_X_KEY));
        headers.addAll(List.of(more));
        return call(path, json, headers.toArray(String[]::new));
    }

    private static String ollamaChat(String model) {
        return "{\"model\":\"" + model + "\",\"stream\":false,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    }

    private static String openAiChat(String model) {
        return "{\"model\":\"" + model + "\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    }

    /** What a backend received of credentials: its Authorization (null: none) and whether any x-api-key came. */
    private static void assertCredentials(RecordedRequest r, String authorization) {
        assertThat(r.getHeaders().get("Authorization")).as(r.getTarget()).isEqualTo(authorization);
        assertThat(r.getHeaders().values("Authorization")).as(r.getTarget()).hasSizeLessThanOrEqualTo(1);
        assertThat(r.getHeaders().get("x-api-key")).as(r.getTarget()).isNull();
        assertThat(r.getHeaders().toString()).doesNotContain(CLIENT_X_KEY);
    }

    @Test
    void translatedRoutesSendEachBackendItsOwnKeyOrNothingOrTheClientsWhenItAsks() throws Exception {
        relay("", Map.of("KEYED_KEY", SeenSecrets.key(BACKEND_KEY)));
        assertThat(withClientCredentials("/api/chat", ollamaChat("m-keyed"))).isEqualTo(200);
        assertCredentials(keyed.takeRequest(), "Bearer " + BACKEND_KEY);
        assertThat(withClientCredentials("/api/chat", ollamaChat("m-plain"))).isEqualTo(200);
        assertCredentials(plain.takeRequest(), null);
        assertThat(withClientCredentials("/api/chat", ollamaChat("m-pass"))).isEqualTo(200);
        assertCredentials(passing.takeRequest(), CLIENT_AUTH);
        assertThat(withClientCredentials("/api/embed", "{\"model\":\"m-plain\",\"input\":\"x\"}")).isEqualTo(200);
        assertCredentials(plain.takeRequest(), null);
        assertThat(withClientCredentials("/api/embed", "{\"model\":\"m-pass\",\"input\":\"x\"}")).isEqualTo(200);
        assertCredentials(passing.takeRequest(), CLIENT_AUTH);
    }

    @Test
    void theOpenAiPassThroughDropsTheClientsCredentialsUnlessTheBackendAsks() throws Exception {
        relay("", Map.of("KEYED_KEY", SeenSecrets.key(BACKEND_KEY)));
        assertThat(withClientCredentials("/v1/chat/completions", openAiChat("m-keyed"))).isEqualTo(200);
        assertCredentials(keyed.takeRequest(), "Bearer " + BACKEND_KEY);
        assertThat(withClientCredentials("/v1/chat/completions", openAiChat("m-plain"))).isEqualTo(200);
        assertCredentials(plain.takeRequest(), null);
        assertThat(withClientCredentials("/v1/chat/completions", openAiChat("m-pass"))).isEqualTo(200);
        assertCredentials(passing.takeRequest(), CLIENT_AUTH);
        // only x-api-key: nothing at all reaches a backend that passes the client's Authorization
        assertThat(call("/v1/embeddings", "{\"model\":\"m-pass\",\"input\":\"x\"}", "x-api-key", CLIENT_X_KEY))
                .isEqualTo(200);
        assertCredentials(passing.takeRequest(), null);
    }

    @Test
    void ollamaNodesAndModelManagementFollowTheSameRule() throws Exception {
        relay("", Map.of("KEYED_KEY", SeenSecrets.key(BACKEND_KEY)));
        assertThat(withClientCredentials("/api/chat", ollamaChat("llama3.2"))).isEqualTo(200);
        assertThat(node.take("/api/chat")).singleElement().satisfies(r -> assertCredentials(r, null));
        assertThat(withClientCredentials("/api/chat", ollamaChat("qwen-node"))).isEqualTo(200);
        assertThat(passingNode.take("/api/chat")).singleElement().satisfies(r -> assertCredentials(r, CLIENT_AUTH));

        assertThat(withClientCredentials("/api/pull", "{\"model\":\"llama3.2\",\"stream\":false}")).isEqualTo(200);
        assertThat(node.take("/api/pull")).singleElement().satisfies(r -> assertCredentials(r, null));
        assertThat(withClientCredentials("/api/pull", "{\"model\":\"new-model\",\"stream\":false}",
                "X-Relay-Backend", "passing-node")).isEqualTo(200);
        assertThat(passingNode.take("/api/pull")).singleElement().satisfies(r -> assertCredentials(r, CLIENT_AUTH));

        // the proxy's own reads (probes, lists, shows) never carry a client's credentials
        assertThat(passingNode.received).isNotEmpty().allSatisfy(r -> assertCredentials(r, null));
        assertThat(node.received).isNotEmpty().allSatisfy(r -> assertCredentials(r, null));
    }

    @Test
    void withClientKeysThePassingBackendReceivesTheRelayKeyTheClientSentAndNoOtherBackendDoes() throws Exception {
        String relayKey = "relay-key-5150";
        relay("auth: {keys_env: RELAY_API_KEYS}\n", Map.of("KEYED_KEY", SeenSecrets.key(BACKEND_KEY), "RELAY_API_KEYS", SeenSecrets.keyPairs("team=" + relayKey)));
        assertThat(call("/api/chat", ollamaChat("m-plain"), "x-api-key", relayKey)).isEqualTo(200);
        assertCredentials(plain.takeRequest(), null);
        assertThat(call("/v1/chat/completions", openAiChat("m-keyed"), "Authorization", "Bearer " + relayKey))
                .isEqualTo(200);
        assertCredentials(keyed.takeRequest(), "Bearer " + BACKEND_KEY);
        assertThat(call("/v1/chat/completions", openAiChat("m-pass"), "Authorization", "Bearer " + relayKey))
                .isEqualTo(200);
        assertCredentials(passing.takeRequest(), "Bearer " + relayKey);
    }
}
