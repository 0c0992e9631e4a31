package io.llmrelay.core.translate;

import static io.llmrelay.core.translate.TestJson.json;
import static io.llmrelay.core.translate.TestJson.q;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OpenAiChunkDecoderTest {

    @Test
    void aChatDelta() throws IOException {
        ChatDelta d = decode("{'id':'x','object':'chat.completion.chunk','created':1,'model':'m','system_fingerprint':'fp',"
                + "'choices':[{'index':0,'delta':{'role':'assistant','content':'Hi','refusal':null,'audio':{'id':'a'}},"
                + "'logprobs':null,'finish_reason':null,'content_filter_results':{'hate':{'filtered':false}}}]}");
        assertThat(d.content).isEqualTo("Hi");
        assertThat(d.thinking).isNull();
        assertThat(d.logprobs).isNull();
        assertThat(d.toolFragments).isEmpty();
        assertThat(d.finishReason).isNull();
        assertThat(d.promptTokens).isEqualTo(-1);
        assertThat(d.completionTokens).isEqualTo(-1);
        assertThat(d.error).isNull();
        assertThat(d.hasOutput()).isTrue();
    }

    @Test
    void usageAndFinishReason() throws IOException {
        ChatDelta d = decode("{'choices':[{'index':0,'delta':{},'finish_reason':'length'}],"
                + "'usage':{'prompt_tokens':26,'completion_tokens':4,'total_tokens':30,'prompt_tokens_details':{'cached_tokens':0}}}");
        assertThat(d.finishReason).isEqualTo("length");
        assertThat(d.promptTokens).isEqualTo(26);
        assertThat(d.completionTokens).isEqualTo(4);
        assertThat(d.hasOutput()).isFalse();
    }

    @Test
    void aUsageThatIsNoObjectIsSkippedAndTheRestStillRead() throws IOException {
        ChatDelta d = decode("{'usage':[1,{'prompt_tokens':3}],'choices':[{'delta':{'content':'a'}}]}");
        assertThat(d.content).isEqualTo("a");
        assertThat(d.promptTokens).isEqualTo(-1);
        assertThat(decode("{'usage':null,'choices':[{'delta':{'content':'b'}}]}").content).isEqualTo("b");
    }

    @Test
    void reasoningUnderEitherName() throws IOException {
        assertThat(decode("{'choices':[{'delta':{'reasoning_content':'r1'}}]}").thinking).isEqualTo("r1");
        assertThat(decode("{'choices':[{'delta':{'reasoning':'r2'}}]}").thinking).isEqualTo("r2");
        assertThat(decode("{'choices':[{'delta':{'reasoning':'same','reasoning_content':'same'}}]}").thinking).isEqualTo("same");
        assertThat(decode("{'choices':[{'delta':{'reasoning':null,'reasoning_content':'x'}}]}").thinking).isEqualTo("x");
        assertThat(decode("{'choices':[{'delta':{'reasoning':'','reasoning_content':'y'}}]}").thinking).isEqualTo("y");
    }

    @Test
    void toolCallFragments() throws IOException {
        ChatDelta d = decode("{'choices':[{'delta':{'tool_calls':["
                + "{'index':1,'id':'call_1','type':'function','function':{'name':'f','arguments':'{\\'a'}},"
                + "{'function':{'arguments':{'b':[1]}}},"
                + "{'index':'x','id':5,'function':{'name':null,'arguments':null,'extra':{}}}]}}]}");
        assertThat(d.toolFragments).containsExactly(
                new ChatDelta.ToolFragment(1, "call_1", "f", "{\"a"),
                new ChatDelta.ToolFragment(1, null, null, "{\"b\":[1]}"), // no index: its position
                new ChatDelta.ToolFragment(2, null, null, null));
        assertThat(d.hasOutput()).isTrue();
    }

    @Test
    void aStrayValueInTheToolCallListIsSkippedAndWhatFollowsStillRead() throws IOException {
        ChatDelta d = decode("{'choices':[{'delta':{'tool_calls':[null,{'function':{'name':'f'}},[1,{'a':2}],"
                + "{'index':4,'function':{'name':'g'}}],'content':'after'},'finish_reason':'tool_calls'}]}");
        assertThat(d.toolFragments).containsExactly(
                new ChatDelta.ToolFragment(0, null, "f", null),
                new ChatDelta.ToolFragment(4, null, "g", null));
        assertThat(d.content).isEqualTo("after");
        assertThat(d.finishReason).isEqualTo("tool_calls");
    }

    @Test
    void legacyCompletionsText() throws IOException {
        ChatDelta d = decode("{'object':'text_completion','choices':[{'index':0,'text':' world','logprobs':null,'finish_reason':'stop'}]}");
        assertThat(d.content).isEqualTo(" world");
        assertThat(d.finishReason).isEqualTo("stop");
    }

    @Test
    void aWholeCompletionMessage() throws IOException {
        ChatDelta d = decode("{'choices':[{'index':0,'message':{'role':'assistant','content':'Hello','reasoning_content':'r',"
                + "'tool_calls':[{'id':'c','type':'function','function':{'name':'f','arguments':'{}'}}]},'finish_reason':'tool_calls'}],"
                + "'usage':{'prompt_tokens':1,'completion_tokens':2}}");
        assertThat(d.content).isEqualTo("Hello");
        assertThat(d.thinking).isEqualTo("r");
        assertThat(d.toolFragments).containsExactly(new ChatDelta.ToolFragment(0, "c", "f", "{}"));
        assertThat(d.finishReason).isEqualTo("tool_calls");
    }

    @Test
    void onlyTheFirstChoiceCounts() throws IOException {
        ChatDelta d = decode("{'choices':[{'index':0,'delta':{'content':'A'}},{'index':1,'delta':{'content':'B'},"
                + "'finish_reason':'length'}],'usage':{'prompt_tokens':7}}");
        assertThat(d.content).isEqualTo("A");
        assertThat(d.finishReason).isNull();
        assertThat(d.promptTokens).isEqualTo(7); // fields after the choices are still read
    }

    @Test
    void logprobsInBothShapes() throws IOException {
        assertThat(decode("{'choices':[{'delta':{'content':'a'},'logprobs':{'content':[{'token':'a','logprob':-1.0}]}}]}").logprobs)
                .isEqualTo(json("[{'token':'a','logprob':-1.0}]"));
        assertThat(decode("{'choices':[{'text':'a','logprobs':{'tokens':['a'],'token_logprobs':[-1.0]}}]}").logprobs)
                .isEqualTo(json("[{'token':'a','logprob':-1.0}]"));
    }

    @Test
    void errorMembers() throws IOException {
        assertThat(decode("{'error':{'message':'overloaded','type':'server_error'}}").error).isEqualTo("overloaded");
        assertThat(decode("{'error':'boom'}").error).isEqualTo("boom");
        assertThat(decode("{'error':null}").error).isNull();
        assertThat(decode("{'error':{'code':429}}").error).isEqualTo("{\"code\":429}");
    }

    @Test
    void oddValuesReadAsAbsent() throws IOException {
        ChatDelta d = decode("{'choices':{'a':1},'x':[1,[2]]}");
        assertThat(d.content).isNull();
        ChatDelta e = decode("{'choices':[{'delta':{'content':5,'tool_calls':{}},'finish_reason':7,'logprobs':[1]}]}");
        assertThat(e.content).isNull();
        assertThat(e.finishReason).isNull();
        assertThat(e.toolFragments).isEmpty();
        assertThat(e.logprobs).isNull();
    }

    @Test
    void eachDecodeStartsAfresh() throws IOException {
        ChatDelta d = new ChatDelta();
        decodeInto("{'choices':[{'delta':{'content':'a','reasoning':'r','tool_calls':[{'function':{'name':'f'}}]},"
                + "'finish_reason':'stop'}],'usage':{'prompt_tokens':1,'completion_tokens':1},'error':'e'}", d);
        decodeInto("{'choices':[]}", d);
        assertThat(d.content).isNull();
        assertThat(d.thinking).isNull();
        assertThat(d.toolFragments).isEmpty();
        assertThat(d.finishReason).isNull();
        assertThat(d.promptTokens).isEqualTo(-1);
        assertThat(d.completionTokens).isEqualTo(-1);
        assertThat(d.error).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "hello", "[1]", "'text'", "{'choices':[", "{'a':1}}", "{'a':1}{'b':2}", "{'a':1}\n{'b':2}", "{'a':1} x"})
    void anythingButOneJsonObjectFails(String text) {
        assertThatThrownBy(() -> decode(text)).isInstanceOf(IOException.class);
    }

    @Test
    void decodesARangeOfTheArray() throws IOException {
        byte[] data = q("xx{'choices':[{'delta':{'content':'mid'}}]}yy").getBytes(StandardCharsets.UTF_8);
        ChatDelta d = new ChatDelta();
        new OpenAiChunkDecoder().decode(data, 2, data.length - 4, d);
        assertThat(d.content).isEqualTo("mid");
    }

    @Test
    void oneDecoderReadsEventAfterEventAndRecoversAfterABrokenOne() throws IOException {
        OpenAiChunkDecoder decoder = new OpenAiChunkDecoder();
        ChatDelta d = new ChatDelta();
        for (String word : new String[] {"one", "two", "three"}) {
            byte[] data = q("{'choices':[{'delta':{'content':'" + word + "'}}]}").getBytes(StandardCharsets.UTF_8);
            decoder.decode(data, 0, data.length, d);
            assertThat(d.content).isEqualTo(word);
        }
        byte[] broken = q("{'choices':[").getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> decoder.decode(broken, 0, broken.length, d)).isInstanceOf(IOException.class);
        byte[] next = q("{'choices':[{'delta':{'content':'again'}}]}").getBytes(StandardCharsets.UTF_8);
        decoder.decode(next, 0, next.length, d);
        assertThat(d.content).isEqualTo("again");
    }

    @Test
    void streamsTranslatedOnOneThreadShareItsParserWithoutMixingTheirEvents() throws IOException {
        OpenAiChunkDecoder one = new OpenAiChunkDecoder();
        OpenAiChunkDecoder two = new OpenAiChunkDecoder();
        byte[] a = q("{'choices':[{'index':0,'delta':{'content':'a'}}]}").getBytes(StandardCharsets.UTF_8);
        byte[] b = q("{'choices':[{'index':0,'delta':{'content':'b'}}],'usage':{'prompt_tokens':3}}")
                .getBytes(StandardCharsets.UTF_8);
        byte[] broken = q("{'choices':[{'delta':").getBytes(StandardCharsets.UTF_8);
        ChatDelta d = new ChatDelta();
        one.decode(a, 0, a.length, d);
        assertThat(d.content).isEqualTo("a");
        two.decode(b, 0, b.length, d);
        assertThat(d.content).isEqualTo("b");
        assertThatThrownBy(() -> one.decode(broken, 0, broken.length, d)).isInstanceOf(IOException.class);
        two.decode(a, 0, a.length, d); // the other stream's next event gets a fresh parser
        assertThat(d.content).isEqualTo("a");
        one.decode(b, 0, b.length, d);
        assertThat(d.content).isEqualTo("b");
    }

    private static final String HEAD = "{'id':'chatcmpl-1','object':'chat.completion.chunk','created':1,'model':'m',"
            + "'system_fingerprint':'fp',";

    @Test
    void aHeadRepeatedOnEveryEventIsLearntOnceAndTheEventsStillReadWhole() throws IOException {
        OpenAiChunkDecoder decoder = new OpenAiChunkDecoder();
        ChatDelta d = new ChatDelta();
        decode(decoder, HEAD + "'choices':[{'index':0,'delta':{'role':'assistant','content':''}}]}", d);
        assertThat(decoder.headLength()).isEqualTo(q(HEAD).length());
        for (String word : new String[] {"one", "two", "three"}) {
            decode(decoder, HEAD + "'choices':[{'index':0,'delta':{'content':'" + word + "'},'finish_reason':null}]}", d);
            assertThat(d.content).isEqualTo(word);
        }
        // members after the choices are read as before
        decode(decoder, HEAD + "'choices':[{'index':0,'delta':{},'finish_reason':'stop'}],"
                + "'usage':{'prompt_tokens':5,'completion_tokens':3}}", d);
        assertThat(d.finishReason).isEqualTo("stop");
        assertThat(d.promptTokens).isEqualTo(5);
        assertThat(decoder.headLength()).isEqualTo(q(HEAD).length());
        // another head: parsed whole and learnt in its place
        decode(decoder, "{'id':'other','choices':[{'delta':{'content':'x'}}]}", d);
        assertThat(d.content).isEqualTo("x");
        assertThat(decoder.headLength()).isEqualTo(q("{'id':'other',").length());
    }

    @Test
    void aHeadHoldingAMemberTheDecoderReadsIsNeverSkipped() throws IOException {
        OpenAiChunkDecoder decoder = new OpenAiChunkDecoder();
        ChatDelta d = new ChatDelta();
        String event = "{'id':'x','usage':{'prompt_tokens':3},'choices':[{'delta':{'content':'a'}}]}";
        for (int i = 0; i < 2; i++) {
            decode(decoder, event, d);
            assertThat(d.promptTokens).isEqualTo(3);
            assertThat(decoder.headLength()).isEqualTo(-1);
        }
        String error = "{'error':'down','choices':[]}";
        for (int i = 0; i < 2; i++) {
            decode(decoder, error, d);
            assertThat(d.error).isEqualTo("down");
        }
    }

    @Test
    void theHeadIsWhereTheChoicesNameIsNotWhereItsTextFirstAppears() throws IOException {
        OpenAiChunkDecoder decoder = new OpenAiChunkDecoder();
        ChatDelta d = new ChatDelta();
        String event = "{'model':'\\'choices\\':','choices':[{'delta':{'content':'a'}}]}";
        decode(decoder, event, d);
        assertThat(decoder.headLength()).isEqualTo(q("{'model':'\\'choices\\':',").length());
        decode(decoder, event, d);
        assertThat(d.content).isEqualTo("a");
        // an escaped name is the same member but not the same bytes: nothing is learnt from it
        decode(decoder, "{'id':'x','\\u0063hoices':[{'delta':{'content':'b'}}]}", d);
        assertThat(d.content).isEqualTo("b");
        assertThat(decoder.headLength()).isEqualTo(-1);
    }

    @Test
    void aBrokenTailAfterARepeatedHeadFailsAndForgetsTheHead() throws IOException {
        OpenAiChunkDecoder decoder = new OpenAiChunkDecoder();
        ChatDelta d = new ChatDelta();
        decode(decoder, HEAD + "'choices':[{'delta':{'content':'a'}}]}", d);
        for (String broken : new String[] {HEAD + "'choices':[", HEAD + "'choices':[]}}", HEAD + "'choices':[] x}",
                HEAD + "'choices'}"}) {
            assertThatThrownBy(() -> decode(decoder, broken, d)).isInstanceOf(IOException.class);
            assertThat(decoder.headLength()).isEqualTo(-1);
            decode(decoder, HEAD + "'choices':[{'delta':{'content':'again'}}]}", d);
            assertThat(d.content).isEqualTo("again");
        }
    }

    private static final String TOKEN = HEAD + "'choices':[{'index':0,'delta':{'content':'%s'},'logprobs':null,"
            + "'finish_reason':null}]}";

    @Test
    void aTokenEventBecomesTheTemplateTheNextTokensAreReadFrom() throws IOException {
        OpenAiChunkDecoder decoder = new OpenAiChunkDecoder();
        ChatDelta d = new ChatDelta();
        decode(decoder, String.format(TOKEN, "first"), d);
        assertThat(decoder.templated()).isTrue();
        for (String word : new String[] {"two", "", " three", "a\\nb", "\\u00e9t\\u00e9 ü 😀", "q\\\'uote"}) {
            decode(decoder, String.format(TOKEN, word), d);
            assertThat(d.content).isEqualTo(decodeInFull(String.format(TOKEN, word)).content);
            assertThat(d.hasOutput()).isEqualTo(!word.isEmpty());
            assertThat(decoder.templated()).isTrue();
        }
        assertThat(d.content).isEqualTo("q\"uote");
        assertThat(decoder.parsedEvents()).isEqualTo(1); // the first; the others were read from it
    }

    @Test
    void anEventThatSaysMoreThanItsContentIsNoTemplate() throws IOException {
        for (String event : new String[] {
            HEAD + "'choices':[{'index':0,'delta':{'content':'a'},'finish_reason':'stop'}]}",
            HEAD + "'choices':[{'index':0,'delta':{'content':'a','reasoning':'r'}}]}",
            HEAD + "'choices':[{'index':0,'delta':{'content':'a'},'logprobs':{'content':[{'token':'a','logprob':-1.0}]}}]}",
            HEAD + "'choices':[{'index':0,'delta':{'content':'a','tool_calls':[{'function':{'name':'f'}}]}}]}",
            HEAD + "'choices':[{'index':0,'delta':{'content':'a'}}],'usage':{'prompt_tokens':1}}",
            HEAD + "'choices':[{'index':0,'delta':{'content':'a'},'stop_reason':'x'}]}",
            HEAD + "'choices':[{'index':0,'delta':{'content':null}}]}",
            HEAD + "'choices':[{'index':0,'delta':{'content':'a','content':5}}]}"}) {
            OpenAiChunkDecoder decoder = new OpenAiChunkDecoder();
            decode(decoder, event, new ChatDelta());
            assertThat(decoder.templated()).as(event).isFalse();
        }
    }

    @Test
    void whatDiffersFromTheTemplateOutsideItsContentIsParsed() throws IOException {
        OpenAiChunkDecoder decoder = new OpenAiChunkDecoder();
        ChatDelta d = new ChatDelta();
        decode(decoder, String.format(TOKEN, "a"), d);
        // the last member differs: read in full, and it is the end of the template
        decode(decoder, HEAD + "'choices':[{'index':0,'delta':{'content':'b'},'logprobs':null,'finish_reason':'stop'}]}", d);
        assertThat(d.content).isEqualTo("b");
        assertThat(d.finishReason).isEqualTo("stop");
        assertThat(decoder.templated()).isFalse();
        decode(decoder, String.format(TOKEN, "c"), d);
        assertThat(decoder.templated()).isTrue();
        // a literal that would close early: the same bytes around it, but other JSON
        long parsed = decoder.parsedEvents();
        decode(decoder, String.format(TOKEN, "x','content':'y"), d);
        assertThat(d.content).isEqualTo("y");
        assertThat(decoder.parsedEvents()).isEqualTo(parsed + 1);
        decode(decoder, String.format(TOKEN, "z"), d);
        assertThat(d.content).isEqualTo("z");
        // a backslash before the closing quote escapes it: the event is broken, and says so
        assertThatThrownBy(() -> decode(decoder, String.format(TOKEN, "w\\"), d)).isInstanceOf(IOException.class);
        assertThat(decoder.templated()).isFalse();
        decode(decoder, String.format(TOKEN, "after"), d);
        assertThat(d.content).isEqualTo("after");
        // a control character is refused by the parser, not read by the template
        decode(decoder, String.format(TOKEN, "v"), d);
        byte[] tab = q(String.format(TOKEN, "t\tab")).getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> decoder.decode(tab, 0, tab.length, d)).isInstanceOf(IOException.class);
    }

    /** A stream of events of every kind reads the same through one decoder as through a fresh one each. */
    @Test
    void aDecoderThatKeepsHeadsAndTemplatesReadsWhatAFreshOneReads() throws IOException {
        String[] shapes = {
            TOKEN, TOKEN, TOKEN,
            HEAD + "'choices':[{'index':0,'delta':{'role':'assistant','content':'%s'},'finish_reason':null}]}",
            HEAD + "'choices':[{'index':0,'delta':{'reasoning_content':'%s'},'finish_reason':null}]}",
            "{'id':'chatcmpl-1','created':2,'choices':[{'index':0,'delta':{'content':'%s'}}]}",
            HEAD + "'choices':[{'index':0,'delta':{'content':'%s'},'finish_reason':'length'}],'usage':{'prompt_tokens':4}}",
            HEAD + "'choices':[{'index':0,'text':'%s','finish_reason':null}]}"};
        String[] words = {"a", "", "b c", "\\n", "ü", "😀", "x\\\'y", "\\u0041"};
        java.util.Random random = new java.util.Random(7);
        OpenAiChunkDecoder decoder = new OpenAiChunkDecoder();
        ChatDelta d = new ChatDelta();
        for (int i = 0; i < 2_000; i++) {
            String event = String.format(shapes[random.nextInt(shapes.length)], words[random.nextInt(words.length)]);
            decode(decoder, event, d);
            ChatDelta fresh = decodeInFull(event);
            assertThat(d.content).as(event).isEqualTo(fresh.content);
            assertThat(d.thinking).as(event).isEqualTo(fresh.thinking);
            assertThat(d.finishReason).as(event).isEqualTo(fresh.finishReason);
            assertThat(d.promptTokens).as(event).isEqualTo(fresh.promptTokens);
        }
        // both ways were taken often (eight shapes in random order: about a fifth from the template)
        assertThat(decoder.parsedEvents()).isBetween(1_000L, 1_800L);
    }

    private static ChatDelta decodeInFull(String singleQuoted) throws IOException {
        return decode(singleQuoted);
    }

    private static void decode(OpenAiChunkDecoder decoder, String singleQuoted, ChatDelta d) throws IOException {
        byte[] data = q(singleQuoted).getBytes(StandardCharsets.UTF_8);
        decoder.decode(data, 0, data.length, d);
    }

    private static ChatDelta decode(String singleQuoted) throws IOException {
        ChatDelta d = new ChatDelta();
        decodeInto(singleQuoted, d);
        return d;
    }

    private static void decodeInto(String singleQuoted, ChatDelta d) throws IOException {
        byte[] data = q(singleQuoted).getBytes(StandardCharsets.UTF_8);
        new OpenAiChunkDecoder().decode(data, 0, data.length, d);
    }
}
