package io.llmrelay.core.translate;

import static io.llmrelay.core.translate.TestJson.json;
import static io.llmrelay.core.translate.TestJson.parse;
import static io.llmrelay.core.translate.TestJson.q;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrelay.core.api.Clocks;
import io.llmrelay.core.api.ExchangeTimes;
import io.llmrelay.core.api.RelayException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The Messages answer side: a backend's OpenAI chat stream (or one completion) in, Anthropic's events or message out. */
class MessagesAnswerTranslationTest {

    private static final String ID = "msg_test0000000000000000000";
    private final Clocks clocks = new Clocks(Clock.fixed(Instant.parse("2025-07-07T20:22:19Z"), ZoneOffset.UTC), () -> 1_000);

    /** Thinking, then text, then usage: as vLLM streams a reasoning model. */
    private static final String[] THINKING_THEN_TEXT = {
        "{'id':'c1','object':'chat.completion.chunk','choices':[{'index':0,'delta':{'role':'assistant','content':''},"
                + "'finish_reason':null}]}",
        "{'id':'c1','choices':[{'index':0,'delta':{'reasoning_content':'Let me'},'finish_reason':null}]}",
        "{'id':'c1','choices':[{'index':0,'delta':{'reasoning_content':' think.'},'finish_reason':null}]}",
        "{'id':'c1','choices':[{'index':0,'delta':{'content':'H\u00e9llo'},'finish_reason':null}]}",
        "{'id':'c1','choices':[{'index':0,'delta':{'content':' \\'w\\'\\n\u2713'},'finish_reason':null}]}",
        "{'id':'c1','choices':[{'index':0,'delta':{},'finish_reason':'stop','stop_reason':null}]}",
        "{'id':'c1','choices':[],'usage':{'prompt_tokens':26,'completion_tokens':9,'total_tokens':35}}",
    };

    /** Text, then one call whose arguments arrive in three fragments. */
    private static final String[] TEXT_THEN_TOOL = {
        "{'choices':[{'index':0,'delta':{'role':'assistant','content':'Checking.'}}]}",
        "{'choices':[{'index':0,'delta':{'tool_calls':[{'index':0,'id':'call_1','type':'function',"
                + "'function':{'name':'get_weather','arguments':''}}]}}]}",
        "{'choices':[{'index':0,'delta':{'tool_calls':[{'index':0,'function':{'arguments':'{\\'city\\':'}}]}}]}",
        "{'choices':[{'index':0,'delta':{'tool_calls':[{'index':0,'function':{'arguments':' \\'Par'}}]}}]}",
        "{'choices':[{'index':0,'delta':{'tool_calls':[{'index':0,'function':{'arguments':'is\\'}'}}]}}]}",
        "{'choices':[{'index':0,'delta':{},'finish_reason':'tool_calls'}]}",
        "{'choices':[],'usage':{'prompt_tokens':20,'completion_tokens':9}}",
    };

    /** Two calls whose fragments are interleaved by index (OpenAI's format allows it). */
    private static final String[] INTERLEAVED_CALLS = {
        "{'choices':[{'index':0,'delta':{'role':'assistant','content':null,'tool_calls':[{'index':0,'id':'call_a',"
                + "'type':'function','function':{'name':'get_weather','arguments':''}}]}}]}",
        "{'choices':[{'index':0,'delta':{'tool_calls':[{'index':0,'function':{'arguments':'{\\'city\\': '}}]}}]}",
        "{'choices':[{'index':0,'delta':{'tool_calls':[{'index':1,'id':'call_b','type':'function',"
                + "'function':{'name':'get_time','arguments':'{\\'tz\\''}}]}}]}",
        "{'choices':[{'index':0,'delta':{'tool_calls':[{'index':0,'function':{'arguments':'\\'Tokyo\\', \\'days\\': [1, 2]}'}}]}}]}",
        "{'choices':[{'index':0,'delta':{'tool_calls':[{'index':1,'function':{'arguments':':\\'JST\\'}'}}]}}]}",
        "{'choices':[{'index':0,'delta':{},'finish_reason':'tool_calls'}]}",
        "{'choices':[],'usage':{'prompt_tokens':80,'completion_tokens':21}}",
    };

    // ---------------------------------------------------------------- streaming

