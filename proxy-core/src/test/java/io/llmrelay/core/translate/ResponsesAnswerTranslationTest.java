package io.llmrelay.core.translate;

import static io.llmrelay.core.translate.TestJson.json;
import static io.llmrelay.core.translate.TestJson.q;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrelay.core.api.Clocks;
import io.llmrelay.core.api.ExchangeTimes;
import io.llmrelay.core.api.RelayException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** OpenAI chat streams (and whole completions) into OpenAI Responses events or one response object. */
class ResponsesAnswerTranslationTest {

    private static final Instant NOW = Instant.parse("2025-07-07T20:22:19Z");
    private final Clocks clocks = new Clocks(Clock.fixed(NOW, ZoneOffset.UTC), () -> 1_000L);

    // ---------------------------------------------------------------- backend answers

    private static final String[] THINKING_THEN_TEXT = {
        "{'id':'chatcmpl-1','object':'chat.completion.chunk','model':'Qwen/Qwen3-8B',"
                + "'choices':[{'index':0,'delta':{'role':'assistant','content':''},'finish_reason':null}]}",
        "{'choices':[{'index':0,'delta':{'reasoning_content':'Think'},'finish_reason':null}]}",
        "{'choices':[{'index':0,'delta':{'reasoning_content':'ing.'},'finish_reason':null}]}",
        "{'choices':[{'index':0,'delta':{'content':'H\u00e9l'},'finish_reason':null}]}",
        "{'choices':[{'index':0,'delta':{'content':'lo\\n\u2713 \\'q\\''},'finish_reason':null}]}",
        "{'choices':[{'index':0,'delta':{},'finish_reason':'stop'}]}",
        "{'choices':[],'usage':{'prompt_tokens':26,'total_tokens':30,'completion_tokens':4}}",
    };

    /** Two calls one after the other, each one's arguments in fragments, as vLLM and OpenAI send them. */
    private static final String[] SEQUENTIAL_CALLS = {
        "{'choices':[{'index':0,'delta':{'role':'assistant','content':null,'tool_calls':[{'index':0,'id':'call_a',"
                + "'type':'function','function':{'name':'get_weather','arguments':''}}]}}]}",
        "{'choices':[{'index':0,'delta':{'tool_calls':[{'index':0,'function':{'arguments':'{\\'city\\':'}}]}}]}",
        "{'choices':[{'index':0,'delta':{'tool_calls':[{'index':0,'function':{'arguments':' \\'Paris\\'}'}}]}}]}",
        "{'choices':[{'index':0,'delta':{'tool_calls':[{'index':1,'id':'call_b','type':'function',"
                + "'function':{'name':'get_time','arguments':'{\\'tz\\''}}]}}]}",
        "{'choices':[{'index':0,'delta':{'tool_calls':[{'index':1,'function':{'arguments':': \\'CET\\'}'}}]}}]}",
        "{'choices':[{'index':0,'delta':{},'finish_reason':'tool_calls'}]}",
        "{'choices':[],'usage':{'prompt_tokens':80,'completion_tokens':21}}",
    };

    /** Two calls whose fragments interleave by index: the second must wait for the first to end. */
    private static final String[] INTERLEAVED_CALLS = {
        "{'choices':[{'index':0,'delta':{'tool_calls':[{'index':0,'id':'call_abc','type':'function',"
                + "'function':{'name':'get_weather','arguments':''}}]}}]}",
        "{'choices':[{'index':0,'delta':{'tool_calls':[{'index':0,'function':{'arguments':'{\\'city\\': '}}]}}]}",
        "{'choices':[{'index':0,'delta':{'tool_calls':[{'index':1,'id':'call_def','type':'function',"
                + "'function':{'name':'get_time','arguments':'{\\'tz\\''}}]}}]}",
        "{'choices':[{'index':0,'delta':{'tool_calls':[{'index':0,'function':{'arguments':'\\'Tokyo\\'}'}}]}}]}",
        "{'choices':[{'index':0,'delta':{'tool_calls':[{'index':1,'function':{'arguments':':\\'JST\\'}'}}]}}]}",
        "{'choices':[{'index':0,'delta':{},'finish_reason':'tool_calls'}]}",
    };

