package io.llmrelay.server.fuzz;

import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

/**
 * A native Ollama node ({@code type: ollama}) for the fuzzed fleet, so that the routes only a node
 * serves (pull, push, create, copy, delete, blobs) are reached for real instead of answering 501.
 * It lists one model and answers every route Ollama has with a small valid answer, whatever the body:
 * what the proxy makes of a malformed request before it forwards one is what is fuzzed.
 */
final class FakeOllamaNode implements AutoCloseable {

    static final String MODEL = "node-model:latest";
    private static final String DETAILS = "{\"parent_model\":\"\",\"format\":\"gguf\",\"family\":\"llama\","
            + "\"families\":[\"llama\"],\"parameter_size\":\"1B\",\"quantization_level\":\"Q4_K_M\"}";
    private static final String TAGS = "{\"models\":[{\"name\":\"" + MODEL + "\",\"model\":\"" + MODEL + "\","
            + "\"modified_at\":\"2025-05-10T08:06:48.639712648-07:00\",\"size\":1000,\"digest\":\""
            + "a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72\",\"details\":" + DETAILS + "}]}";
    private static final String SHOW = "{\"modelfile\":\"FROM x\",\"parameters\":\"\",\"template\":\"\",\"details\":"
            + DETAILS + ",\"model_info\":{\"general.architecture\":\"llama\",\"llama.context_length\":4096},"
            + "\"capabilities\":[\"completion\",\"tools\"]}";
    private static final String CHAT = "{\"model\":\"" + MODEL + "\",\"created_at\":\"2025-05-10T15:07:01.1Z\","
            + "\"message\":{\"role\":\"assistant\",\"content\":\"hi\"},\"done\":false}\n"
            + "{\"model\":\"" + MODEL + "\",\"created_at\":\"2025-05-10T15:07:01.2Z\",\"message\":{\"role\":\"assistant\","
            + "\"content\":\"\"},\"done_reason\":\"stop\",\"done\":true,\"eval_count\":1}\n";
    private static final String GENERATE = "{\"model\":\"" + MODEL + "\",\"created_at\":\"2025-05-10T15:07:01.1Z\","
            + "\"response\":\"hi\",\"done\":true,\"done_reason\":\"stop\"}\n";

    private final MockWebServer server = new MockWebServer();

    FakeOllamaNode() throws java.io.IOException {
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                String path = request.getUrl().encodedPath();
                if (path.startsWith("/api/blobs/")) {
                    return new MockResponse.Builder().code(201).build();
                }
                return switch (path) {
                    case "/api/version" -> json("{\"version\":\"0.12.3\"}");
                    case "/api/tags" -> json(TAGS);
                    case "/api/show" -> json(SHOW);
                    case "/api/ps" -> json("{\"models\":[]}");
                    case "/api/chat" -> ndjson(CHAT);
                    case "/api/generate" -> ndjson(GENERATE);
                    case "/api/embed" -> json("{\"model\":\"" + MODEL + "\",\"embeddings\":[[0.1,0.2]]}");
                    case "/api/embeddings" -> json("{\"embedding\":[0.1,0.2]}");
                    case "/api/pull", "/api/push", "/api/create" -> ndjson("{\"status\":\"success\"}\n");
                    case "/api/copy", "/api/delete" -> new MockResponse.Builder().code(200).build();
                    case "/v1/chat/completions" -> json("{\"id\":\"c-1\",\"object\":\"chat.completion\",\"model\":\""
                            + MODEL + "\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"hi\"},"
                            + "\"finish_reason\":\"stop\"}]}");
                    case "/v1/responses" -> json("{\"id\":\"resp_1\",\"object\":\"response\",\"created_at\":1,"
                            + "\"status\":\"completed\",\"model\":\"" + MODEL + "\",\"output\":[{\"id\":\"msg_1\","
                            + "\"type\":\"message\",\"status\":\"completed\",\"role\":\"assistant\",\"content\":"
                            + "[{\"type\":\"output_text\",\"text\":\"hi\",\"annotations\":[]}]}]}");
                    default -> new MockResponse.Builder().code(404).setHeader("Content-Type", "application/json")
                            .body("{\"error\":\"404 page not found\"}").build();
                };
            }
        });
        server.start();
    }

    private static MockResponse json(String body) {
        return new MockResponse.Builder().setHeader("Content-Type", "application/json; charset=utf-8").body(body).build();
    }

    private static MockResponse ndjson(String body) {
        return new MockResponse.Builder().setHeader("Content-Type", "application/x-ndjson").body(body).build();
    }

    String url() {
        return "http://127.0.0.1:" + server.getPort();
    }

    @Override
    public void close() {
        server.close();
    }
}
