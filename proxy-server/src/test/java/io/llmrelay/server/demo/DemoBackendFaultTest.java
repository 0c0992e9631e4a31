package io.llmrelay.server.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmrelay.server.demo.WireClient.Ending;
import io.llmrelay.server.runtime.Transport;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each fault of the demo backend as the wire shows it, asked directly over a bare socket (no
 * proxy, no HTTP library): reset or clean close, the bytes before a reset, status and headers, the
 * silence of a stall, the pace of a drip, and that what a fault leaves open closes with its client.
 */
class DemoBackendFaultTest {

    private static final String REPLY =
            "Hello! This is the llm-relay demo model. You said: \"Hi\". Start llm-relay with --backend URL to talk to a real model.";
    private static final String CHAT = "{\"model\":\"demo\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
    private static final String CHAT_STREAM =
            "{\"model\":\"demo\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static EventLoopGroup loops;
    private static DemoBackend demo;

    @BeforeAll
    static void start() throws Exception {
        loops = Transport.best().newGroup(1, "test-demo-faults");
        demo = DemoBackend.start(loops, Transport.best(), "127.0.0.1", 0, Duration.ZERO);
    }

    @AfterAll
    static void stop() {
        demo.close();
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @AfterEach
    void clearFault() {
        demo.fault(FaultPlan.NONE);
        await("every connection closed", () -> demo.stats().openConnections() == 0 && demo.openStreams() == 0);
    }

    @Test
    void refuseInScopeAllResetsEachNewConnectionBeforeReadingAnything() throws IOException {
        demo.fault(FaultPlan.of(Fault.REFUSE).withScope(FaultScope.ALL));
        DemoStats before = demo.stats();
        try (WireClient client = WireClient.connect(demo.port())) {
            // the client sends nothing: the reset comes anyway
            assertThat(client.readToEnd(5_000)).isEqualTo(Ending.RESET);
            assertThat(client.bytes()).isEmpty();
        } catch (SocketException e) {
            // or it comes so soon that the client's connect, still polling for completion, sees it
            assertThat(e.getMessage()).contains("reset");
        }
        DemoStats after = demo.stats();
        assertThat(after.injected(Fault.REFUSE) - before.injected(Fault.REFUSE)).isEqualTo(1);
        assertThat(after.requests()).as("nothing was read").isEqualTo(before.requests());
    }

    @Test
    void refuseInTheDefaultScopeResetsInferenceRequestsAndServesTheModelList() throws IOException {
        demo.fault(FaultPlan.of(Fault.REFUSE));
        try (WireClient client = WireClient.connect(demo.port()).send(WireClient.get("/v1/models"))) {
            assertThat(client.readToEnd(5_000)).isEqualTo(Ending.CLEAN_CLOSE);
            assertThat(client.head()).startsWith("HTTP/1.1 200 OK");
        }
        try (WireClient client = WireClient.connect(demo.port()).send(WireClient.post("/v1/chat/completions", CHAT))) {
            assertThat(client.readToEnd(5_000)).isEqualTo(Ending.RESET);
            assertThat(client.bytes()).isEmpty();
        }
    }

    @Test
    void resetBeforeHeadersReadsTheRequestThenResetsWithoutAByte() throws IOException {
        demo.fault(FaultPlan.of(Fault.RESET_BEFORE_HEADERS));
        DemoStats before = demo.stats();
        for (String body : List.of(CHAT, CHAT_STREAM)) {
            try (WireClient client = WireClient.connect(demo.port()).send(WireClient.post("/v1/chat/completions", body))) {
                assertThat(client.readToEnd(5_000)).isEqualTo(Ending.RESET);
                assertThat(client.bytes()).isEmpty();
            }
        }
        DemoStats after = demo.stats();
        assertThat(after.inferenceRequests() - before.inferenceRequests()).as("read").isEqualTo(2);
        assertThat(after.injected(Fault.RESET_BEFORE_HEADERS) - before.injected(Fault.RESET_BEFORE_HEADERS)).isEqualTo(2);
    }

    @Test
    void resetMidStreamSendsThreeEventsThenResets() throws IOException {
        demo.fault(FaultPlan.of(Fault.RESET_MID_STREAM));
        try (WireClient client = WireClient.connect(demo.port()).send(WireClient.post("/v1/chat/completions", CHAT_STREAM))) {
            assertThat(client.readToEnd(5_000)).isEqualTo(Ending.RESET);
            assertThat(client.head().toLowerCase()).startsWith("http/1.1 200 ok")
                    .contains("content-type: text/event-stream").contains("transfer-encoding: chunked");
            List<String> events = events(client.dechunkedBody());
            assertThat(events).hasSize(DemoStream.EVENTS_BEFORE_FAULT);
            assertThat(content(events)).isEqualTo("Hello! This is ");
            assertThat(client.text()).doesNotContain("[DONE]").doesNotContain("finish_reason\":\"stop");
        }
    }

    @Test
    void resetMidStreamCutsAWholeAnswerInHalf() throws IOException {
        demo.fault(FaultPlan.of(Fault.RESET_MID_STREAM));
        try (WireClient client = WireClient.connect(demo.port()).send(WireClient.post("/v1/chat/completions", CHAT))) {
            assertThat(client.readToEnd(5_000)).isEqualTo(Ending.RESET);
            int length = contentLength(client.head());
            assertThat(client.head()).startsWith("HTTP/1.1 200 OK");
            assertThat(client.rawBody()).hasSize(length / 2);
        }
    }

    @Test
    void stallBeforeFirstByteSendsNothingUntilTheClientGivesUp() throws IOException {
        demo.fault(FaultPlan.of(Fault.STALL_BEFORE_FIRST_BYTE));
        try (WireClient client = WireClient.connect(demo.port()).send(WireClient.post("/v1/chat/completions", CHAT_STREAM))) {
            assertThat(client.readToEnd(300)).isEqualTo(Ending.TIMEOUT);
            assertThat(client.bytes()).isEmpty();
            assertThat(demo.stats().openConnections()).as("held open").isEqualTo(1);
        }
        await("the stalled connection closed with its client", () -> demo.stats().openConnections() == 0);
    }

    @Test
    void stallMidStreamSendsThreeEventsThenNothingWhileTheStreamStaysOpen() throws IOException {
        demo.fault(FaultPlan.of(Fault.STALL_MID_STREAM));
        try (WireClient client = WireClient.connect(demo.port()).send(WireClient.post("/v1/chat/completions", CHAT_STREAM))) {
            client.readUntil("\n\n", DemoStream.EVENTS_BEFORE_FAULT);
            assertThat(client.readToEnd(300)).isEqualTo(Ending.TIMEOUT);
            assertThat(events(client.dechunkedBody())).hasSize(DemoStream.EVENTS_BEFORE_FAULT);
            assertThat(client.text()).doesNotContain("[DONE]");
            assertThat(demo.openStreams()).isEqualTo(1);
        }
        await("the stalled stream ended with its client", () -> demo.openStreams() == 0);
    }

    @Test
    void stallMidStreamSendsHalfAWholeAnswer() throws IOException {
        demo.fault(FaultPlan.of(Fault.STALL_MID_STREAM));
        try (WireClient client = WireClient.connect(demo.port()).send(WireClient.post("/v1/chat/completions", CHAT))) {
            client.readUntil("\r\n\r\n", 1);
            int length = contentLength(client.head());
            client.readBytes(client.head().length() + 2 + length / 2 - client.bytes().length);
            assertThat(client.readToEnd(300)).isEqualTo(Ending.TIMEOUT);
            assertThat(client.rawBody()).hasSize(length / 2);
        }
    }

    @Test
    void malformedSseSendsOneEventThatIsNotJsonAmongTheRest() throws IOException {
        demo.fault(FaultPlan.of(Fault.MALFORMED_SSE));
        try (WireClient client = WireClient.connect(demo.port()).send(WireClient.post("/v1/chat/completions", CHAT_STREAM))) {
            assertThat(client.readToEnd(5_000)).isEqualTo(Ending.CLEAN_CLOSE);
            List<String> events = events(client.dechunkedBody());
            assertThat(events.get(events.size() - 1)).isEqualTo("data: [DONE]");
            List<Integer> broken = new ArrayList<>();
            List<String> whole = new ArrayList<>();
            for (int i = 0; i < events.size() - 1; i++) {
                assertThat(events.get(i)).startsWith("data: {");
                if (isJson(events.get(i).substring(6))) {
                    whole.add(events.get(i));
                } else {
                    broken.add(i);
                }
            }
            assertThat(broken).containsExactly(DemoStream.EVENTS_BEFORE_FAULT);
            assertThat(content(whole)).as("the rest comes whole").isEqualTo(REPLY);
            assertThat(whole.get(whole.size() - 1)).contains("\"finish_reason\":\"stop\"");
        }
    }

    @Test
    void malformedSseGivesAWholeAnswerThatIsCutJson() throws IOException {
        demo.fault(FaultPlan.of(Fault.MALFORMED_SSE));
        try (WireClient client = WireClient.connect(demo.port()).send(WireClient.post("/v1/chat/completions", CHAT))) {
            assertThat(client.readToEnd(5_000)).isEqualTo(Ending.CLEAN_CLOSE);
            assertThat(client.head()).startsWith("HTTP/1.1 200 OK");
            assertThat(client.rawBody()).hasSize(contentLength(client.head()));
            String body = new String(client.rawBody(), StandardCharsets.UTF_8);
            assertThat(body).startsWith("{\"id\":\"chatcmpl-");
            assertThat(isJson(body)).isFalse();
        }
    }

    @Test
    void oversizeEventStreamsOneEventOf32MiBThenTheRest() throws IOException {
        demo.fault(FaultPlan.of(Fault.OVERSIZE_EVENT));
        try (WireClient client = WireClient.connect(demo.port()).send(WireClient.post("/v1/chat/completions", CHAT_STREAM))) {
            assertThat(client.readToEnd(10_000)).isEqualTo(Ending.CLEAN_CLOSE);
            List<String> events = events(client.dechunkedBody());
            String huge = events.get(DemoStream.EVENTS_BEFORE_FAULT);
            String open = "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"";
            String close = "\"},\"finish_reason\":null}]}";
            assertThat(huge).startsWith("data: {\"id\":\"chatcmpl-").contains(open).endsWith(close);
            String text = huge.substring(huge.indexOf(open) + open.length(), huge.length() - close.length());
            assertThat(text.length()).isEqualTo(FaultPlan.DEFAULT_OVERSIZE_BYTES);
            assertThat(text.chars().allMatch(c -> c == 'x')).isTrue();
            List<String> rest = new ArrayList<>(events.subList(0, events.size() - 1));
            rest.remove(DemoStream.EVENTS_BEFORE_FAULT);
            assertThat(content(rest)).isEqualTo(REPLY);
            assertThat(events.get(events.size() - 1)).isEqualTo("data: [DONE]");
        }
    }

    @Test
    void oversizeEventPadsAWholeAnswerAndKeepsItJson() throws IOException {
        long size = 1 << 20;
        demo.fault(FaultPlan.of(Fault.OVERSIZE_EVENT).withOversizeBytes(size));
        try (WireClient client = WireClient.connect(demo.port()).send(WireClient.post("/v1/chat/completions", CHAT))) {
            assertThat(client.readToEnd(5_000)).isEqualTo(Ending.CLEAN_CLOSE);
            assertThat(client.rawBody()).hasSize(contentLength(client.head()));
            JsonNode answer = MAPPER.readTree(client.rawBody());
            assertThat(answer.get("padding").asText()).hasSize((int) size);
            assertThat(answer.get("choices").get(0).get("message").get("content").asText()).isEqualTo(REPLY);
        }
    }

    @ParameterizedTest
    @CsvSource({"500, HTTP/1.1 500 Internal Server Error, server_error, ",
            "429, HTTP/1.1 429 Too Many Requests, requests, 2",
            "503, HTTP/1.1 503 Service Unavailable, server_error, 2"})
    void errorStatusesComeWithAnOpenAiBodyAndRetryAfter(String mode, String statusLine, String type, String retryAfter)
            throws IOException {
        demo.fault(FaultPlan.of(Fault.parse(mode)));
        for (String request : List.of(CHAT, CHAT_STREAM)) {
            try (WireClient client = WireClient.connect(demo.port()).send(WireClient.post("/v1/chat/completions", request))) {
                assertThat(client.readToEnd(5_000)).isEqualTo(Ending.CLEAN_CLOSE);
                String head = client.head().toLowerCase();
                assertThat(client.head()).startsWith(statusLine);
                assertThat(head).contains("content-type: application/json");
                if (retryAfter == null) {
                    assertThat(head).doesNotContain("retry-after");
                } else {
                    assertThat(head).contains("retry-after: " + retryAfter + "\r\n");
                }
                JsonNode error = MAPPER.readTree(client.rawBody()).get("error");
                assertThat(error.get("type").asText()).isEqualTo(type);
                assertThat(error.get("message").asText()).contains("fault " + mode);
            }
        }
    }

    @Test
    void retryAfterIsConfigurable() throws IOException {
        demo.fault(FaultPlan.of(Fault.STATUS_429).withRetryAfterSeconds(7));
        try (WireClient client = WireClient.connect(demo.port()).send(WireClient.post("/v1/embeddings",
                "{\"model\":\"demo-embed\",\"input\":\"x\"}"))) {
            assertThat(client.readToEnd(5_000)).isEqualTo(Ending.CLEAN_CLOSE);
            assertThat(client.head()).startsWith("HTTP/1.1 429 ");
            assertThat(client.head().toLowerCase()).contains("retry-after: 7\r\n");
        }
    }

    @Test
    void slowDripSendsTheHeadAtOnceThenOneByteEachInterval() throws IOException {
        Duration drip = Duration.ofMillis(1);
        demo.fault(FaultPlan.of(Fault.SLOW_DRIP).withDrip(drip));
        String oneToken = "{\"model\":\"demo\",\"stream\":true,\"max_tokens\":1,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
        try (WireClient client = WireClient.connect(demo.port()).send(WireClient.post("/v1/chat/completions", oneToken))) {
            client.readUntil("\r\n\r\n", 1);
            assertThat(client.head().toLowerCase()).startsWith("http/1.1 200 ok").contains("text/event-stream");
            long started = System.nanoTime();
            assertThat(client.readToEnd(5_000)).isEqualTo(Ending.CLEAN_CLOSE);
            long took = System.nanoTime() - started;
            String raw = new String(client.rawBody(), StandardCharsets.ISO_8859_1);
            assertThat(Pattern.compile("(1\r\n.\r\n)+0\r\n\r\n", Pattern.DOTALL).matcher(raw).matches())
                    .as("every chunk is one byte").isTrue();
            String body = client.dechunkedBody();
            List<String> events = events(body);
            assertThat(events).hasSize(3).last().isEqualTo("data: [DONE]");
            assertThat(content(events.subList(0, 2))).isEqualTo("Hello! ");
            // the first byte goes at once, every other one an interval later
            assertThat(took).isGreaterThanOrEqualTo((body.length() - 2) * drip.toNanos());
        }
    }

    @Test
    void aDripStopsWhenItsClientLeaves() throws IOException {
        demo.fault(FaultPlan.of(Fault.SLOW_DRIP).withDrip(Duration.ofMillis(50)));
        try (WireClient client = WireClient.connect(demo.port()).send(WireClient.post("/v1/chat/completions", CHAT_STREAM))) {
            client.readUntil("1\r\nd\r\n", 1);
            assertThat(demo.openStreams()).isEqualTo(1);
        }
        await("the drip stopped", () -> demo.openStreams() == 0);
    }

    @Test
    void wrongContentTypeAnswersAStreamWithAnHtmlPage() throws IOException {
        demo.fault(FaultPlan.of(Fault.WRONG_CONTENT_TYPE));
        try (WireClient client = WireClient.connect(demo.port()).send(WireClient.post("/v1/chat/completions", CHAT_STREAM))) {
            assertThat(client.readToEnd(5_000)).isEqualTo(Ending.CLEAN_CLOSE);
            assertThat(client.head()).startsWith("HTTP/1.1 200 OK");
            assertThat(client.head().toLowerCase()).contains("content-type: text/html; charset=utf-8")
                    .doesNotContain("event-stream");
            assertThat(client.rawBody()).hasSize(contentLength(client.head()));
            assertThat(new String(client.rawBody(), StandardCharsets.UTF_8)).startsWith("<!DOCTYPE html>");
        }
    }

    @ParameterizedTest
    @EnumSource(Fault.class)
    void noFaultTouchesTheModelListInTheDefaultScope(Fault mode) throws IOException {
        demo.fault(FaultPlan.of(mode).withDrip(Duration.ofMillis(1)));
        try (WireClient client = WireClient.connect(demo.port()).send(WireClient.get("/v1/models"))) {
            assertThat(client.readToEnd(5_000)).isEqualTo(Ending.CLEAN_CLOSE);
            assertThat(client.head()).startsWith("HTTP/1.1 200 OK");
            assertThat(MAPPER.readTree(client.rawBody()).get("data").get(0).get("id").asText()).isEqualTo("demo");
        }
    }

    @Test
    void aRequestTheDemoWouldRefuseGetsItsUsualErrorNotAFault() throws IOException {
        demo.fault(FaultPlan.of(Fault.RESET_BEFORE_HEADERS));
        try (WireClient client = WireClient.connect(demo.port()).send(WireClient.post("/v1/chat/completions",
                "{\"model\":\"nope\",\"messages\":[]}"))) {
            assertThat(client.readToEnd(5_000)).isEqualTo(Ending.CLEAN_CLOSE);
            assertThat(client.head()).startsWith("HTTP/1.1 404 Not Found");
        }
    }

    // ---- helpers

    /** The SSE events of a body, without their blank-line ends. */
    private static List<String> events(String body) {
        List<String> out = new ArrayList<>();
        for (String e : body.split("\n\n")) {
            if (!e.isEmpty()) {
                out.add(e);
            }
        }
        return out;
    }

    /** The text the chat events carry, in order ({@code [DONE]} and others without content skipped). */
    private static String content(List<String> events) throws IOException {
        StringBuilder text = new StringBuilder();
        for (String e : events) {
            if (e.equals("data: [DONE]")) {
                continue;
            }
            JsonNode choices = MAPPER.readTree(e.substring("data: ".length())).get("choices");
            if (choices.size() > 0) {
                text.append(choices.get(0).path("delta").path("content").asText(""));
            }
        }
        return text.toString();
    }

    private static boolean isJson(String text) {
        try {
            MAPPER.readTree(text);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                return Integer.parseInt(line.substring("content-length:".length()).trim());
            }
        }
        return fail("no content-length in " + head);
    }

    /** Waits (up to 5 s) for something the event loop does after the client's side is done. */
    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting: " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }
}