    @Test
    void thinkingThenTextStreamAsTwoBlocksWithTheExactEvents() {
        String out = run(request(",'stream':true"), "text/event-stream", sse(THINKING_THEN_TEXT));
        String start = "{'type':'message_start','message':{'id':'" + ID + "','type':'message','role':'assistant',"
                + "'model':'claude-local','content':[],'stop_reason':null,'stop_sequence':null,'usage':{'input_tokens':0,"
                + "'output_tokens':0}}}";
        assertThat(out).isEqualTo(events(
                "message_start", start,
                "ping", "{'type':'ping'}",
                "content_block_start", "{'type':'content_block_start','index':0,'content_block':{'type':'thinking',"
                        + "'thinking':'','signature':''}}",
                "content_block_delta", "{'type':'content_block_delta','index':0,'delta':{'type':'thinking_delta',"
                        + "'thinking':'Let me'}}",
                "content_block_delta", "{'type':'content_block_delta','index':0,'delta':{'type':'thinking_delta',"
                        + "'thinking':' think.'}}",
                "content_block_stop", "{'type':'content_block_stop','index':0}",
                "content_block_start", "{'type':'content_block_start','index':1,'content_block':{'type':'text','text':''}}",
                "content_block_delta", "{'type':'content_block_delta','index':1,'delta':{'type':'text_delta',"
                        + "'text':'H\u00e9llo'}}",
                "content_block_delta", "{'type':'content_block_delta','index':1,'delta':{'type':'text_delta',"
                        + "'text':' \\'w\\'\\n\u2713'}}",
                "content_block_stop", "{'type':'content_block_stop','index':1}",
                "message_delta", "{'type':'message_delta','delta':{'stop_reason':'end_turn','stop_sequence':null},"
                        + "'usage':{'input_tokens':26,'output_tokens':9}}",
                "message_stop", "{'type':'message_stop'}"));
        assertThat(MessagesStream.read(out).message).isEqualTo(json("{'id':'" + ID + "','type':'message','role':'assistant',"
                + "'model':'claude-local','content':[{'type':'thinking','thinking':'Let me think.','signature':''},"
                + "{'type':'text','text':'H\u00e9llo \\'w\\'\\n\u2713'}],'stop_reason':'end_turn','stop_sequence':null,"
                + "'usage':{'input_tokens':26,'output_tokens':9}}"));
    }

    @Test
    void sameOutputWhereverTheBodyIsCut() {
        for (String[] events : List.of(THINKING_THEN_TEXT, TEXT_THEN_TOOL, INTERLEAVED_CALLS)) {
            for (String stream : new String[] {",'stream':true", ""}) {
                byte[] body = sse(events);
                String whole = run(request(stream), "text/event-stream", body);
                for (int cut = 0; cut <= body.length; cut++) {
                    assertThat(run(request(stream), "text/event-stream", body, cut)).as("cut at %d", cut).isEqualTo(whole);
                }
                int[] everyByte = new int[body.length - 1];
                for (int i = 0; i < everyByte.length; i++) {
                    everyByte[i] = i + 1;
                }
                assertThat(run(request(stream), "text/event-stream", body, everyByte)).isEqualTo(whole);
            }
        }
    }

    @Test
    void toolArgumentFragmentsStreamAsInputJsonDeltasAsTheyArrive() {
        String out = run(request(",'stream':true"), "text/event-stream", sse(TEXT_THEN_TOOL));
        MessagesStream read = MessagesStream.read(out);
        assertThat(read.names()).containsExactly("message_start", "ping", "start:text", "delta:text_delta",
                "content_block_stop", "start:tool_use", "delta:input_json_delta", "delta:input_json_delta",
                "delta:input_json_delta", "content_block_stop", "message_delta", "message_stop");
        assertThat(read.events.get(5).data()).isEqualTo(json("{'type':'content_block_start','index':1,"
                + "'content_block':{'type':'tool_use','id':'call_1','name':'get_weather','input':{}}}"));
        assertThat(read.message.path("content")).isEqualTo(json("[{'type':'text','text':'Checking.'},"
                + "{'type':'tool_use','id':'call_1','name':'get_weather','input':{'city':'Paris'}}]"));
        assertThat(read.message.path("stop_reason").asText()).isEqualTo("tool_use");

        // live: each fragment is written when its event arrives, not at the end
        ChatAnswerTranslator t = translator(request(",'stream':true"));
        t.onHead("text/event-stream");
        CollectingOutput collected = new CollectingOutput();
        for (int i = 0; i < 4; i++) {
            byte[] event = ("data: " + q(TEXT_THEN_TOOL[i]) + "\n\n").getBytes(StandardCharsets.UTF_8);
            CollectingOutput.feed(t, collected, event, 0, event.length);
        }
        assertThat(collected.text()).contains(q("'partial_json':'{\\'city\\':'")).doesNotContain("content_block_stop\",\"index\":1");
    }

