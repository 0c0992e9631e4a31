package io.llmrelay.core.translate;

import static io.llmrelay.core.translate.TestJson.json;
import static io.llmrelay.core.translate.TestJson.parse;
import static io.llmrelay.core.translate.TestJson.written;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmrelay.core.backend.BackendFlavor;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class OpenAiRequestWriterTest {

    private static final String STREAMING = "'stream':true,'stream_options':{'include_usage':true}";

    // ---------------------------------------------------------------- the body around the messages

    @ParameterizedTest
    @EnumSource(BackendFlavor.class)
    void aPlainChatStreamsWithUsageWhateverTheClientAsked(BackendFlavor flavor) {
        for (String stream : new String[] {"", ",'stream':true", ",'stream':false"}) {
            InferenceRequest r = chat("[{'role':'user','content':'hi'}]" + stream);
            assertThat(write(r, "Qwen/Qwen3-8B", flavor)).isEqualTo(json(
                    "{'model':'Qwen/Qwen3-8B','messages':[{'role':'user','content':'hi'}]," + STREAMING + "}"));
        }
    }

    @Test
    void theBackendModelIdIsSentNotTheClientName() {
        InferenceRequest r = OllamaRequests.chat(json("{'model':'qwen3:latest','messages':[{'role':'user','content':'x'}]}"));
        assertThat(write(r, "qwen3", BackendFlavor.GENERIC).path("model").asText()).isEqualTo("qwen3");
    }

    @Test
    void pathsFollowTheShape() {
        assertThat(OpenAiRequestWriter.path(chat("[]"))).isEqualTo("/chat/completions");
        assertThat(OpenAiRequestWriter.path(OllamaRequests.generate(json("{'model':'m','prompt':'p'}"))))
                .isEqualTo("/chat/completions");
        assertThat(OpenAiRequestWriter.path(OllamaRequests.generate(json("{'model':'m','prompt':'p','raw':true}"))))
                .isEqualTo("/completions");
        assertThat(OpenAiRequestWriter.path(OllamaRequests.generate(json("{'model':'m','prompt':'p','suffix':'s'}"))))
                .isEqualTo("/completions");
    }

    @Test
    void generateIsSentAsChatMessagesWithTheSystemFirst() {
        InferenceRequest r = OllamaRequests.generate(json("{'model':'m','prompt':'Why?','system':'Be brief.','stream':false}"));
        assertThat(write(r, "m", BackendFlavor.VLLM)).isEqualTo(json("{'model':'m','messages':[{'role':'system',"
                + "'content':'Be brief.'},{'role':'user','content':'Why?'}]," + STREAMING + "}"));
    }

    @Test
    void rawGenerateIsALegacyCompletion() {
        InferenceRequest r = OllamaRequests.generate(json("{'model':'m','prompt':'[INST] hi [/INST]','raw':true,"
                + "'options':{'num_predict':16,'stop':['</s>']}}"));
        assertThat(write(r, "m", BackendFlavor.VLLM)).isEqualTo(json("{'model':'m','prompt':'[INST] hi [/INST]',"
                + STREAMING + ",'max_tokens':16,'stop':['</s>']}"));
    }

    @Test
    void suffixIsSentForFillInTheMiddle() {
        InferenceRequest r = OllamaRequests.generate(json("{'model':'m','prompt':'def f():','suffix':'  return x'}"));
        assertThat(write(r, "m", BackendFlavor.GENERIC)).isEqualTo(json("{'model':'m','prompt':'def f():',"
                + "'suffix':'  return x'," + STREAMING + "}"));
    }

    // ---------------------------------------------------------------- options

    private static final String ALL_OPTIONS = "{'num_predict':128,'temperature':0.7,'top_p':0.9,'top_k':40,"
            + "'min_p':0.05,'typical_p':0.95,'repeat_penalty':1.1,'repeat_last_n':64,'presence_penalty':0.25,"
            + "'frequency_penalty':0.5,'seed':42,'stop':['\\n','User:'],'num_ctx':8192,'mirostat':2,'num_keep':5}";

    private static final String EVERYWHERE = "'temperature':0.7,'top_p':0.9,'presence_penalty':0.25,"
            + "'frequency_penalty':0.5,'seed':42,'stop':['\\n','User:']";

    @ParameterizedTest
    @EnumSource(BackendFlavor.class)
    void optionsAreNamedPerFlavourAndDroppedWhereTheFlavourHasNone(BackendFlavor flavor) {
        String extras = switch (flavor) {
            case GENERIC, OLLAMA -> "'max_tokens':128";
            case OPENAI -> "'max_completion_tokens':128";
            case OPENROUTER, VLLM -> "'max_tokens':128,'top_k':40,'min_p':0.05,'repetition_penalty':1.1";
            case LLAMACPP -> "'max_tokens':128,'top_k':40,'min_p':0.05,'typical_p':0.95,'repeat_penalty':1.1,"
                    + "'repeat_last_n':64";
            case LMSTUDIO -> "'max_tokens':128,'top_k':40,'min_p':0.05,'repeat_penalty':1.1";
        };
        InferenceRequest r = chat("[{'role':'user','content':'hi'}],'options':" + ALL_OPTIONS);
        assertThat(write(r, "m", flavor)).isEqualTo(json("{'model':'m','messages':[{'role':'user','content':'hi'}],"
                + STREAMING + "," + EVERYWHERE + "," + extras + "}"));
    }

    @Test
    void integersStayIntegersAndFloatsStayFloats() {
        InferenceRequest r = chat("[],'options':{'num_predict':100.9,'top_k':3.0,'temperature':1,'seed':7}");
        String text = written(out -> OpenAiRequestWriter.inference(r, "m", BackendFlavor.VLLM, out));
        assertThat(text).contains("\"max_tokens\":100,").contains("\"temperature\":1.0,").contains("\"top_k\":3,")
                .contains("\"seed\":7");
    }

    @Test
    void uncappedNumPredictIsNeverSent() {
        InferenceRequest r = chat("[{'role':'user','content':'hi'}],'options':{'num_predict':-1,'seed':-1}");
        assertThat(write(r, "m", BackendFlavor.OPENAI)).isEqualTo(json(
                "{'model':'m','messages':[{'role':'user','content':'hi'}]," + STREAMING + "}"));
    }

    // ---------------------------------------------------------------- think

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "OPENAI     | true     | {'reasoning_effort':'medium'}",
        "OPENAI     | false    | {'reasoning_effort':'none'}",
        "OPENAI     | 'none'   | {'reasoning_effort':'none'}",
        "OPENAI     | 'low'    | {'reasoning_effort':'low'}",
        "OPENAI     | 'high'   | {'reasoning_effort':'high'}",
        "OPENAI     | 'max'    | {'reasoning_effort':'high'}",
        "OLLAMA     | true     | {'reasoning_effort':'medium'}",
        "OLLAMA     | false    | {'reasoning_effort':'none'}",
        "OLLAMA     | 'low'    | {'reasoning_effort':'low'}",
        "OPENROUTER | true     | {'reasoning':{'enabled':true}}",
        "OPENROUTER | false    | {'reasoning':{'effort':'none'}}",
        "OPENROUTER | 'medium' | {'reasoning':{'effort':'medium'}}",
        "OPENROUTER | 'max'    | {'reasoning':{'effort':'high'}}",
        "VLLM       | true     | {'chat_template_kwargs':{'enable_thinking':true}}",
        "VLLM       | false    | {'chat_template_kwargs':{'enable_thinking':false}}",
        "VLLM       | 'low'    | {'chat_template_kwargs':{'enable_thinking':true},'reasoning_effort':'low'}",
        "VLLM       | 'max'    | {'chat_template_kwargs':{'enable_thinking':true},'reasoning_effort':'high'}",
        "GENERIC    | true     | {'chat_template_kwargs':{'enable_thinking':true}}",
        "GENERIC    | 'high'   | {'chat_template_kwargs':{'enable_thinking':true},'reasoning_effort':'high'}",
        "LLAMACPP   | false    | {'chat_template_kwargs':{'enable_thinking':false}}",
        "LLAMACPP   | 'medium' | {'chat_template_kwargs':{'enable_thinking':true},'reasoning_effort':'medium'}",
        "LMSTUDIO   | true     | {'chat_template_kwargs':{'enable_thinking':true}}",
        "LMSTUDIO   | 'false'  | {'chat_template_kwargs':{'enable_thinking':false}}",
    })
    void thinkInEachFlavoursTerms(BackendFlavor flavor, String think, String fields) {
        InferenceRequest r = chat("[{'role':'user','content':'hi'}],'think':" + think);
        ObjectNode expected = (ObjectNode) json("{'model':'m','messages':[{'role':'user','content':'hi'}]," + STREAMING + "}");
        expected.setAll((ObjectNode) json(fields));
        assertThat(write(r, "m", flavor)).isEqualTo(expected);
    }

    // ---------------------------------------------------------------- format, tools, logprobs

    @Test
    void formatJsonIsJsonMode() {
        assertThat(write(chat("[],'format':'json'"), "m", BackendFlavor.GENERIC).path("response_format"))
                .isEqualTo(json("{'type':'json_object'}"));
    }

    @Test
    void aFormatSchemaIsAJsonSchemaResponseFormat() {
        String schema = "{'type':'object','properties':{'name':{'type':'string'},'age':{'type':'integer'}},"
                + "'required':['name','age']}";
        assertThat(write(chat("[],'format':" + schema), "m", BackendFlavor.OPENAI).path("response_format"))
                .isEqualTo(json("{'type':'json_schema','json_schema':{'name':'schema','schema':" + schema + "}}"));
    }

    @Test
    void noFormatNoResponseFormat() {
        assertThat(write(chat("[],'format':''"), "m", BackendFlavor.GENERIC).has("response_format")).isFalse();
    }

    @Test
    void toolsArePassedAsTheyCameAndEmptyToolsAreDropped() {
        String tools = "[{'type':'function','function':{'name':'get_weather','description':'Weather','parameters':"
                + "{'type':'object','properties':{'city':{'type':['string','null'],'enum':['Tokyo','Paris']}},"
                + "'required':['city']}}}]";
        assertThat(write(chat("[],'tools':" + tools), "m", BackendFlavor.GENERIC).path("tools")).isEqualTo(json(tools));
        assertThat(write(chat("[],'tools':[]"), "m", BackendFlavor.GENERIC).has("tools")).isFalse();
    }

    @Test
    void logprobsForChat() {
        assertThat(fields(write(chat("[],'logprobs':true,'top_logprobs':3"), "m", BackendFlavor.GENERIC),
                "logprobs", "top_logprobs")).isEqualTo(json("{'logprobs':true,'top_logprobs':3}"));
        assertThat(fields(write(chat("[],'logprobs':true"), "m", BackendFlavor.GENERIC),
                "logprobs", "top_logprobs")).isEqualTo(json("{'logprobs':true}"));
        assertThat(fields(write(chat("[],'logprobs':false,'top_logprobs':3"), "m", BackendFlavor.GENERIC),
                "logprobs", "top_logprobs")).isEqualTo(json("{}"));
    }

    @Test
    void logprobsForLegacyCompletionsAreACount() {
        InferenceRequest r = OllamaRequests.generate(json("{'model':'m','prompt':'p','raw':true,'logprobs':true,'top_logprobs':4}"));
        assertThat(fields(write(r, "m", BackendFlavor.VLLM), "logprobs", "top_logprobs")).isEqualTo(json("{'logprobs':4}"));
        InferenceRequest none = OllamaRequests.generate(json("{'model':'m','prompt':'p','raw':true,'logprobs':true}"));
        assertThat(fields(write(none, "m", BackendFlavor.VLLM), "logprobs", "top_logprobs")).isEqualTo(json("{'logprobs':0}"));
    }

    // ---------------------------------------------------------------- message content

    @Test
    void missingContentIsSentAsAnEmptyString() {
        assertThat(write(chat("[{'role':'user'},{'role':'assistant','content':null}]"), "m", BackendFlavor.GENERIC)
                .path("messages")).isEqualTo(json("[{'role':'user','content':''},{'role':'assistant','content':''}]"));
    }

    @Test
    void textIsEscapedProperly() {
        String content = "line 1\nline \"2\"\t\\ caf\u00e9 \u2713 \ud83d\ude00";
        ObjectNode body = (ObjectNode) json("{'model':'m','messages':[{'role':'user'}]}");
        ((ObjectNode) body.path("messages").get(0)).put("content", content);
        JsonNode written = write(OllamaRequests.chat(body), "m", BackendFlavor.GENERIC);
        assertThat(written.path("messages").get(0).path("content").asText()).isEqualTo(content);
    }

    @Test
    void imagesBecomeContentPartsWithSniffedMimeTypes() {
        String png = base64(0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 'I', 'H', 'D', 'R');
        String jpeg = base64(0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1);
        String gif = base64('G', 'I', 'F', '8', '9', 'a', 1, 0, 1, 0, 0x80, 0, 0, 0, 0, 0);
        String webp = base64('R', 'I', 'F', 'F', 0x24, 0, 0, 0, 'W', 'E', 'B', 'P', 'V', 'P', '8', ' ');
        String unknown = base64('B', 'M', 0x36, 0x10, 0, 0, 0, 0, 0, 0, 0x36, 0, 0, 0, 0x28, 0);
        String dataUrl = "data:image/png;base64,iVBORw0KGgo=";
        InferenceRequest r = chat("[{'role':'user','content':'What is in these?','images':['" + png + "','" + jpeg
                + "','" + gif + "','" + webp + "','" + unknown + "','" + dataUrl + "']}]");
        assertThat(write(r, "m", BackendFlavor.OPENAI).path("messages")).isEqualTo(json("[{'role':'user','content':["
                + "{'type':'text','text':'What is in these?'},"
                + "{'type':'image_url','image_url':{'url':'data:image/png;base64," + png + "'}},"
                + "{'type':'image_url','image_url':{'url':'data:image/jpeg;base64," + jpeg + "'}},"
                + "{'type':'image_url','image_url':{'url':'data:image/gif;base64," + gif + "'}},"
                + "{'type':'image_url','image_url':{'url':'data:image/webp;base64," + webp + "'}},"
                + "{'type':'image_url','image_url':{'url':'data:image/jpeg;base64," + unknown + "'}},"
                + "{'type':'image_url','image_url':{'url':'" + dataUrl + "'}}]}]"));
    }

    @Test
    void imagesWithoutTextHaveNoTextPart() {
        String png = base64(0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13);
        InferenceRequest r = OllamaRequests.generate(json("{'model':'m','images':['" + png + "']}"));
        assertThat(write(r, "m", BackendFlavor.VLLM).path("messages")).isEqualTo(json("[{'role':'user','content':["
                + "{'type':'image_url','image_url':{'url':'data:image/png;base64," + png + "'}}]}]"));
    }

    @Test
    void contentPartsArePassedThroughAndABareImageUrlStringIsWrapped() {
        String parts = "[{'type':'text','text':'Describe'},{'type':'image_url','image_url':{'url':'https://x.test/a.png',"
                + "'detail':'low'}},{'type':'image_url','image_url':'data:image/gif;base64,R0lGODlh'},"
                + "{'type':'input_audio','input_audio':{'data':'AAAA','format':'wav'}}]";
        String png = base64(0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13);
        InferenceRequest r = chat("[{'role':'user','content':" + parts + ",'images':['" + png + "']}]");
        assertThat(write(r, "m", BackendFlavor.GENERIC).path("messages")).isEqualTo(json("[{'role':'user','content':["
                + "{'type':'text','text':'Describe'},"
                + "{'type':'image_url','image_url':{'url':'https://x.test/a.png','detail':'low'}},"
                + "{'type':'image_url','image_url':{'url':'data:image/gif;base64,R0lGODlh'}},"
                + "{'type':'input_audio','input_audio':{'data':'AAAA','format':'wav'}},"
                + "{'type':'image_url','image_url':{'url':'data:image/png;base64," + png + "'}}]}]"));
    }

    // ---------------------------------------------------------------- tool calls and results

    private static final String WEATHER_AND_TIME = "[{'role':'user','content':'Weather and time in Tokyo?'},"
            + "{'role':'assistant','content':'','tool_calls':[{'function':{'name':'get_weather','arguments':{'city':'Tokyo'}}},"
            + "{'function':{'name':'get_time','arguments':{'tz':'JST','fmt':{'h24':true}}}}]},"
            + "{'role':'tool','content':'10:00','tool_name':'get_time'},"
            + "{'role':'tool','content':'sunny'},"
            + "{'role':'assistant','content':'Sunny, and it is 10:00.'}]";

    @Test
    void assistantToolCallsGetArgumentsAsStringsAndGeneratedIdsThatToolResultsPairWith() {
        String weather = ToolCallIds.stable(1, 0, "get_weather");
        String time = ToolCallIds.stable(1, 1, "get_time");
        assertThat(weather).matches("call_[0-9a-f]{16}").isNotEqualTo(time);
        assertThat(write(chat(WEATHER_AND_TIME), "m", BackendFlavor.OPENAI).path("messages")).isEqualTo(json("["
                + "{'role':'user','content':'Weather and time in Tokyo?'},"
                + "{'role':'assistant','content':'','tool_calls':["
                + "{'id':'" + weather + "','type':'function','function':{'name':'get_weather','arguments':'{\\'city\\':\\'Tokyo\\'}'}},"
                + "{'id':'" + time + "','type':'function','function':{'name':'get_time',"
                + "'arguments':'{\\'tz\\':\\'JST\\',\\'fmt\\':{\\'h24\\':true}}'}}]},"
                + "{'role':'tool','content':'10:00','tool_call_id':'" + time + "'}," // paired by tool_name
                + "{'role':'tool','content':'sunny','tool_call_id':'" + weather + "'}," // the one left, in order
                + "{'role':'assistant','content':'Sunny, and it is 10:00.'}]"));
    }

    @Test
    void generatedIdsAreTheSameEachTimeTheHistoryIsSent() {
        String first = written(out -> OpenAiRequestWriter.inference(chat(WEATHER_AND_TIME), "m", BackendFlavor.GENERIC, out));
        String second = written(out -> OpenAiRequestWriter.inference(chat(WEATHER_AND_TIME), "m", BackendFlavor.GENERIC, out));
        assertThat(second).isEqualTo(first);
        // the next turn repeats the history: the earlier ids must not move, or prompt caches miss
        String longer = WEATHER_AND_TIME.substring(0, WEATHER_AND_TIME.length() - 1) + ",{'role':'user','content':'Thanks'}]";
        JsonNode next = write(chat(longer), "m", BackendFlavor.GENERIC).path("messages");
        JsonNode before = parse(first).path("messages");
        for (int i = 0; i < before.size(); i++) {
            assertThat(next.get(i)).isEqualTo(before.get(i));
        }
    }

    @Test
    void givenIdsAreKeptAndToolResultsPairByIdThenByNameThenInOrder() {
        InferenceRequest r = chat("[{'role':'assistant','tool_calls':["
                + "{'id':'call_a','function':{'name':'f','arguments':'{\\'x\\':1}'}},"
                + "{'id':'call_b','function':{'name':'g','arguments':{}}},"
                + "{'id':'','function':{'name':'h'}},"
                + "{'id':'call_d','function':{'name':'f','arguments':null}}]},"
                + "{'role':'tool','content':'1','tool_call_id':'call_b'},"
                + "{'role':'tool','content':'2','tool_name':'f'},"
                + "{'role':'tool','content':'3'},"
                + "{'role':'tool','content':'4','tool_name':'unknown'}]");
        String h = ToolCallIds.stable(0, 2, "h");
        assertThat(write(r, "m", BackendFlavor.GENERIC).path("messages")).isEqualTo(json("["
                + "{'role':'assistant','content':'','tool_calls':["
                + "{'id':'call_a','type':'function','function':{'name':'f','arguments':'{\\'x\\':1}'}},"
                + "{'id':'call_b','type':'function','function':{'name':'g','arguments':'{}'}},"
                + "{'id':'" + h + "','type':'function','function':{'name':'h','arguments':'{}'}},"
                + "{'id':'call_d','type':'function','function':{'name':'f','arguments':'{}'}}]},"
                + "{'role':'tool','content':'1','tool_call_id':'call_b'},"
                + "{'role':'tool','content':'2','tool_call_id':'call_a'},"
                + "{'role':'tool','content':'3','tool_call_id':'" + h + "'},"
                + "{'role':'tool','content':'4','tool_call_id':'call_d'}]"));
    }

    @Test
    void aNewAssistantTurnForgetsTheCallsOfTheLastOne() {
        InferenceRequest r = chat("["
                + "{'role':'assistant','tool_calls':[{'function':{'name':'a'}},{'function':{'name':'b'}}]},"
                + "{'role':'tool','content':'A','tool_name':'a'},"
                + "{'role':'assistant','tool_calls':[{'function':{'name':'c'}}]},"
                + "{'role':'tool','content':'B?','tool_name':'b'}]");
        JsonNode messages = write(r, "m", BackendFlavor.GENERIC).path("messages");
        assertThat(messages.get(1).path("tool_call_id").asText()).isEqualTo(ToolCallIds.stable(0, 0, "a"));
        // "b" of the first turn was never answered, but a new turn started: the result pairs with "c"
        assertThat(messages.get(3).path("tool_call_id").asText()).isEqualTo(ToolCallIds.stable(2, 0, "c"));
    }

    @Test
    void aToolResultWithoutAnyCallGetsAnIdOfItsOwn() {
        JsonNode messages = write(chat("[{'role':'tool','content':'x','tool_name':'t'},{'role':'tool','content':'y'}]"),
                "m", BackendFlavor.GENERIC).path("messages");
        assertThat(messages.get(0).path("tool_call_id").asText()).isEqualTo(ToolCallIds.stable(0, 0, "t"));
        assertThat(messages.get(1).path("tool_call_id").asText()).isEqualTo(ToolCallIds.stable(1, 0, ""));
    }

    // ---------------------------------------------------------------- embeddings

    @Test
    void embeddingsBody() {
        EmbedRequest r = OllamaRequests.embed(json("{'model':'nomic-embed-text','input':['a','b'],'truncate':true}"));
        assertThat(parse(written(out -> OpenAiRequestWriter.embeddings(r, "nomic-ai/nomic-embed-text-v1.5", out))))
                .isEqualTo(json("{'model':'nomic-ai/nomic-embed-text-v1.5','input':['a','b'],'encoding_format':'float'}"));
        EmbedRequest sized = OllamaRequests.embed(json("{'model':'e','input':'a','dimensions':256}"));
        assertThat(parse(written(out -> OpenAiRequestWriter.embeddings(sized, "e", out))))
                .isEqualTo(json("{'model':'e','input':['a'],'encoding_format':'float','dimensions':256}"));
        EmbedRequest legacy = OllamaRequests.legacyEmbeddings(json("{'model':'e','prompt':'hello'}"));
        assertThat(parse(written(out -> OpenAiRequestWriter.embeddings(legacy, "e", out))))
                .isEqualTo(json("{'model':'e','input':['hello'],'encoding_format':'float'}"));
    }

    // ---------------------------------------------------------------- helpers

    private static InferenceRequest chat(String messagesAndMore) {
        return OllamaRequests.chat(json("{'model':'client-name','messages':" + messagesAndMore + "}"));
    }

    private static JsonNode write(InferenceRequest r, String backendModel, BackendFlavor flavor) {
        String text = written(out -> OpenAiRequestWriter.inference(r, backendModel, flavor, out));
        JsonNode tree = parse(text);
        assertThat(tree.isObject()).isTrue();
        return tree;
    }

    /** Just the named fields of {@code node} that are present. */
    private static JsonNode fields(JsonNode node, String... names) {
        ObjectNode out = (ObjectNode) json("{}");
        for (String name : names) {
            if (node.has(name)) {
                out.set(name, node.get(name));
            }
        }
        return out;
    }

    static String base64(int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            b[i] = (byte) bytes[i];
        }
        return Base64.getEncoder().encodeToString(b);
    }
}