    private static final String[] TEXT_THEN_CALL = {
        "{'choices':[{'index':0,'delta':{'role':'assistant','content':'Let me check.'}}]}",
        "{'choices':[{'index':0,'delta':{'tool_calls':[{'index':0,'id':'call_1','type':'function',"
                + "'function':{'name':'lookup','arguments':'{}'}}]}}]}",
        "{'choices':[{'index':0,'delta':{},'finish_reason':'tool_calls'}],'usage':{'prompt_tokens':9,'completion_tokens':5}}",
    };

    private static final String REQUEST = "{'model':'qwen3','input':'Hi','instructions':'Be brief.'";

    // ---------------------------------------------------------------- streaming

    @Test
    void thinkingThenTextStreamsAReasoningItemThenAMessageThenTheWholeResponse() {
        ResponsesStream s = ResponsesStream.read(run(request(",'stream':true"), "text/event-stream", sse(THINKING_THEN_TEXT)));
        assertThat(s.types()).containsExactly(
                "response.created", "response.in_progress",
                "response.output_item.added", "response.reasoning_summary_part.added",
                "response.reasoning_summary_text.delta", "response.reasoning_summary_text.delta",
                "response.reasoning_summary_text.done", "response.reasoning_summary_part.done",
                "response.output_item.done",
                "response.output_item.added", "response.content_part.added",
                "response.output_text.delta", "response.output_text.delta",
                "response.output_text.done", "response.content_part.done", "response.output_item.done",
                "response.completed");
        assertThat(s.deltas("response.reasoning_summary_text.delta")).isEqualTo("Thinking.");
        assertThat(s.deltas("response.output_text.delta")).isEqualTo("H\u00e9llo\n\u2713 \"q\"");
        for (int i = 0; i < s.events.size(); i++) {
            assertThat(s.events.get(i).data().get("sequence_number").asInt()).isEqualTo(i);
        }
        JsonNode created = s.events.get(0).data().get("response");
        assertThat(created.get("status").asText()).isEqualTo("in_progress");
        assertThat(created.get("usage").isNull()).isTrue();

        JsonNode r = s.last;
        assertThat(r.get("id").asText()).isEqualTo("resp_test");
        assertThat(r.get("object").asText()).isEqualTo("response");
        assertThat(r.get("created_at").asLong()).isEqualTo(NOW.getEpochSecond());
        assertThat(r.get("completed_at").asLong()).isEqualTo(NOW.getEpochSecond());
        assertThat(r.get("status").asText()).isEqualTo("completed");
        assertThat(r.get("model").asText()).isEqualTo("qwen3"); // the client's name, not the backend's
        assertThat(r.get("error").isNull()).isTrue();
        assertThat(r.get("incomplete_details").isNull()).isTrue();
        assertThat(r.get("output")).isEqualTo(json("[{'id':'rs_test_0','type':'reasoning','summary':"
                + "[{'type':'summary_text','text':'Thinking.'}]},"
                + "{'id':'msg_test_1','type':'message','status':'completed','role':'assistant','content':"
                + "[{'type':'output_text','text':'H\u00e9llo\\n\u2713 \\'q\\'','annotations':[],'logprobs':[]}]}]"));
        assertThat(r.get("usage")).isEqualTo(json("{'input_tokens':26,'input_tokens_details':{'cache_write_tokens':0,"
                + "'cached_tokens':0},'output_tokens':4,'output_tokens_details':{'reasoning_tokens':0},'total_tokens':30}"));
        // the request's settings, repeated as OpenAI does
        assertThat(r.get("instructions").asText()).isEqualTo("Be brief.");
        assertThat(r.get("tools")).isEqualTo(json("[]"));
        assertThat(r.get("tool_choice").asText()).isEqualTo("auto");
        assertThat(r.get("text")).isEqualTo(json("{'format':{'type':'text'}}"));
        assertThat(r.get("parallel_tool_calls").asBoolean()).isTrue();
        assertThat(r.get("store").asBoolean()).isFalse();
        assertThat(r.get("previous_response_id").isNull()).isTrue();
    }