    @Test
    void interleavedCallsAreKeptCorrectByHoldingTheSecondUntilTheFirstIsWhole() {
        String out = run(request(",'stream':true"), "text/event-stream", sse(INTERLEAVED_CALLS));
        MessagesStream read = MessagesStream.read(out);
        assertThat(read.message.path("content")).isEqualTo(json("[{'type':'tool_use','id':'call_a','name':'get_weather',"
                + "'input':{'city':'Tokyo','days':[1,2]}},{'type':'tool_use','id':'call_b','name':'get_time',"
                + "'input':{'tz':'JST'}}]"));
        // the first call streamed live, the second (held while the first was open) went out whole when the first closed
        assertThat(read.names()).containsExactly("message_start", "ping", "start:tool_use", "delta:input_json_delta",
                "delta:input_json_delta", "content_block_stop", "start:tool_use", "delta:input_json_delta",
                "delta:input_json_delta", "content_block_stop", "message_delta", "message_stop");
        assertThat(read.message.path("usage")).isEqualTo(json("{'input_tokens':80,'output_tokens':21}"));
    }

    @Test
    void sequentialCallsEachStreamLive() {
        String out = run(request(",'stream':true"), "text/event-stream", sse(
                "{'choices':[{'index':0,'delta':{'tool_calls':[{'index':0,'id':'a','function':{'name':'f','arguments':'{\\'x\\''}}]}}]}",
                "{'choices':[{'index':0,'delta':{'tool_calls':[{'index':0,'function':{'arguments':': 1}'}}]}}]}",
                "{'choices':[{'index':0,'delta':{'tool_calls':[{'index':1,'id':'b','function':{'name':'g','arguments':'{'}}]}}]}",
                "{'choices':[{'index':0,'delta':{'tool_calls':[{'index':1,'function':{'arguments':'}'}}]}}]}",
                "{'choices':[{'index':0,'delta':{},'finish_reason':'tool_calls'}]}"));
        MessagesStream read = MessagesStream.read(out);
        assertThat(read.names()).containsExactly("message_start", "ping", "start:tool_use", "delta:input_json_delta",
                "delta:input_json_delta", "content_block_stop", "start:tool_use", "delta:input_json_delta",
                "delta:input_json_delta", "content_block_stop", "message_delta", "message_stop");
        assertThat(read.message.path("content")).isEqualTo(json("[{'type':'tool_use','id':'a','name':'f','input':{'x':1}},"
                + "{'type':'tool_use','id':'b','name':'g','input':{}}]"));
    }

    @Test
    void textWhileACallIsIncompleteWaitsAndTextAfterAWholeCallIsANewBlock() {
        String out = run(request(",'stream':true"), "text/event-stream", sse(
                "{'choices':[{'index':0,'delta':{'tool_calls':[{'index':0,'id':'a','function':{'name':'f','arguments':'{\\'x\\':'}}]}}]}",
                "{'choices':[{'index':0,'delta':{'content':'odd'}}]}",
                "{'choices':[{'index':0,'delta':{'tool_calls':[{'index':0,'function':{'arguments':'2}'}}]}}]}",
                "{'choices':[{'index':0,'delta':{'content':'\\n\\n'}}]}",
                "{'choices':[{'index':0,'delta':{},'finish_reason':'tool_calls'}]}"));
        MessagesStream read = MessagesStream.read(out);
        assertThat(read.message.path("content")).isEqualTo(json("[{'type':'tool_use','id':'a','name':'f','input':{'x':2}},"
                + "{'type':'text','text':'odd\\n\\n'}]"));
        assertThat(read.message.path("stop_reason").asText()).isEqualTo("tool_use");
    }

    @Test
    void aCallWaitsForItsNameAndAMissingIdIsGenerated() {
        String out = run(request(",'stream':true"), "text/event-stream", sse(
                "{'choices':[{'index':0,'delta':{'tool_calls':[{'index':0,'function':{'arguments':'{\\'q\\':'}}]}}]}",
                "{'choices':[{'index':0,'delta':{'tool_calls':[{'index':0,'function':{'name':'search','arguments':'\\'x\\'}'}}]}}]}",
                "{'choices':[{'index':0,'delta':{},'finish_reason':'tool_calls'}]}"));
        JsonNode call = MessagesStream.read(out).message.path("content").get(0);
        assertThat(call).isEqualTo(json("{'type':'tool_use','id':'" + ToolCallIds.stable(-1, 0, "search") + "',"
                + "'name':'search','input':{'q':'x'}}"));
    }

