package io.llmrelay.core.translate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrelay.core.api.Clocks;
import io.llmrelay.core.api.ExchangeTimes;
import io.llmrelay.core.api.RelayException;
import io.llmrelay.core.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class OllamaAnswerTranslationTest {

    private static final Instant NOW = Instant.parse("2025-07-07T20:22:19.184789Z");
    private static final String STAMP = "'created_at':'2025-07-07T20:22:19.184789Z'";
    private static final String CHAT = "{'model':'qwen3'," + STAMP + ",";
    private static final String GEN = "{'model':'llama3.2'," + STAMP + ",";

    // the fake monotonic clock: request received at 1000, sent upstream at 1500, every event
    // arrives at 3000 and the body ends at 10000
    private static final long START = 1_000;
    private static final long SENT = 1_500;
    private static final long EVENTS_AT = 3_000;
    private static final long END = 10_000;

    private final AtomicLong nanos = new AtomicLong(START);
    private final Clocks clocks = new Clocks(Clock.fixed(NOW, ZoneOffset.UTC), nanos::get);
    private ExchangeTimes times;

    // ---------------------------------------------------------------- streams used by several tests

    private static final String[] THINKING_CHAT = {
        "{'id':'chatcmpl-1','object':'chat.completion.chunk','created':1751919739,'model':'Qwen/Qwen3-8B',"
                + "'choices':[{'index':0,'delta':{'role':'assistant','content':''},'logprobs':null,'finish_reason':null}]}",
        "{'id':'chatcmpl-1','object':'chat.completion.chunk','created':1751919739,'model':'Qwen/Qwen3-8B',"
                + "'choices':[{'index':0,'delta':{'reasoning_content':'Think'},'logprobs':null,'finish_reason':null}]}",
        "{'id':'chatcmpl-1','object':'chat.completion.chunk','created':1751919739,'model':'Qwen/Qwen3-8B',"
                + "'choices':[{'index':0,'delta':{'reasoning_content':'ing.'},'logprobs':null,'finish_reason':null}]}",
        "{'id':'chatcmpl-1','object':'chat.completion.chunk','created':1751919739,'model':'Qwen/Qwen3-8B',"
                + "'choices':[{'index':0,'delta':{'content':'H\u00e9l'},'logprobs':null,'finish_reason':null}]}",
        "{'id':'chatcmpl-1','object':'chat.completion.chunk','created':1751919739,'model':'Qwen/Qwen3-8B',"
                + "'choices':[{'index':0,'delta':{'content':'lo\\n\u2713 \\'q\\''},'logprobs':null,'finish_reason':null}]}",
        "{'id':'chatcmpl-1','object':'chat.completion.chunk','created':1751919739,'model':'Qwen/Qwen3-8B',"
                + "'choices':[{'index':0,'delta':{},'logprobs':null,'finish_reason':'stop','stop_reason':null}]}",
        "{'id':'chatcmpl-1','object':'chat.completion.chunk','created':1751919739,'model':'Qwen/Qwen3-8B',"
                + "'choices':[],'usage':{'prompt_tokens':26,'total_tokens':30,'completion_tokens':4}}",
    };

    private static final List<String> THINKING_CHAT_NDJSON = List.of(
            CHAT + "'message':{'role':'assistant','content':'','thinking':'Think'},'done':false}",
            CHAT + "'message':{'role':'assistant','content':'','thinking':'ing.'},'done':false}",
            CHAT + "'message':{'role':'assistant','content':'H\u00e9l'},'done':false}",
            CHAT + "'message':{'role':'assistant','content':'lo\\n\u2713 \\'q\\''},'done':false}",
            CHAT + "'message':{'role':'assistant','content':''},'done':true,'done_reason':'stop'," + metrics(26, 4) + "}");

    /** Two tool calls streamed as fragments, interleaved by index, as vLLM and OpenAI send them. */
    private static final String[] TOOL_CALLS_CHAT = {
        "{'id':'chatcmpl-2','object':'chat.completion.chunk','choices':[{'index':0,'delta':{'role':'assistant',"
                + "'content':null,'tool_calls':[{'index':0,'id':'call_abc','type':'function','function':{'name':"
                + "'get_weather','arguments':''}}]},'finish_reason':null}]}",
        "{'id':'chatcmpl-2','object':'chat.completion.chunk','choices':[{'index':0,'delta':{'tool_calls':"
                + "[{'index':0,'function':{'arguments':'{\\'city\\': '}}]},'finish_reason':null}]}",
        "{'id':'chatcmpl-2','object':'chat.completion.chunk','choices':[{'index':0,'delta':{'tool_calls':"
                + "[{'index':1,'id':'call_def','type':'function','function':{'name':'get_time','arguments':'{\\'tz\\''}}]},"
                + "'finish_reason':null}]}",
        "{'id':'chatcmpl-2','object':'chat.completion.chunk','choices':[{'index':0,'delta':{'tool_calls':"
                + "[{'index':0,'function':{'arguments':'\\'Tokyo\\', \\'days\\': [1, 2]}'}}]},'finish_reason':null}]}",
        "{'id':'chatcmpl-2','object':'chat.completion.chunk','choices':[{'index':0,'delta':{'tool_calls':"
                + "[{'index':1,'function':{'arguments':':\\'JST\\'}'}}]},'finish_reason':null}]}",
        "{'id':'chatcmpl-2','object':'chat.completion.chunk','choices':[{'index':0,'delta':{},'finish_reason':'tool_calls'}]}",
        "{'id':'chatcmpl-2','object':'chat.completion.chunk','choices':[],'usage':{'prompt_tokens':80,'completion_tokens':21}}",
    };

    private static final String TWO_CALLS = "[{'id':'call_abc','function':{'index':0,'name':'get_weather',"
            + "'arguments':{'city':'Tokyo','days':[1,2]}}},{'id':'call_def','function':{'index':1,'name':'get_time',"
            + "'arguments':{'tz':'JST'}}}]";

    private static final List<String> TOOL_CALLS_NDJSON = List.of(
            CHAT + "'message':{'role':'assistant','content':'','tool_calls':" + TWO_CALLS + "},'done':false}",
            CHAT + "'message':{'role':'assistant','content':''},'done':true,'done_reason':'stop'," + metrics(80, 21) + "}");

    // ---------------------------------------------------------------- streaming chat

    @Test
    void streamsOneNdjsonLinePerTokenEventAndAFinalChunkWithMetrics() {
        String out = run(chatRequest(""), "text/event-stream", sse(THINKING_CHAT));
        assertThat(out).isEqualTo(ndjson(THINKING_CHAT_NDJSON));
        assertOllamaStream(out, true);
    }

    @Test
    void crlfFramingAndKeepAliveCommentsChangeNothing() {
        String body = new String(sse(THINKING_CHAT), StandardCharsets.UTF_8).replace("\n", "\r\n");
        body = ": OPENROUTER PROCESSING\r\n\r\n" + body.replace("data: ", ": keep-alive\r\ndata: ");
        assertThat(run(chatRequest(""), "text/event-stream", body.getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(ndjson(THINKING_CHAT_NDJSON));
    }

    @Test
    void byteOrderMarkEmptyEventsAndAPaddedDoneMarkerChangeNothing() {
        String body = new String(sse(THINKING_CHAT), StandardCharsets.UTF_8)
                .replace("data: [DONE]", "data:\n\ndata: [DONE]  ");
        byte[] withBom = ("\uFEFF" + body).getBytes(StandardCharsets.UTF_8);
        assertThat(run(chatRequest(""), "text/event-stream", withBom)).isEqualTo(ndjson(THINKING_CHAT_NDJSON));
        for (int cut = 0; cut <= 4; cut++) {
            assertThat(run(chatRequest(""), "text/event-stream", withBom, cut)).as("cut at %d", cut)
                    .isEqualTo(ndjson(THINKING_CHAT_NDJSON));
        }
    }

    @Test
    void nullChoicesAreSkippedNotAnError() {
        String out = run(chatRequest(""), "text/event-stream",
                sse("{'choices':[null,{'index':0,'delta':{'content':'ok'}}]}", "{'choices':[{'index':0,'delta':{},"
                        + "'finish_reason':'stop'}]}"));
        assertThat(out).contains("'content':'ok'".replace('\'', '"'));
    }

    @Test
    void sameOutputWhereverTheBodyIsCut() {
        for (String[] events : List.of(THINKING_CHAT, TOOL_CALLS_CHAT)) {
            byte[] body = sse(events);
            String whole = run(chatRequest(""), "text/event-stream", body);
            for (int cut = 0; cut <= body.length; cut++) {
                assertThat(run(chatRequest(""), "text/event-stream", body, cut)).as("cut at %d", cut).isEqualTo(whole);
            }
        }
    }

    @Test
    void sameOutputWhenTheBodyArrivesOneByteAtATime() {
        for (String[] events : List.of(THINKING_CHAT, TOOL_CALLS_CHAT)) {
            byte[] body = sse(events);
            int[] cuts = new int[body.length - 1];
            for (int i = 0; i < cuts.length; i++) {
                cuts[i] = i + 1;
            }
            assertThat(run(chatRequest(""), "text/event-stream", body, cuts))
                    .isEqualTo(run(chatRequest(""), "text/event-stream", body));
        }
    }

    @Test
    void eachLineIsWrittenAsItsEventArrives() {
        InferenceRequest request = chatRequest("");
        times = new ExchangeTimes(START);
        ChatAnswerTranslator t = ChatAnswerTranslator.ollama(request, times, clocks, 65536);
        t.onHead("text/event-stream");
        CollectingOutput out = new CollectingOutput();
        byte[] first = sse(THINKING_CHAT[1]);
        // everything but the blank line that ends the event: nothing yet
        CollectingOutput.feed(t, out, first, 0, first.length - "data: [DONE]\n\n".length() - 1);
        assertThat(out.writes).isEmpty();
        CollectingOutput.feed(t, out, "\n".getBytes(StandardCharsets.UTF_8), 0, 1);
        assertThat(out.writes).containsExactly(q(THINKING_CHAT_NDJSON.get(0)) + "\n");
    }

    @Test
    void toolCallFragmentsBecomeOneChunkWithWholeCallsAndArgumentsAsObjects() {
        String out = run(chatRequest(""), "text/event-stream", sse(TOOL_CALLS_CHAT));
        assertThat(out).isEqualTo(ndjson(TOOL_CALLS_NDJSON));
        assertOllamaStream(out, true);
        JsonNode calls = parse(out.split("\n")[0]).path("message").path("tool_calls");
        assertThat(calls).hasSize(2);
        assertThat(calls.get(0).path("function").path("arguments").isObject()).isTrue();
    }

    @Test
    void contentBeforeToolCallsIsStreamedAndTheCallsFollowWhole() {
        String out = run(chatRequest(""), "text/event-stream", sse(
                "{'choices':[{'index':0,'delta':{'role':'assistant','content':'Let me check.'}}]}",
                "{'choices':[{'index':0,'delta':{'tool_calls':[{'index':0,'id':'call_1','type':'function',"
                        + "'function':{'name':'lookup','arguments':'{}'}}]}}]}",
                "{'choices':[{'index':0,'delta':{},'finish_reason':'tool_calls'}],'usage':{'prompt_tokens':9,'completion_tokens':5}}"));
        assertThat(out).isEqualTo(ndjson(List.of(
                CHAT + "'message':{'role':'assistant','content':'Let me check.'},'done':false}",
                CHAT + "'message':{'role':'assistant','content':'','tool_calls':[{'id':'call_1','function':"
                        + "{'index':0,'name':'lookup','arguments':{}}}]},'done':false}",
                CHAT + "'message':{'role':'assistant','content':''},'done':true,'done_reason':'stop'," + metrics(9, 5) + "}")));
    }

    @Test
    void toolCallsWithoutIdsGetStableGeneratedIdsAndMissingArgumentsBecomeAnEmptyObject() {
        String[] events = {
            "{'choices':[{'index':0,'delta':{'tool_calls':[{'function':{'name':'now'}}]}}]}",
            "{'choices':[{'index':0,'delta':{'tool_calls':[{'index':1,'function':{'name':'add','arguments':{'a':1,'b':2}}}]}}]}",
            "{'choices':[{'index':0,'delta':{},'finish_reason':'stop'}]}",
        };
        String out = run(chatRequest(""), "text/event-stream", sse(events));
        JsonNode calls = parse(out.split("\n")[0]).path("message").path("tool_calls");
        assertThat(Json.write(calls)).isEqualTo(q("[{'id':'" + ToolCallIds.stable(-1, 0, "now") + "','function':"
                + "{'index':0,'name':'now','arguments':{}}},{'id':'" + ToolCallIds.stable(-1, 1, "add") + "','function':"
                + "{'index':1,'name':'add','arguments':{'a':1,'b':2}}}]"));
        assertThat(calls.get(0).path("id").asText()).matches("call_[0-9a-f]{16}");
        assertThat(run(chatRequest(""), "text/event-stream", sse(events))).isEqualTo(out);
    }

    @ParameterizedTest
    @CsvSource({"stop, stop", "tool_calls, stop", "content_filter, stop", "function_call, stop", "length, length"})
    void doneReasonIsStopExceptForLength(String finishReason, String doneReason) {
        String out = run(chatRequest(""), "text/event-stream", sse(
                "{'choices':[{'index':0,'delta':{'content':'x'},'finish_reason':null}]}",
                "{'choices':[{'index':0,'delta':{},'finish_reason':'" + finishReason + "'}]}"));
        String last = out.split("\n")[1];
        assertThat(parse(last).path("done_reason").asText()).isEqualTo(doneReason);
    }

    @Test
    void missingFinishReasonIsAStop() {
        String out = run(chatRequest(""), "text/event-stream", sse("{'choices':[{'index':0,'delta':{'content':'x'}}]}"));
        assertThat(parse(out.split("\n")[1]).path("done_reason").asText()).isEqualTo("stop");
    }

    @Test
    void thinkingFromOpenRouterReasoningField() {
        String out = run(chatRequest(""), "text/event-stream", sse(
                "{'id':'gen-1','provider':'OpenAI','model':'openai/gpt-oss-20b','object':'chat.completion.chunk',"
                        + "'choices':[{'index':0,'delta':{'role':'assistant','content':'','reasoning':'Let me',"
                        + "'reasoning_details':[{'type':'reasoning.text','text':'Let me','format':'unknown','index':0}]},"
                        + "'finish_reason':null,'native_finish_reason':null,'logprobs':null}]}",
                "{'choices':[{'index':0,'delta':{'content':'Yes','reasoning':null}}]}"));
        assertThat(out).startsWith(ndjson(List.of(
                CHAT + "'message':{'role':'assistant','content':'','thinking':'Let me'},'done':false}",
                CHAT + "'message':{'role':'assistant','content':'Yes'},'done':false}")));
    }

    @Test
    void thinkingSentUnderBothNamesIsNotDoubled() {
        // vLLM during its reasoning_content → reasoning rename, and mlx-vlm, send the same text under both names
        String out = run(chatRequest(""), "text/event-stream", sse(
                "{'choices':[{'index':0,'delta':{'reasoning':'Hmm','reasoning_content':'Hmm'}}]}",
                "{'choices':[{'index':0,'delta':{'reasoning_content':'','reasoning':'ok'}}]}"));
        assertThat(out).startsWith(ndjson(List.of(
                CHAT + "'message':{'role':'assistant','content':'','thinking':'Hmm'},'done':false}",
                CHAT + "'message':{'role':'assistant','content':'','thinking':'ok'},'done':false}")));
    }

    @Test
    void eventsWithoutOutputAreNotForwarded() {
        String out = run(chatRequest(""), "text/event-stream", sse(
                "{'choices':[{'index':0,'delta':{'role':'assistant'}}]}",
                "{'choices':[{'index':0,'delta':{'content':''}}]}",
                "{'choices':[{'index':0,'delta':{'content':null,'reasoning_content':null}}]}",
                "{'choices':[]}",
                "{'object':'chat.completion.chunk'}",
                "{'choices':[{'index':0,'delta':{'content':'a'}}]}"));
        assertThat(out.split("\n")).hasSize(2);
        assertThat(out.split("\n")[0]).isEqualTo(q(CHAT + "'message':{'role':'assistant','content':'a'},'done':false}"));
    }

    @Test
    void onlyTheFirstChoiceIsUsed() {
        String out = run(chatRequest(""), "text/event-stream", sse(
                "{'choices':[{'index':0,'delta':{'content':'A'}},{'index':1,'delta':{'content':'B'}}]}"));
        assertThat(out.split("\n")[0]).isEqualTo(q(CHAT + "'message':{'role':'assistant','content':'A'},'done':false}"));
    }

    @Test
    void usageInTheFinishChunkAndLaterUsageWins() {
        String out = run(chatRequest(""), "text/event-stream", sse(
                "{'choices':[{'index':0,'delta':{'content':'a'}}],'usage':null}",
                "{'choices':[{'index':0,'delta':{},'finish_reason':'stop'}],'usage':{'prompt_tokens':3,'completion_tokens':1}}",
                "{'choices':[],'usage':{'prompt_tokens':12,'completion_tokens':7,'total_tokens':19}}"));
        assertThat(out.split("\n")[1]).isEqualTo(q(CHAT + "'message':{'role':'assistant','content':''},'done':true,"
                + "'done_reason':'stop'," + metrics(12, 7) + "}"));
    }

    @Test
    void withoutUsageEvalCountCountsOutputEvents() {
        String out = run(chatRequest(""), "text/event-stream", sse(
                "{'choices':[{'index':0,'delta':{'role':'assistant','content':''}}]}",
                "{'choices':[{'index':0,'delta':{'reasoning_content':'r'}}]}",
                "{'choices':[{'index':0,'delta':{'content':'a'}}]}",
                "{'choices':[{'index':0,'delta':{'content':'b'}}]}",
                "{'choices':[{'index':0,'delta':{'tool_calls':[{'index':0,'id':'c','function':{'name':'f','arguments':'{}'}}]}}]}",
                "{'choices':[{'index':0,'delta':{},'finish_reason':'stop'}]}"));
        String[] lines = out.split("\n");
        assertThat(lines[lines.length - 1]).isEqualTo(q(CHAT + "'message':{'role':'assistant','content':''},'done':true,"
                + "'done_reason':'stop'," + metrics(0, 4) + "}"));
    }

    @Test
    void firstTokenTimeIsRecordedOnceAndDrivesTheDurations() {
        InferenceRequest request = chatRequest("");
        times = new ExchangeTimes(START);
        times.upstreamSent = SENT;
        ChatAnswerTranslator t = ChatAnswerTranslator.ollama(request, times, clocks, 65536);
        CollectingOutput out = new CollectingOutput();
        nanos.set(2_000);
        feedAll(t, out, "data: {\"choices\":[{\"delta\":{\"role\":\"assistant\"}}]}\n\n");
        assertThat(times.firstToken).isZero(); // a role-only event is not a token
        nanos.set(4_000);
        feedAll(t, out, "data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\n");
        nanos.set(6_000);
        feedAll(t, out, "data: {\"choices\":[{\"delta\":{\"content\":\"b\"}}]}\n\n");
        assertThat(times.firstToken).isEqualTo(4_000);
        nanos.set(20_000);
        t.onEnd(out);
        JsonNode last = parse(out.writes.get(out.writes.size() - 1).trim());
        assertThat(last.path("total_duration").asLong()).isEqualTo(19_000);
        assertThat(last.path("load_duration").asLong()).isEqualTo(500);
        assertThat(last.path("prompt_eval_duration").asLong()).isEqualTo(2_500);
        assertThat(last.path("eval_duration").asLong()).isEqualTo(16_000);
        assertThat(last.path("eval_count").asLong()).isEqualTo(2);
    }

    @Test
    void withoutASendTimeTheRequestStartIsUsed() {
        InferenceRequest request = chatRequest("");
        times = new ExchangeTimes(START);
        ChatAnswerTranslator t = ChatAnswerTranslator.ollama(request, times, clocks, 65536);
        CollectingOutput out = new CollectingOutput();
        nanos.set(EVENTS_AT);
        feedAll(t, out, "data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\n");
        nanos.set(END);
        t.onEnd(out);
        assertThat(out.writes.get(1)).isEqualTo(q(CHAT + "'message':{'role':'assistant','content':''},'done':true,"
                + "'done_reason':'stop','total_duration':9000,'load_duration':0,'prompt_eval_count':0,"
                + "'prompt_eval_duration':2000,'eval_count':1,'eval_duration':7000}") + "\n");
    }

    @Test
    void anAnswerWithoutAnyTokenStillEndsWithDone() {
        String out = run(chatRequest(""), "text/event-stream", sse(
                "{'choices':[{'index':0,'delta':{},'finish_reason':'length'}],'usage':{'prompt_tokens':4,'completion_tokens':0}}"));
        // no token: the first-token time is the end, so all the waiting counts as prompt evaluation
        assertThat(out).isEqualTo(q(CHAT + "'message':{'role':'assistant','content':''},'done':true,'done_reason':'length',"
                + "'total_duration':9000,'load_duration':500,'prompt_eval_count':4,'prompt_eval_duration':8500,"
                + "'eval_count':0,'eval_duration':0}") + "\n");
        assertOllamaStream(out, true);
    }

    @Test
    void theDoneSentinelAndTheLastBlankLineAreOptional() {
        byte[] withoutDone = ("data: " + q("{'choices':[{'index':0,'delta':{'content':'a'}}]}") + "\n\n")
                .getBytes(StandardCharsets.UTF_8);
        byte[] noBlankLineAtEnd = ("data: " + q("{'choices':[{'index':0,'delta':{'content':'a'}}]}"))
                .getBytes(StandardCharsets.UTF_8);
        String expected = run(chatRequest(""), "text/event-stream", sse("{'choices':[{'index':0,'delta':{'content':'a'}}]}"));
        assertThat(run(chatRequest(""), "text/event-stream", withoutDone)).isEqualTo(expected);
        // an event completed only by the end of the body is read at the end: same lines, its token timed then
        assertThat(run(chatRequest(""), "text/event-stream", noBlankLineAtEnd)).isEqualTo(ndjson(List.of(
                CHAT + "'message':{'role':'assistant','content':'a'},'done':false}",
                CHAT + "'message':{'role':'assistant','content':''},'done':true,'done_reason':'stop',"
                        + "'total_duration':9000,'load_duration':500,'prompt_eval_count':0,'prompt_eval_duration':8500,"
                        + "'eval_count':1,'eval_duration':0}")));
    }

    // ---------------------------------------------------------------- generate shape

    @Test
    void generateAnswersCarryResponseAndTopLevelThinking() {
        String out = run(generateRequest(""), "text/event-stream", sse(
                "{'choices':[{'index':0,'delta':{'role':'assistant','content':'','reasoning':'hmm'}}]}",
                "{'choices':[{'index':0,'delta':{'content':'Because'}}]}",
                "{'choices':[{'index':0,'delta':{},'finish_reason':'stop'}],'usage':{'prompt_tokens':7,'completion_tokens':2}}"));
        assertThat(out).isEqualTo(ndjson(List.of(
                GEN + "'response':'','thinking':'hmm','done':false}",
                GEN + "'response':'Because','done':false}",
                GEN + "'response':'','done':true,'done_reason':'stop'," + metrics(7, 2) + "}")));
        assertOllamaStream(out, false);
    }

    @Test
    void rawGenerateReadsLegacyCompletionsText() {
        InferenceRequest raw = generateRequest(",'raw':true");
        assertThat(raw.shape()).isEqualTo(InferenceRequest.Shape.COMPLETION);
        String out = run(raw, "text/event-stream", sse(
                "{'id':'cmpl-1','object':'text_completion','created':1,'model':'m','choices':[{'index':0,'text':' world',"
                        + "'logprobs':null,'finish_reason':null}]}",
                "{'id':'cmpl-1','object':'text_completion','created':1,'model':'m','choices':[{'index':0,'text':'!',"
                        + "'logprobs':null,'finish_reason':'length'}]}",
                "{'id':'cmpl-1','object':'text_completion','choices':[],'usage':{'prompt_tokens':2,'completion_tokens':2}}"));
        assertThat(out).isEqualTo(ndjson(List.of(
                GEN + "'response':' world','done':false}",
                GEN + "'response':'!','done':false}",
                GEN + "'response':'','done':true,'done_reason':'length'," + metrics(2, 2) + "}")));
    }

    // ---------------------------------------------------------------- logprobs

    @Test
    void chatLogprobsPassThroughInOllamaShape() {
        String entry = "{'token':'Hi','logprob':-0.25,'bytes':[72,105],'top_logprobs':[{'token':'Hi','logprob':-0.25,"
                + "'bytes':[72,105]},{'token':'Hello','logprob':-1.5,'bytes':[72,101,108,108,111]}]}";
        String out = run(chatRequest(",'logprobs':true,'top_logprobs':2"), "text/event-stream", sse(
                "{'choices':[{'index':0,'delta':{'content':'Hi'},'logprobs':{'content':[" + entry + "],'refusal':null},"
                        + "'finish_reason':null}]}",
                "{'choices':[{'index':0,'delta':{},'logprobs':{'content':[]},'finish_reason':'stop'}]}"));
        assertThat(out).isEqualTo(ndjson(List.of(
                CHAT + "'message':{'role':'assistant','content':'Hi'},'logprobs':[" + entry + "],'done':false}",
                CHAT + "'message':{'role':'assistant','content':''},'done':true,'done_reason':'stop'," + metrics(0, 1) + "}")));
    }

    @Test
    void legacyCompletionsLogprobsAreTurnedIntoOllamaEntries() {
        String out = run(generateRequest(",'raw':true,'logprobs':true,'top_logprobs':2"), "text/event-stream", sse(
                "{'choices':[{'index':0,'text':' world','logprobs':{'tokens':[' world'],'token_logprobs':[-0.5],"
                        + "'top_logprobs':[{' world':-0.5,' there':-2.0}],'text_offset':[5]},'finish_reason':null}]}",
                "{'choices':[{'index':0,'text':'!?','logprobs':{'tokens':['!','?'],'token_logprobs':[-0.125,-3.0],"
                        + "'top_logprobs':null,'text_offset':[11,12]},'finish_reason':null}]}"));
        assertThat(out).startsWith(ndjson(List.of(
                GEN + "'response':' world','logprobs':[{'token':' world','logprob':-0.5,'top_logprobs':["
                        + "{'token':' world','logprob':-0.5},{'token':' there','logprob':-2.0}]}],'done':false}",
                GEN + "'response':'!?','logprobs':[{'token':'!','logprob':-0.125},{'token':'?','logprob':-3.0}],'done':false}")));
    }

    // ---------------------------------------------------------------- stream:false

    @Test
    void notStreamingMergesEverythingIntoOneCompactObject() {
        InferenceRequest request = chatRequest(",'stream':false");
        String lp1 = "{'token':'Hel','logprob':-0.5,'bytes':[72,101,108],'top_logprobs':[]}";
        String lp2 = "{'token':'lo','logprob':-0.25,'bytes':[108,111],'top_logprobs':[]}";
        String[] events = {
            "{'choices':[{'index':0,'delta':{'role':'assistant','content':''}}]}",
            "{'choices':[{'index':0,'delta':{'reasoning_content':'Think'}}]}",
            "{'choices':[{'index':0,'delta':{'reasoning_content':'ing.'}}]}",
            "{'choices':[{'index':0,'delta':{'content':'Hel'},'logprobs':{'content':[" + lp1 + "]}}]}",
            "{'choices':[{'index':0,'delta':{'content':'lo'},'logprobs':{'content':[" + lp2 + "]}}]}",
            TOOL_CALLS_CHAT[0], TOOL_CALLS_CHAT[1], TOOL_CALLS_CHAT[2], TOOL_CALLS_CHAT[3], TOOL_CALLS_CHAT[4], TOOL_CALLS_CHAT[5],
            "{'choices':[],'usage':{'prompt_tokens':30,'completion_tokens':25}}",
        };
        CollectingOutput out = runCollecting(request, "text/event-stream", sse(events));
        String expected = q(CHAT + "'message':{'role':'assistant','content':'Hello','thinking':'Thinking.',"
                + "'tool_calls':" + TWO_CALLS + "},'logprobs':[" + lp1 + "," + lp2 + "],'done':true,'done_reason':'stop',"
                + metrics(30, 25) + "}");
        assertThat(out.writes).containsExactly(expected);
        assertThat(Json.write(parse(expected))).isEqualTo(expected);

        byte[] body = sse(events);
        for (int cut = 0; cut <= body.length; cut += 7) {
            assertThat(run(request, "text/event-stream", body, cut)).as("cut at %d", cut).isEqualTo(expected);
        }
    }

    @Test
    void notStreamingGenerate() {
        String out = run(generateRequest(",'stream':false"), "text/event-stream", sse(
                "{'choices':[{'index':0,'delta':{'content':'Be'}}]}",
                "{'choices':[{'index':0,'delta':{'content':'cause'}}]}",
                "{'choices':[{'index':0,'delta':{},'finish_reason':'length'}],'usage':{'prompt_tokens':7,'completion_tokens':2}}"));
        assertThat(out).isEqualTo(q(GEN + "'response':'Because','done':true,'done_reason':'length'," + metrics(7, 2) + "}"));
    }

    @Test
    void notStreamingWithoutOutputHasEmptyContentAndNoOptionalFields() {
        String out = run(chatRequest(",'stream':false"), "text/event-stream", sse("{'choices':[{'index':0,'delta':{},"
                + "'finish_reason':'stop'}]}"));
        assertThat(out).isEqualTo(q(CHAT + "'message':{'role':'assistant','content':''},'done':true,'done_reason':'stop',"
                + "'total_duration':9000,'load_duration':500,'prompt_eval_count':0,'prompt_eval_duration':8500,"
                + "'eval_count':0,'eval_duration':0}"));
    }

    @Test
    void contentTypeAndStreamingFollowTheRequest() {
        ChatAnswerTranslator streaming = ChatAnswerTranslator.ollama(chatRequest(""), new ExchangeTimes(0), clocks, 1024);
        ChatAnswerTranslator whole = ChatAnswerTranslator.ollama(chatRequest(",'stream':false"), new ExchangeTimes(0), clocks, 1024);
        assertThat(streaming.streaming()).isTrue();
        assertThat(streaming.contentType()).isEqualTo("application/x-ndjson");
        assertThat(whole.streaming()).isFalse();
        assertThat(whole.contentType()).isEqualTo("application/json; charset=utf-8");
    }

    // ---------------------------------------------------------------- backend answered with one JSON object

    private static final String WHOLE_COMPLETION = "{'id':'chatcmpl-9','object':'chat.completion','created':1,"
            + "'model':'gpt-4o','choices':[{'index':0,'message':{'role':'assistant','content':'Hello there',"
            + "'reasoning_content':'Hmm','refusal':null,'tool_calls':[{'id':'call_1','type':'function','function':"
            + "{'name':'f','arguments':'{\\'a\\':1}'}}]},'logprobs':null,'finish_reason':'length'}],"
            + "'usage':{'prompt_tokens':5,'completion_tokens':7,'total_tokens':12},'system_fingerprint':null}";

    @ParameterizedTest
    @ValueSource(strings = {"application/json", "application/json; charset=utf-8", "Application/JSON"})
    void aWholeJsonAnswerIsTranslatedWhenTheClientStreams(String contentType) {
        byte[] body = q(WHOLE_COMPLETION).getBytes(StandardCharsets.UTF_8);
        String expected = ndjson(List.of(
                CHAT + "'message':{'role':'assistant','content':'Hello there','thinking':'Hmm'},'done':false}",
                CHAT + "'message':{'role':'assistant','content':'','tool_calls':[{'id':'call_1','function':{'index':0,"
                        + "'name':'f','arguments':{'a':1}}}]},'done':false}",
                // the one answer arrives at the end, so its first token is the end: no eval time
                CHAT + "'message':{'role':'assistant','content':''},'done':true,'done_reason':'length',"
                        + "'total_duration':9000,'load_duration':500,'prompt_eval_count':5,'prompt_eval_duration':8500,"
                        + "'eval_count':7,'eval_duration':0}"));
        assertThat(run(chatRequest(""), contentType, body)).isEqualTo(expected);
        for (int cut = 0; cut <= body.length; cut += 5) {
            assertThat(run(chatRequest(""), contentType, body, cut)).as("cut at %d", cut).isEqualTo(expected);
        }
    }

    @Test
    void aWholeJsonAnswerIsTranslatedWhenTheClientDoesNotStream() {
        String out = run(chatRequest(",'stream':false"), "application/json", q(WHOLE_COMPLETION).getBytes(StandardCharsets.UTF_8));
        assertThat(out).isEqualTo(q(CHAT + "'message':{'role':'assistant','content':'Hello there','thinking':'Hmm',"
                + "'tool_calls':[{'id':'call_1','function':{'index':0,'name':'f','arguments':{'a':1}}}]},'done':true,"
                + "'done_reason':'length','total_duration':9000,'load_duration':500,'prompt_eval_count':5,"
                + "'prompt_eval_duration':8500,'eval_count':7,'eval_duration':0}"));
    }

    @Test
    void aWholeLegacyCompletionWithLogprobs() {
        String body = "{'id':'cmpl-1','object':'text_completion','choices':[{'index':0,'text':'Hi!','logprobs':"
                + "{'tokens':['Hi','!'],'token_logprobs':[-0.5,-1.0],'top_logprobs':null},'finish_reason':'stop'}],"
                + "'usage':{'prompt_tokens':1,'completion_tokens':2}}";
        String out = run(generateRequest(",'raw':true,'stream':false,'logprobs':true"), "application/json",
                q(body).getBytes(StandardCharsets.UTF_8));
        assertThat(out).isEqualTo(q(GEN + "'response':'Hi!','logprobs':[{'token':'Hi','logprob':-0.5},"
                + "{'token':'!','logprob':-1.0}],'done':true,'done_reason':'stop','total_duration':9000,"
                + "'load_duration':500,'prompt_eval_count':1,'prompt_eval_duration':8500,'eval_count':2,'eval_duration':0}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"choices\":[{\"message\":{\"content\":\"Hel", "{\"choices\":[", "", "{} {}"})
    void aTruncatedOrInvalidWholeJsonAnswerIs502(String body) {
        Throwable thrown = catchRelay(() -> run(chatRequest(""), "application/json", body.getBytes(StandardCharsets.UTF_8)));
        assertThat(((RelayException) thrown).status()).isEqualTo(502);
        assertThat(thrown.getMessage()).startsWith("backend sent an unreadable response: ");
    }

    @Test
    void anErrorObjectInAWholeJsonAnswerIs502() {
        assertRelay502(() -> run(chatRequest(""), "application/json",
                q("{'error':{'message':'context length exceeded','type':'invalid_request_error'}}").getBytes(StandardCharsets.UTF_8)),
                "backend error: context length exceeded");
    }

    // ---------------------------------------------------------------- errors

    @Test
    void anErrorEventIs502WithTheBackendMessage() {
        assertRelay502(() -> run(chatRequest(""), "text/event-stream", sse(
                "{'choices':[{'index':0,'delta':{'content':'a'}}]}",
                "{'error':{'message':'model overloaded','type':'server_error','param':null,'code':503}}")),
                "backend error: model overloaded");
    }

    @Test
    void anErrorStringEventIs502WithTheBackendMessage() {
        assertRelay502(() -> run(chatRequest(""), "text/event-stream", sse("{'error':'boom'}")), "backend error: boom");
    }

    @Test
    void anErrorWithoutMessageIs502WithTheWholeErrorMember() {
        assertRelay502(() -> run(chatRequest(""), "text/event-stream", sse("{'error':{'code':500}}")),
                "backend error: {\"code\":500}");
    }

    @Test
    void aNullErrorMemberIsNoError() {
        String out = run(chatRequest(""), "text/event-stream", sse("{'error':null,'choices':[{'index':0,'delta':{'content':'a'}}]}"));
        assertThat(out.split("\n")[0]).isEqualTo(q(CHAT + "'message':{'role':'assistant','content':'a'},'done':false}"));
    }

    @Test
    void anEventOfTypeErrorIs502WithTheBackendMessage() {
        assertRelay502(() -> run(chatRequest(""), "text/event-stream",
                "event: error\ndata: {\"error\":{\"message\":\"rate limited\"}}\n\n".getBytes(StandardCharsets.UTF_8)),
                "backend error: rate limited");
        assertRelay502(() -> run(chatRequest(""), "text/event-stream",
                "event: error\ndata: {\"message\":\"rate limited\"}\n\n".getBytes(StandardCharsets.UTF_8)),
                "backend error: {\"message\":\"rate limited\"}");
    }

    @Test
    void anEventOfTypeErrorWithPlainTextDataIs502WithThatText() {
        assertRelay502(() -> run(chatRequest(""), "text/event-stream",
                "event: error\ndata: upstream connect error\n\n".getBytes(StandardCharsets.UTF_8)),
                "backend error: upstream connect error");
    }

    @ParameterizedTest
    @ValueSource(strings = {"hello", "{\"choices\":[{\"delta\":{\"content\":\"Hel", "[1,2]", "{\"choices\":[{\"delta\":{\"content\":\"a\"}}]}}"})
    void anInvalidEventIs502(String data) {
        Throwable thrown = catchRelay(() -> run(chatRequest(""), "text/event-stream",
                ("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8)));
        assertThat(((RelayException) thrown).status()).isEqualTo(502);
        assertThat(thrown.getMessage()).startsWith("backend sent an invalid stream event: ");
    }

    @Test
    void toolCallArgumentsThatAreNotAJsonObjectAre502() {
        assertRelay502(() -> run(chatRequest(""), "text/event-stream", sse(
                "{'choices':[{'index':0,'delta':{'tool_calls':[{'index':0,'id':'c','function':{'name':'get_weather',"
                        + "'arguments':'{\\'city\\': Tok'}}]}}]}")),
                "backend sent tool call \"get_weather\" with arguments that are not a JSON object: {\"city\": Tok");
        assertRelay502(() -> run(chatRequest(""), "text/event-stream", sse(
                "{'choices':[{'index':0,'delta':{'tool_calls':[{'index':0,'id':'c','function':{'name':'f',"
                        + "'arguments':'[1, 2]'}}]}}]}")),
                "backend sent tool call \"f\" with arguments that are not a JSON object: [1, 2]");
        assertRelay502(() -> run(chatRequest(""), "text/event-stream", sse(
                "{'choices':[{'index':0,'delta':{'tool_calls':[{'index':0,'id':'c','function':{'name':'f',"
                        + "'arguments':'\\'Tokyo\\''}}]}}]}")),
                "backend sent tool call \"f\" with arguments that are not a JSON object: \"Tokyo\"");
        assertRelay502(() -> run(chatRequest(""), "text/event-stream", sse(
                "{'choices':[{'index':0,'delta':{'tool_calls':[{'index':0,'id':'c','function':{'name':'f',"
                        + "'arguments':'{\\'a\\':1}{\\'a\\':2}'}}]}}]}")),
                "backend sent tool call \"f\" with arguments that are not a JSON object: {\"a\":1}{\"a\":2}");
    }

    @Test
    void aToolCallWithoutANameIs502() {
        assertRelay502(() -> run(chatRequest(""), "text/event-stream", sse(
                "{'choices':[{'index':0,'delta':{'tool_calls':[{'index':0,'id':'c','function':{'arguments':'{}'}}]}}]}")),
                "backend sent a tool call without a function name");
    }

    @Test
    void anOverSizeEventIs502() {
        InferenceRequest request = chatRequest("");
        ChatAnswerTranslator t = ChatAnswerTranslator.ollama(request, new ExchangeTimes(0), clocks, 64);
        CollectingOutput out = new CollectingOutput();
        byte[] body = sse("{'choices':[{'index':0,'delta':{'content':'" + "x".repeat(100) + "'}}]}");
        assertRelay502(() -> CollectingOutput.feed(t, out, body, 0, body.length),
                "backend sent an unreadable response: SSE line longer than 64 bytes");
        assertThat(out.writes).isEmpty();
    }

    // ---------------------------------------------------------------- helpers

    private static InferenceRequest chatRequest(String extra) {
        return OllamaRequests.chat(json("{'model':'qwen3','messages':[{'role':'user','content':'hi'}]" + extra + "}"));
    }

    private static InferenceRequest generateRequest(String extra) {
        return OllamaRequests.generate(json("{'model':'llama3.2','prompt':'Why?'" + extra + "}"));
    }

    private String run(InferenceRequest request, String backendType, byte[] body, int... cuts) {
        return runCollecting(request, backendType, body, cuts).text();
    }

    private CollectingOutput runCollecting(InferenceRequest request, String backendType, byte[] body, int... cuts) {
        times = new ExchangeTimes(START);
        times.upstreamSent = SENT;
        nanos.set(EVENTS_AT);
        ChatAnswerTranslator t = ChatAnswerTranslator.ollama(request, times, clocks, 65536);
        t.onHead(backendType);
        CollectingOutput out = new CollectingOutput();
        CollectingOutput.feedCut(t, out, body, cuts);
        nanos.set(END);
        t.onEnd(out);
        return out;
    }

    private static void feedAll(ChatAnswerTranslator t, CollectingOutput out, String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        CollectingOutput.feed(t, out, b, 0, b.length);
    }

    /** The six metrics for the fake clock: total 9000, load 500, prompt eval 1500, eval 7000. */
    private static String metrics(long promptEvalCount, long evalCount) {
        return "'total_duration':9000,'load_duration':500,'prompt_eval_count':" + promptEvalCount
                + ",'prompt_eval_duration':1500,'eval_count':" + evalCount + ",'eval_duration':7000";
    }

    /** An SSE body: one {@code data:} event per JSON text (single quotes read as double), then [DONE]. */
    private static byte[] sse(String... events) {
        StringBuilder sb = new StringBuilder();
        for (String e : events) {
            sb.append("data: ").append(q(e)).append("\n\n");
        }
        return sb.append("data: [DONE]\n\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String ndjson(List<String> lines) {
        StringBuilder sb = new StringBuilder();
        for (String line : lines) {
            sb.append(q(line)).append('\n');
        }
        return sb.toString();
    }

    /** JSON written with single quotes for readability; {@code \\'} stays an escaped double quote. */
    static String q(String singleQuoted) {
        return singleQuoted.replace('\'', '"');
    }

    private static JsonNode json(String singleQuoted) {
        return parse(q(singleQuoted));
    }

    private static JsonNode parse(String text) {
        try {
            return Json.mapper().readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What every Ollama chat/generate stream must look like, whatever its content (reference §2, §7). */
    private static void assertOllamaStream(String out, boolean chat) {
        assertThat(out).endsWith("\n").doesNotContain("\n\n").doesNotStartWith("\n").doesNotContain("\r");
        String[] lines = out.split("\n");
        for (int i = 0; i < lines.length; i++) {
            JsonNode n = parse(lines[i]);
            boolean last = i == lines.length - 1;
            assertThat(n.isObject()).isTrue();
            assertThat(Json.write(n)).as("compact").isEqualTo(lines[i]);
            assertThat(n.has("error")).isFalse();
            assertThat(n.path("model").isTextual()).isTrue();
            assertThat(n.path("created_at").isTextual()).isTrue();
            assertThat(n.path("done").isBoolean()).isTrue();
            assertThat(n.path("done").booleanValue()).isEqualTo(last);
            if (chat) {
                assertThat(n.path("message").path("role").asText()).isEqualTo("assistant");
                assertThat(n.path("message").path("content").isTextual()).isTrue();
                assertThat(n.has("response")).isFalse();
            } else {
                assertThat(n.path("response").isTextual()).isTrue();
                assertThat(n.has("message")).isFalse();
            }
            for (String metric : new String[] {"total_duration", "load_duration", "prompt_eval_count",
                    "prompt_eval_duration", "eval_count", "eval_duration"}) {
                if (last) {
                    assertThat(n.path(metric).isIntegralNumber()).as(metric).isTrue();
                    assertThat(n.path(metric).asLong()).as(metric).isNotNegative();
                } else {
                    assertThat(n.has(metric)).as(metric).isFalse();
                }
            }
            assertThat(n.path("done_reason").isTextual()).isEqualTo(last);
        }
    }

    private static Throwable catchRelay(ThrowingCallable call) {
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(call);
        assertThat(thrown).isInstanceOf(RelayException.class);
        return thrown;
    }

    private static void assertRelay502(ThrowingCallable call, String message) {
        assertThatThrownBy(call).isInstanceOf(RelayException.class).hasMessage(message)
                .satisfies(e -> assertThat(((RelayException) e).status()).isEqualTo(502));
    }
}