    @Test
    void eachEventIsWrittenAsItsBackendEventArrives() {
        ChatAnswerTranslator t = translator(request(",'stream':true"));
        t.onHead("text/event-stream");
        CollectingOutput out = new CollectingOutput();
        byte[] first = sse(THINKING_THEN_TEXT[1]);
        int withoutBlankLine = first.length - "data: [DONE]\n\n".length() - 1;
        CollectingOutput.feed(t, out, first, 0, withoutBlankLine);
        assertThat(out.writes).isEmpty();
        CollectingOutput.feed(t, out, first, withoutBlankLine, withoutBlankLine + 1);
        assertThat(out.writes).hasSize(1); // one buffer: created, in_progress, the item, its part, the delta
        assertThat(out.text()).startsWith("event: response.created\ndata: {\"type\":\"response.created\",\"sequence_number\":0,")
                .endsWith("event: response.reasoning_summary_text.delta\ndata: {\"type\":\"response.reasoning_summary_text.delta\","
                        + "\"sequence_number\":4,\"item_id\":\"rs_test_0\",\"output_index\":0,\"summary_index\":0,"
                        + "\"delta\":\"Think\"}\n\n");
    }

    @Test
    void sameOutputWhereverTheBodyIsCut() {
        for (String[] events : List.of(THINKING_THEN_TEXT, SEQUENTIAL_CALLS, INTERLEAVED_CALLS, TEXT_THEN_CALL)) {
            for (String extra : new String[] {",'stream':true", ""}) {
                ResponsesRequest request = request(extra);
                byte[] body = sse(events);
                String whole = run(request, "text/event-stream", body);
                for (int cut = 0; cut <= body.length; cut++) {
                    assertThat(run(request, "text/event-stream", body, cut)).as("cut at %d", cut).isEqualTo(whole);
                }
                int[] everyByte = new int[body.length - 1];
                for (int i = 0; i < everyByte.length; i++) {
                    everyByte[i] = i + 1;
                }
                assertThat(run(request, "text/event-stream", body, everyByte)).isEqualTo(whole);
            }
        }
    }

    @Test
    void sequentialToolCallsStreamTheirArgumentFragmentsAsTheyArrive() {
        ResponsesStream s = ResponsesStream.read(run(request(",'stream':true"), "text/event-stream", sse(SEQUENTIAL_CALLS)));
        assertThat(s.types()).containsExactly(
                "response.created", "response.in_progress",
                "response.output_item.added",
                "response.function_call_arguments.delta", "response.function_call_arguments.delta",
                "response.function_call_arguments.done", "response.output_item.done",
                "response.output_item.added",
                "response.function_call_arguments.delta", "response.function_call_arguments.delta",
                "response.function_call_arguments.done", "response.output_item.done",
                "response.completed");
        List<String> fragments = s.events.stream().filter(e -> e.type().equals("response.function_call_arguments.delta"))
                .map(e -> e.data().get("delta").asText()).toList();
        assertThat(fragments).containsExactly("{\"city\":", " \"Paris\"}", "{\"tz\"", ": \"CET\"}");
        assertThat(s.events.get(2).data().get("item")).isEqualTo(json("{'id':'fc_test_0','type':'function_call',"
                + "'status':'in_progress','call_id':'call_a','name':'get_weather','arguments':''}"));
        assertThat(s.last.get("output")).isEqualTo(json("[{'id':'fc_test_0','type':'function_call','status':'completed',"
                + "'call_id':'call_a','name':'get_weather','arguments':'{\\'city\\': \\'Paris\\'}'},"
                + "{'id':'fc_test_1','type':'function_call','status':'completed','call_id':'call_b','name':'get_time',"
                + "'arguments':'{\\'tz\\': \\'CET\\'}'}]"));
    }

    @Test
    void theFirstCallsFragmentIsWrittenBeforeTheNextOneArrives() {
        ChatAnswerTranslator t = translator(request(",'stream':true"));
        t.onHead("text/event-stream");
        CollectingOutput out = new CollectingOutput();
        for (int i = 0; i < 2; i++) {
            byte[] event = ("data: " + q(SEQUENTIAL_CALLS[i]) + "\n\n").getBytes(StandardCharsets.UTF_8);
            CollectingOutput.feed(t, out, event, 0, event.length);
        }
        assertThat(out.text()).endsWith("\"delta\":\"{\\\"city\\\":\"}\n\n");
    }