    @Test
    void anAnswerWithoutOutputStillHasItsFrameAndWithoutUsageOutputTokensCountEvents() {
        MessagesStream empty = MessagesStream.read(run(request(",'stream':true"), "text/event-stream",
                sse("{'choices':[{'index':0,'delta':{},'finish_reason':'stop'}]}")));
        assertThat(empty.names()).containsExactly("message_start", "ping", "message_delta", "message_stop");
        assertThat(empty.message.path("usage")).isEqualTo(json("{'input_tokens':0,'output_tokens':0}"));

        String out = run(request(",'stream':true"), "text/event-stream", sse(
                "{'choices':[{'index':0,'delta':{'content':'a'}}]}", "{'choices':[{'index':0,'delta':{'content':'b'}}]}",
                "{'choices':[{'index':0,'delta':{},'finish_reason':'stop'}]}"));
        MessagesStream read = MessagesStream.read(out);
        JsonNode messageDelta = read.events.get(read.events.size() - 2).data();
        assertThat(messageDelta.path("usage")).isEqualTo(json("{'output_tokens':2}")); // no input count to give
        assertThat(read.message.path("usage")).isEqualTo(json("{'input_tokens':0,'output_tokens':2}"));
    }

    @ParameterizedTest
    @CsvSource(quoteCharacter = '"', value = {
        "stop,           null,    end_turn,      null",
        "length,         null,    max_tokens,    null",
        "content_filter, null,    refusal,       null",
        "tool_calls,     null,    end_turn,      null",
        "stop,           'END',   stop_sequence, END",
        "stop,           'DONE',  end_turn,      null",
        "length,         'END',   max_tokens,    null",
    })
    void stopReasons(String finish, String stopReason, String expected, String sequence) {
        // vLLM names the stop string that matched in stop_reason; it counts only when the client asked for it
        String last = "{'choices':[{'index':0,'delta':{},'finish_reason':'" + finish + "','stop_reason':" + stopReason + "}]}";
        InferenceRequest request = request(",'stream':true,'stop_sequences':['END']");
        MessagesStream read = MessagesStream.read(run(request, "text/event-stream",
                sse("{'choices':[{'index':0,'delta':{'content':'x'}}]}", last)));
        assertThat(read.message.path("stop_reason").asText()).isEqualTo(expected);
        assertThat(read.message.path("stop_sequence").isNull() ? "null" : read.message.path("stop_sequence").asText())
                .isEqualTo(sequence);
        JsonNode whole = parse(run(request(",'stop_sequences':['END']"), "text/event-stream",
                sse("{'choices':[{'index':0,'delta':{'content':'x'}}]}", last)));
        assertThat(whole.path("stop_reason").asText()).isEqualTo(expected);
    }

    // ---------------------------------------------------------------- one message (stream:false)

    @Test
    void notStreamingIsOneMessageWithThinkingTextThenToolUse() {
        String[] events = {
            THINKING_THEN_TEXT[1], THINKING_THEN_TEXT[2], THINKING_THEN_TEXT[3],
            INTERLEAVED_CALLS[0], INTERLEAVED_CALLS[1], INTERLEAVED_CALLS[2], INTERLEAVED_CALLS[3], INTERLEAVED_CALLS[4],
            "{'choices':[{'index':0,'delta':{},'finish_reason':'tool_calls'}],'usage':{'prompt_tokens':30,'completion_tokens':25}}",
        };
        String expected = q("{'id':'" + ID + "','type':'message','role':'assistant','model':'claude-local','content':["
                + "{'type':'thinking','thinking':'Let me think.','signature':''},{'type':'text','text':'H\u00e9llo'},"
                + "{'type':'tool_use','id':'call_a','name':'get_weather','input':{'city':'Tokyo','days':[1,2]}},"
                + "{'type':'tool_use','id':'call_b','name':'get_time','input':{'tz':'JST'}}],'stop_reason':'tool_use',"
                + "'stop_sequence':null,'usage':{'input_tokens':30,'output_tokens':25}}");
        CollectingOutput out = collect(request(""), "text/event-stream", sse(events));
        assertThat(out.writes).containsExactly(expected);
    }