    @Test
    void aCallInterleavedWithTheOpenOneWaitsUntilTheOpenOneEnds() {
        ResponsesStream s = ResponsesStream.read(run(request(",'stream':true"), "text/event-stream", sse(INTERLEAVED_CALLS)));
        assertThat(s.types()).containsExactly(
                "response.created", "response.in_progress",
                "response.output_item.added",
                "response.function_call_arguments.delta", "response.function_call_arguments.delta",
                "response.function_call_arguments.done", "response.output_item.done",
                // the second call opens once the first one's JSON has closed, and streams from there
                "response.output_item.added", "response.function_call_arguments.delta",
                "response.function_call_arguments.delta",
                "response.function_call_arguments.done", "response.output_item.done",
                "response.completed");
        JsonNode output = s.last.get("output");
        assertThat(output.get(0).get("call_id").asText()).isEqualTo("call_abc");
        assertThat(output.get(0).get("arguments").asText()).isEqualTo("{\"city\": \"Tokyo\"}");
        assertThat(output.get(1).get("call_id").asText()).isEqualTo("call_def");
        assertThat(output.get(1).get("arguments").asText()).isEqualTo("{\"tz\":\"JST\"}");
        // no usage from this backend: one output event stands for one token
        assertThat(s.last.get("usage").get("input_tokens").asInt()).isZero();
        assertThat(s.last.get("usage").get("output_tokens").asInt()).isEqualTo(5);
    }

    @Test
    void textThenACallAreTwoItemsInOrder() {
        ResponsesStream s = ResponsesStream.read(run(request(",'stream':true"), "text/event-stream", sse(TEXT_THEN_CALL)));
        JsonNode output = s.last.get("output");
        assertThat(output).hasSize(2);
        assertThat(output.get(0).get("type").asText()).isEqualTo("message");
        assertThat(output.get(0).get("content").get(0).get("text").asText()).isEqualTo("Let me check.");
        assertThat(output.get(1)).isEqualTo(json("{'id':'fc_test_1','type':'function_call','status':'completed',"
                + "'call_id':'call_1','name':'lookup','arguments':'{}'}"));
    }

    @Test
    void callsWithoutIdsGetStableUniqueCallIdsAndMissingArgumentsBecomeAnEmptyObject() {
        String out = run(request(",'stream':true"), "text/event-stream", sse(
                "{'choices':[{'index':0,'delta':{'tool_calls':[{'index':0,'function':{'name':'now'}}]}}]}",
                "{'choices':[{'index':0,'delta':{'tool_calls':[{'index':1,'id':'same','function':{'name':'a','arguments':'{}'}}]}}]}",
                "{'choices':[{'index':0,'delta':{'tool_calls':[{'index':2,'id':'same','function':{'name':'b','arguments':'{}'}}]}}]}",
                "{'choices':[{'index':0,'delta':{},'finish_reason':'tool_calls'}]}"));
        JsonNode output = ResponsesStream.read(out).last.get("output");
        assertThat(output.get(0).get("call_id").asText()).isEqualTo(ToolCallIds.stable(-1, 0, "now"));
        assertThat(output.get(0).get("arguments").asText()).isEqualTo("{}");
        assertThat(output.get(1).get("call_id").asText()).isEqualTo("same");
        assertThat(output.get(2).get("call_id").asText()).isEqualTo(ToolCallIds.stable(-1, 2, "b"));
    }

    @Test
    void anAnswerCutAtTheTokenLimitIsIncomplete() {
        ResponsesStream s = ResponsesStream.read(run(request(",'stream':true,'max_output_tokens':2"), "text/event-stream", sse(
                "{'choices':[{'index':0,'delta':{'content':'Once upon'}}]}",
                "{'choices':[{'index':0,'delta':{},'finish_reason':'length'}],'usage':{'prompt_tokens':5,'completion_tokens':2}}")));
        assertThat(s.types()).last().isEqualTo("response.incomplete");
        assertThat(s.last.get("status").asText()).isEqualTo("incomplete");
        assertThat(s.last.get("incomplete_details")).isEqualTo(json("{'reason':'max_output_tokens'}"));
        assertThat(s.last.get("output").get(0).get("status").asText()).isEqualTo("incomplete");
        assertThat(s.last.get("max_output_tokens").asInt()).isEqualTo(2);
    }

    @Test
    void anAnswerWithoutOutputIsStillAWholeResponse() {
        ResponsesStream s = ResponsesStream.read(run(request(",'stream':true"), "text/event-stream",
                sse("{'choices':[{'index':0,'delta':{},'finish_reason':'stop'}]}")));
        assertThat(s.types()).containsExactly("response.created", "response.in_progress", "response.completed");
        assertThat(s.last.get("output")).isEmpty();
    }

    // ---------------------------------------------------------------- whole answers