    @Test
    void notStreamingWithoutOutputHasNoContent() {
        assertThat(run(request(""), "text/event-stream", sse("{'choices':[{'index':0,'delta':{},'finish_reason':'length'}]}")))
                .isEqualTo(q("{'id':'" + ID + "','type':'message','role':'assistant','model':'claude-local','content':[],"
                        + "'stop_reason':'max_tokens','stop_sequence':null,'usage':{'input_tokens':0,'output_tokens':0}}"));
    }

    @Test
    void contentTypeAndStreamingFollowTheRequest() {
        ChatAnswerTranslator streaming = translator(request(",'stream':true"));
        ChatAnswerTranslator whole = translator(request(""));
        assertThat(streaming.streaming()).isTrue();
        assertThat(streaming.contentType()).isEqualTo("text/event-stream");
        assertThat(whole.streaming()).isFalse();
        assertThat(whole.contentType()).isEqualTo("application/json; charset=utf-8");
    }

    @Test
    void everyAnswerHasItsOwnId() {
        String a = MessagesAnswerWriter.newId();
        String b = MessagesAnswerWriter.newId();
        assertThat(a).matches("msg_[0-9A-Za-z]{24}");
        assertThat(b).matches("msg_[0-9A-Za-z]{24}").isNotEqualTo(a);
        ChatAnswerTranslator t = ChatAnswerTranslator.messages(request(""), new ExchangeTimes(0), clocks, 65536);
        CollectingOutput out = new CollectingOutput();
        t.onHead("text/event-stream");
        t.onEnd(out);
        assertThat(parse(out.text()).path("id").asText()).matches("msg_[0-9A-Za-z]{24}");
    }

    // ---------------------------------------------------------------- a backend that answered one JSON completion

    private static final String WHOLE_COMPLETION = "{'id':'chatcmpl-9','object':'chat.completion','choices':[{'index':0,"
            + "'message':{'role':'assistant','content':'Hello there','reasoning_content':'Hmm','tool_calls':[{'id':'call_1',"
            + "'type':'function','function':{'name':'f','arguments':'{\\'a\\':1}'}}]},'finish_reason':'tool_calls'}],"
            + "'usage':{'prompt_tokens':5,'completion_tokens':7,'total_tokens':12}}";

    @ParameterizedTest
    @ValueSource(strings = {",'stream':true", ""})
    void aWholeJsonAnswerIsTranslatedOnEveryCut(String stream) {
        byte[] body = q(WHOLE_COMPLETION).getBytes(StandardCharsets.UTF_8);
        String whole = run(request(stream), "application/json", body);
        JsonNode message = stream.isEmpty() ? parse(whole) : MessagesStream.read(whole).message;
        assertThat(message).isEqualTo(json("{'id':'" + ID + "','type':'message','role':'assistant','model':'claude-local',"
                + "'content':[{'type':'thinking','thinking':'Hmm','signature':''},{'type':'text','text':'Hello there'},"
                + "{'type':'tool_use','id':'call_1','name':'f','input':{'a':1}}],'stop_reason':'tool_use','stop_sequence':null,"
                + "'usage':{'input_tokens':5,'output_tokens':7}}"));
        for (int cut = 0; cut <= body.length; cut++) {
            assertThat(run(request(stream), "application/json", body, cut)).as("cut at %d", cut).isEqualTo(whole);
        }
    }

    // ---------------------------------------------------------------- backend errors and malformed answers: 502

    @Test
    void backendErrorEventsAre502WithTheBackendsMessage() {
        assertRelay502(() -> run(request(",'stream':true"), "text/event-stream", sse(
                "{'choices':[{'index':0,'delta':{'content':'a'}}]}",
                "{'error':{'message':'CUDA out of memory','type':'server_error'}}")), "backend error: CUDA out of memory");
        assertRelay502(() -> run(request(""), "text/event-stream",
                "event: error\ndata: upstream reset\n\n".getBytes(StandardCharsets.UTF_8)), "backend error: upstream reset");
        assertRelay502(() -> run(request(""), "application/json",
                q("{'error':{'message':'context length exceeded'}}").getBytes(StandardCharsets.UTF_8)),
                "backend error: context length exceeded");
    }