    @Test
    void aClientThatDoesNotStreamGetsOneResponseObjectWithTheStreamsOutput() {
        ResponsesRequest request = request("");
        ChatAnswerTranslator t = translator(request);
        assertThat(t.streaming()).isFalse();
        assertThat(t.contentType()).isEqualTo(ContentTypes.JSON);
        JsonNode whole = TestJson.parse(run(request, "text/event-stream", sse(THINKING_THEN_TEXT)));
        JsonNode streamed = ResponsesStream.read(run(request(",'stream':true"), "text/event-stream",
                sse(THINKING_THEN_TEXT))).last;
        assertThat(whole).isEqualTo(streamed);
        assertThat(whole.get("output").get(1).get("content").get(0).get("text").asText()).isEqualTo("H\u00e9llo\n\u2713 \"q\"");
    }

    @Test
    void aWholeJsonCompletionFromTheBackendIsTranslatedToo() {
        String completion = q("{'id':'chatcmpl-9','object':'chat.completion','choices':[{'index':0,'message':{'role':'assistant',"
                + "'reasoning_content':'Hmm.','content':'Sure.','tool_calls':[{'id':'call_9','type':'function','function':"
                + "{'name':'go','arguments':'{\\'x\\':1}'}}]},'finish_reason':'tool_calls'}],"
                + "'usage':{'prompt_tokens':7,'completion_tokens':3}}");
        byte[] body = completion.getBytes(StandardCharsets.UTF_8);
        ResponsesStream s = ResponsesStream.read(run(request(",'stream':true"), "application/json", body));
        assertThat(s.last.get("output")).isEqualTo(json("[{'id':'rs_test_0','type':'reasoning','summary':"
                + "[{'type':'summary_text','text':'Hmm.'}]},"
                + "{'id':'msg_test_1','type':'message','status':'completed','role':'assistant','content':"
                + "[{'type':'output_text','text':'Sure.','annotations':[],'logprobs':[]}]},"
                + "{'id':'fc_test_2','type':'function_call','status':'completed','call_id':'call_9','name':'go',"
                + "'arguments':'{\\'x\\':1}'}]"));
        assertThat(s.last.get("usage").get("total_tokens").asInt()).isEqualTo(10);
        for (int cut = 0; cut <= body.length; cut++) {
            assertThat(TestJson.parse(run(request(""), "application/json", body, cut))).as("cut at %d", cut)
                    .isEqualTo(s.last);
        }
    }

    // ---------------------------------------------------------------- failures