    @ParameterizedTest
    @ValueSource(strings = {"hello", "{\"choices\":[{\"delta\":{\"content\":\"Hel", "[1,2]"})
    void anInvalidEventIs502(String data) {
        assertThatThrownBy(() -> run(request(",'stream':true"), "text/event-stream",
                ("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(RelayException.class, e -> {
                    assertThat(e.status()).isEqualTo(502);
                    assertThat(e.getMessage()).startsWith("backend sent an invalid stream event: ");
                });
    }

    @Test
    void aTruncatedWholeAnswerOrAnHtmlPageIs502() {
        assertThatThrownBy(() -> run(request(""), "application/json", "{\"choices\":[".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(RelayException.class, e -> assertThat(e.status()).isEqualTo(502));
        ChatAnswerTranslator t = translator(request(""));
        assertThatThrownBy(() -> t.onHead("text/html")).isInstanceOfSatisfying(RelayException.class,
                e -> assertThat(e.getMessage()).isEqualTo("backend answered with Content-Type text/html, not an event "
                        + "stream or JSON"));
    }

    @Test
    void toolArgumentsThatAreNotAJsonObjectAre502() {
        for (String stream : new String[] {",'stream':true", ""}) {
            assertRelay502(() -> run(request(stream), "text/event-stream", sse(
                    "{'choices':[{'index':0,'delta':{'tool_calls':[{'index':0,'id':'c','function':{'name':'f',"
                            + "'arguments':'{\\'city\\': Tok'}}]}}]}")),
                    "backend sent tool call \"f\" with arguments that are not a JSON object: {\"city\": Tok");
            assertRelay502(() -> run(request(stream), "text/event-stream", sse(
                    "{'choices':[{'index':0,'delta':{'tool_calls':[{'index':0,'id':'c','function':{'arguments':'{}'}}]}}]}")),
                    "backend sent a tool call without a function name");
        }
        // more after a call's JSON closed: its block has ended, and the arguments are no object anyway
        assertRelay502(() -> run(request(",'stream':true"), "text/event-stream", sse(
                "{'choices':[{'index':0,'delta':{'tool_calls':[{'index':0,'id':'c','function':{'name':'f','arguments':'{}'}}]}}]}",
                "{'choices':[{'index':0,'delta':{'content':'x'}}]}",
                "{'choices':[{'index':0,'delta':{'tool_calls':[{'index':0,'function':{'arguments':'{}'}}]}}]}")),
                "backend sent tool call \"f\" with arguments that are not a JSON object: {}{}");
    }

    // ---------------------------------------------------------------- helpers

    private static InferenceRequest request(String extra) {
        return MessagesRequests.messages(json("{'model':'claude-local','max_tokens':64,'messages':[{'role':'user',"
                + "'content':'hi'}]" + extra + "}"));
    }

    private ChatAnswerTranslator translator(InferenceRequest request) {
        return ChatAnswerTranslator.messages(request, ID, new ExchangeTimes(0), clocks, 65536);
    }

    private String run(InferenceRequest request, String backendType, byte[] body, int... cuts) {
        return collect(request, backendType, body, cuts).text();
    }

    private CollectingOutput collect(InferenceRequest request, String backendType, byte[] body, int... cuts) {
        ChatAnswerTranslator t = translator(request);
        try {
            t.onHead(backendType);
            CollectingOutput out = new CollectingOutput();
            CollectingOutput.feedCut(t, out, body, cuts);
            t.onEnd(out);
            return out;
        } finally {
            t.close();
        }
    }

    private static void assertRelay502(Runnable run, String message) {
        assertThatThrownBy(run::run).isInstanceOfSatisfying(RelayException.class, e -> {
            assertThat(e.status()).isEqualTo(502);
            assertThat(e.getMessage()).isEqualTo(message);
        });
    }

    /** SSE events, each {@code event: name} and {@code data: json} (single quotes read as double). */
    private static String events(String... nameAndData) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < nameAndData.length; i += 2) {
            sb.append("event: ").append(nameAndData[i]).append("\ndata: ").append(q(nameAndData[i + 1])).append("\n\n");
        }
        return sb.toString();
    }

    /** An OpenAI SSE body: one {@code data:} event per JSON text, then [DONE]. */
    private static byte[] sse(String... events) {
        StringBuilder sb = new StringBuilder();
        for (String e : events) {
            sb.append("data: ").append(q(e)).append("\n\n");
        }
        return sb.append("data: [DONE]\n\n").toString().getBytes(StandardCharsets.UTF_8);
    }
}