    @Test
    void anErrorEventIs502WithTheBackendsMessage() {
        assertRelay502(() -> run(request(",'stream':true"), "text/event-stream", sse(
                "{'error':{'message':'CUDA out of memory','type':'InternalServerError','code':500}}")),
                "backend error: CUDA out of memory");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{'choices':[{'index':0,'delta':{'content':'x'", "not json", "[1,2]"})
    void anUnreadableEventIs502(String data) {
        byte[] body = ("data: " + q(data) + "\n\n").getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> run(request(",'stream':true"), "text/event-stream", body))
                .isInstanceOf(RelayException.class)
                .satisfies(e -> assertThat(((RelayException) e).status()).isEqualTo(502));
    }

    @Test
    void aCallThatNeverGetsANameIs502() {
        assertRelay502(() -> run(request(",'stream':true"), "text/event-stream", sse(
                "{'choices':[{'index':0,'delta':{'tool_calls':[{'index':0,'id':'c','function':{'arguments':'{}'}}]}}]}")),
                "backend sent a tool call without a function name");
    }

    @Test
    void textArrivingWhileACallsArgumentsAreOpenWaitsUntilTheyClose() {
        ResponsesStream s = ResponsesStream.read(run(request(",'stream':true"), "text/event-stream", sse(
                "{'choices':[{'index':0,'delta':{'tool_calls':[{'index':0,'id':'c','function':{'name':'f','arguments':'{'}}]}}]}",
                "{'choices':[{'index':0,'delta':{'content':'interrupting'}}]}",
                "{'choices':[{'index':0,'delta':{'tool_calls':[{'index':0,'function':{'arguments':'}'}}]}}]}")));
        JsonNode output = s.last.get("output");
        assertThat(output.get(0).get("type").asText()).isEqualTo("function_call");
        assertThat(output.get(0).get("arguments").asText()).isEqualTo("{}");
        assertThat(output.get(1).get("type").asText()).isEqualTo("message");
        assertThat(output.get(1).get("content").get(0).get("text").asText()).isEqualTo("interrupting");
    }

    @Test
    void moreArgumentsForACallThatWasClosedAre502() {
        assertRelay502(() -> run(request(",'stream':true"), "text/event-stream", sse(
                "{'choices':[{'index':0,'delta':{'tool_calls':[{'index':0,'id':'c','function':{'name':'f','arguments':'{}'}}]}}]}",
                "{'choices':[{'index':0,'delta':{'content':'after the call'}}]}",
                "{'choices':[{'index':0,'delta':{'tool_calls':[{'index':0,'function':{'arguments':'{}'}}]}}]}")),
                "backend sent tool call \"f\" with arguments that are not a JSON object: {}{}");
    }

    @Test
    void aBackendAnsweringHtmlIs502() {
        assertThatThrownBy(() -> translator(request("")).onHead("text/html"))
                .isInstanceOf(RelayException.class).hasMessageContaining("text/html");
    }

    @Test
    void aStreamThatFailsAfterItStartedEndsWithResponseFailedThenAnErrorEvent() {
        ChatAnswerTranslator t = translator(request(",'stream':true"));
        t.onHead("text/event-stream");
        CollectingOutput out = new CollectingOutput();
        byte[] body = sse(THINKING_THEN_TEXT[1], THINKING_THEN_TEXT[3], THINKING_THEN_TEXT[4]);
        CollectingOutput.feed(t, out, body, 0, body.length - "data: [DONE]\n\n".length());
        ByteBuf last = t.streamFailure(ByteBufAllocator.DEFAULT, 502, "backend gpu-1: connection reset");
        String failure;
        try {
            failure = last.toString(StandardCharsets.UTF_8);
        } finally {
            last.release();
        }
        ResponsesStream s = ResponsesStream.read(out.text() + failure);
        assertThat(s.types().subList(s.types().size() - 2, s.types().size())).containsExactly("response.failed", "error");
        assertThat(s.last.get("error")).isEqualTo(json("{'code':'server_error','message':'backend gpu-1: connection reset'}"));
        assertThat(s.last.get("output")).hasSize(1); // the reasoning item was done; the message never was
        JsonNode error = s.events.get(s.events.size() - 1).data();
        assertThat(error.get("message").asText()).isEqualTo("backend gpu-1: connection reset");
        assertThat(error.get("error")).isEqualTo(json("{'type':'api_error','code':'server_error',"
                + "'message':'backend gpu-1: connection reset','param':null}"));
    }

    @Test
    void aFailureBeforeAnyOutputStillStartsTheResponseItFails() {
        ChatAnswerTranslator t = translator(request(",'stream':true"));
        ByteBuf last = t.streamFailure(ByteBufAllocator.DEFAULT, 504, "no answer");
        try {
            ResponsesStream s = ResponsesStream.read(last.toString(StandardCharsets.UTF_8));
            assertThat(s.types()).containsExactly("response.created", "response.in_progress", "response.failed", "error");
        } finally {
            last.release();
        }
    }

    // ---------------------------------------------------------------- helpers

    private static ResponsesRequest request(String extra) {
        return ResponsesRequests.parse(json(REQUEST + extra + "}"));
    }

    private ChatAnswerTranslator translator(ResponsesRequest request) {
        return ChatAnswerTranslator.responses(request, "test", new ExchangeTimes(1_000L), clocks, 65536);
    }

    private String run(ResponsesRequest request, String backendType, byte[] body, int... cuts) {
        ChatAnswerTranslator t = translator(request);
        t.onHead(backendType);
        CollectingOutput out = new CollectingOutput();
        CollectingOutput.feedCut(t, out, body, cuts);
        t.onEnd(out);
        t.close();
        return out.text();
    }

    /** An SSE body: one {@code data:} event per JSON text (single quotes read as double), then [DONE]. */
    private static byte[] sse(String... events) {
        StringBuilder sb = new StringBuilder();
        for (String e : events) {
            sb.append("data: ").append(q(e)).append("\n\n");
        }
        return sb.append("data: [DONE]\n\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void assertRelay502(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String message) {
        assertThatThrownBy(call).isInstanceOf(RelayException.class).hasMessage(message)
                .satisfies(e -> assertThat(((RelayException) e).status()).isEqualTo(502));
    }
}
