package io.llmrelay.core.translate;

import static io.llmrelay.core.translate.TestJson.json;
import static io.llmrelay.core.translate.TestJson.written;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrelay.core.api.RelayException;
import io.llmrelay.core.backend.BackendFlavor;
import io.llmrelay.core.config.SecurityConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** OpenAI Responses requests into the chat request every backend is written from. */
class ResponsesRequestsTest {

    @Test
    void aStringInputIsOneUserMessageAndInstructionsLeadAsASystemMessage() {
        ResponsesRequest r = parse("{'model':'qwen3','input':'Hi there','instructions':'Be brief.'}");
        assertThat(r.model()).isEqualTo("qwen3");
        assertThat(r.stream()).isFalse(); // unlike Ollama's, the Responses API answers whole unless asked
        assertThat(upstream(r)).isEqualTo(json("{'model':'Qwen/Qwen3-8B','messages':[{'role':'system','content':'Be brief.'},"
                + "{'role':'user','content':'Hi there'}],'stream':true,'stream_options':{'include_usage':true}}"));
    }

    @Test
    void messageItemsKeepTheirOrderAndRolesWithTextPartsJoinedAndDeveloperAsSystem() {
        ResponsesRequest r = parse("{'model':'m','input':["
                + "{'role':'developer','content':'Answer in French.'},"
                + "{'type':'message','role':'user','content':[{'type':'input_text','text':'Bon'},{'type':'input_text','text':'jour'}]},"
                + "{'type':'reasoning','id':'rs_1','summary':[{'type':'summary_text','text':'greeting'}]},"
                + "{'type':'message','role':'assistant','id':'msg_1','status':'completed','content':"
                + "[{'type':'output_text','text':'Salut !','annotations':[]}]},"
                + "{'role':'user','content':'Encore'}]}");
        assertThat(upstream(r).get("messages")).isEqualTo(json("[{'role':'system','content':'Answer in French.'},"
                + "{'role':'user','content':'Bonjour'},{'role':'assistant','content':'Salut !'},{'role':'user','content':'Encore'}]"));
    }

    @Test
    void imagesMakeTheMessageChatContentParts() {
        ResponsesRequest r = parse("{'model':'m','input':[{'role':'user','content':[{'type':'input_text','text':'What is it?'},"
                + "{'type':'input_image','image_url':'data:image/png;base64,iVBORw0KGgo=','detail':'high'},"
                + "{'type':'input_image','image_url':'https://example.com/a.jpg','detail':'auto'}]}]}");
        assertThat(upstream(r).get("messages").get(0).get("content")).isEqualTo(json("[{'type':'text','text':'What is it?'},"
                + "{'type':'image_url','image_url':{'url':'data:image/png;base64,iVBORw0KGgo=','detail':'high'}},"
                + "{'type':'image_url','image_url':{'url':'https://example.com/a.jpg'}}]"));
    }

    @Test
    void functionCallsJoinTheAssistantTurnAndTheirOutputsBecomeToolMessages() {
        ResponsesRequest r = parse("{'model':'m','input':["
                + "{'role':'user','content':'Weather and time in Paris?'},"
                + "{'type':'message','role':'assistant','content':[{'type':'output_text','text':'Checking.'}]},"
                + "{'type':'function_call','id':'fc_1','call_id':'call_w','name':'get_weather','arguments':'{\\'city\\':\\'Paris\\'}'},"
                + "{'type':'function_call','id':'fc_2','call_id':'call_t','name':'get_time','arguments':''},"
                + "{'type':'function_call_output','call_id':'call_w','output':'18C'},"
                + "{'type':'function_call_output','call_id':'call_t','output':[{'type':'input_text','text':'10:00'}]}]}");
        assertThat(upstream(r).get("messages")).isEqualTo(json("[{'role':'user','content':'Weather and time in Paris?'},"
                + "{'role':'assistant','content':'Checking.','tool_calls':["
                + "{'id':'call_w','type':'function','function':{'name':'get_weather','arguments':'{\\'city\\':\\'Paris\\'}'}},"
                + "{'id':'call_t','type':'function','function':{'name':'get_time','arguments':'{}'}}]},"
                + "{'role':'tool','content':'18C','tool_call_id':'call_w'},"
                + "{'role':'tool','content':'10:00','tool_call_id':'call_t'}]"));
    }

    @Test
    void anAssistantMessageReplayedAfterItsOwnCallsStaysInThatTurn() {
        ResponsesRequest r = parse("{'model':'m','input':[{'role':'user','content':'Go'},"
                + "{'type':'function_call','call_id':'c1','name':'f','arguments':'{}'},"
                + "{'type':'message','role':'assistant','content':[{'type':'output_text','text':'Calling f.'}]},"
                + "{'type':'function_call_output','call_id':'c1','output':'done'}]}");
        JsonNode messages = upstream(r).get("messages");
        assertThat(messages).hasSize(3);
        assertThat(messages.get(1).get("content").asText()).isEqualTo("Calling f.");
        assertThat(messages.get(1).get("tool_calls")).hasSize(1);
        assertThat(messages.get(2).get("role").asText()).isEqualTo("tool");
    }

    @Test
    void functionToolsToolChoiceAndParallelCallsBecomeChatsOwn() {
        ResponsesRequest r = parse("{'model':'m','input':'x','tools':[{'type':'function','name':'get_weather',"
                + "'description':'Weather','parameters':{'type':'object','properties':{'city':{'type':'string'}}},'strict':true}],"
                + "'tool_choice':{'type':'function','name':'get_weather'},'parallel_tool_calls':false}");
        JsonNode body = upstream(r);
        assertThat(body.get("tools")).isEqualTo(json("[{'type':'function','function':{'name':'get_weather',"
                + "'description':'Weather','parameters':{'type':'object','properties':{'city':{'type':'string'}}},'strict':true}}]"));
        assertThat(body.get("tool_choice")).isEqualTo(json("{'type':'function','function':{'name':'get_weather'}}"));
        assertThat(body.get("parallel_tool_calls").asBoolean()).isFalse();
        for (String choice : new String[] {"auto", "none", "required"}) {
            assertThat(upstream(parse("{'model':'m','input':'x','tools':[{'type':'function','name':'f'}],'tool_choice':'"
                    + choice + "'}")).get("tool_choice").asText()).isEqualTo(choice);
        }
        // nothing to choose from: no tool_choice, no parallel_tool_calls (OpenAI refuses them without tools)
        JsonNode noTools = upstream(parse("{'model':'m','input':'x','tool_choice':'required','parallel_tool_calls':true}"));
        assertThat(noTools.has("tool_choice")).isFalse();
        assertThat(noTools.has("parallel_tool_calls")).isFalse();
    }

    @ParameterizedTest
    @CsvSource({"none,'{''chat_template_kwargs'':{''enable_thinking'':false}}'",
            "minimal,'{''chat_template_kwargs'':{''enable_thinking'':true},''reasoning_effort'':''low''}'",
            "low,'{''chat_template_kwargs'':{''enable_thinking'':true},''reasoning_effort'':''low''}'",
            "medium,'{''chat_template_kwargs'':{''enable_thinking'':true},''reasoning_effort'':''medium''}'",
            "high,'{''chat_template_kwargs'':{''enable_thinking'':true},''reasoning_effort'':''high''}'",
            "xhigh,'{''chat_template_kwargs'':{''enable_thinking'':true},''reasoning_effort'':''high''}'"})
    void reasoningEffortIsThinkAsOllamaMapsIt(String effort, String expected) {
        JsonNode body = upstream(parse("{'model':'m','input':'x','reasoning':{'effort':'" + effort + "','summary':'auto'}}"));
        JsonNode want = json(expected);
        want.fieldNames().forEachRemaining(f -> assertThat(body.get(f)).as(f).isEqualTo(want.get(f)));
        assertThat(body.has("reasoning_effort")).isEqualTo(want.has("reasoning_effort"));
    }

    @Test
    void textFormatIsChatsResponseFormatAndTheLimitsAreOptions() {
        JsonNode schema = json("{'type':'object','properties':{'name':{'type':'string'}},'required':['name']}");
        JsonNode body = upstream(parse("{'model':'m','input':'x','text':{'format':{'type':'json_schema','name':'person',"
                + "'schema':" + schema + ",'strict':true}},'max_output_tokens':64,'temperature':0.2,'top_p':0.9}"));
        assertThat(body.get("response_format")).isEqualTo(json("{'type':'json_schema','json_schema':{'name':'schema',"
                + "'schema':" + schema + "}}"));
        assertThat(body.get("max_tokens").asInt()).isEqualTo(64);
        assertThat(body.get("temperature").asDouble()).isEqualTo(0.2);
        assertThat(body.get("top_p").asDouble()).isEqualTo(0.9);
        assertThat(upstream(parse("{'model':'m','input':'x','text':{'format':{'type':'json_object'}}}")).get("response_format"))
                .isEqualTo(json("{'type':'json_object'}"));
        assertThat(upstream(parse("{'model':'m','input':'x','text':{'format':{'type':'text'}}}")).has("response_format")).isFalse();
        assertThat(upstream(parse("{'model':'m','input':'x','user':'u-42'}")).get("user").asText()).isEqualTo("u-42");
    }

    @Test
    void theResponseRepeatsTheRequestsSettingsWithOpenAisDefaults() {
        assertThat(parse("{'model':'m','input':'x'}").echo()).isEqualTo(json("{'instructions':null,'max_output_tokens':null,"
                + "'max_tool_calls':null,'parallel_tool_calls':true,'previous_response_id':null,'reasoning':null,'store':false,"
                + "'temperature':null,'text':{'format':{'type':'text'}},'tool_choice':'auto','tools':[],'top_p':null,"
                + "'truncation':'disabled','metadata':{},'background':false,'service_tier':'default'}"));
        JsonNode echo = parse("{'model':'m','input':'x','tools':[{'type':'function','name':'f'}],'tool_choice':'required',"
                + "'reasoning':{'effort':'low'},'metadata':{'k':'v'},'store':true,'temperature':0,'user':'u1'}").echo();
        assertThat(echo.get("tools")).isEqualTo(json("[{'type':'function','name':'f'}]"));
        assertThat(echo.get("tool_choice").asText()).isEqualTo("required");
        assertThat(echo.get("reasoning")).isEqualTo(json("{'effort':'low','summary':null}"));
        assertThat(echo.get("metadata")).isEqualTo(json("{'k':'v'}"));
        assertThat(echo.get("store").asBoolean()).isFalse(); // asked to store, but nothing is kept
        assertThat(echo.get("temperature").asDouble()).isZero();
        assertThat(echo.get("user").asText()).isEqualTo("u1");
    }

    // ---------------------------------------------------------------- refusals

    @Test
    void whatNeedsStoredStateIsRefusedSayingWhy() {
        assertBadRequest("{'model':'m','input':'x','previous_response_id':'resp_1'}",
                "previous_response_id is not supported: llm-relay serves the Responses API statelessly (as Ollama does) and "
                        + "keeps no earlier response; send the whole conversation in input instead");
        assertBadRequest("{'model':'m','input':'x','conversation':'conv_1'}", "conversation is not supported");
        assertBadRequest("{'model':'m','input':'x','background':true}", "background is not supported");
        assertBadRequest("{'model':'m','prompt':{'id':'pmpt_1'}}", "prompt (a stored prompt template) is not supported");
        assertBadRequest("{'model':'m','input':[{'type':'item_reference','id':'msg_1'}]}",
                "input item types not supported: item_reference");
        // accepted: nothing is stored, and a background false or null previous id asks for nothing
        parse("{'model':'m','input':'x','store':true,'background':false,'previous_response_id':null}");
    }

    @Test
    void hostedToolsAndUnknownItemTypesAreRefusedNamingEachOne() {
        assertBadRequest("{'model':'m','input':'x','tools':[{'type':'web_search'},{'type':'function','name':'f'},"
                + "{'type':'file_search','vector_store_ids':['vs']},{'type':'web_search'}]}",
                "tool types not supported: file_search, web_search (llm-relay translates the Responses API onto chat "
                        + "completions, which run function tools only: hosted tools run on OpenAI's own servers)");
        assertBadRequest("{'model':'m','input':[{'role':'user','content':'x'},{'type':'web_search_call','id':'ws'},"
                + "{'type':'computer_call','id':'cc'}]}", "input item types not supported: computer_call, web_search_call");
        assertBadRequest("{'model':'m','input':'x','tool_choice':{'type':'web_search_preview'}}",
                "tool_choice type 'web_search_preview' is not supported");
    }

    @Test
    void malformedRequestsAre400sNamingTheField() {
        assertBadRequest("{'input':'x'}", "model is required");
        assertBadRequest("[1]", "invalid request body: expected a JSON object");
        assertBadRequest("{'model':'m'}", "input is required: a string, or an array of input items");
        assertBadRequest("{'model':'m','input':''}", "input must not be empty");
        assertBadRequest("{'model':'m','input':[]}", "input must not be empty");
        assertBadRequest("{'model':'m','input':[{'role':'developer','content':'x'},{'type':'reasoning','summary':[]}]}",
                "input has no message to answer");
        assertBadRequest("{'model':'m','input':5}", "invalid value for \"input\": expected a string or an array of input "
                + "items, got a number");
        assertBadRequest("{'model':'m','input':[{'content':'x'}]}", "input[0].type is required");
        assertBadRequest("{'model':'m','input':[{'role':'tool','content':'x'}]}",
                "input[0].role must be user, assistant, system or developer, not 'tool'");
        assertBadRequest("{'model':'m','input':[{'role':'user','content':[{'type':'input_audio'}]}]}",
                "input[0].content[0]: content part type 'input_audio' is not supported");
        assertBadRequest("{'model':'m','input':[{'role':'user','content':[{'type':'input_file','file_id':'f'}]}]}",
                "input[0].content[0]: input_file is not supported");
        assertBadRequest("{'model':'m','input':[{'role':'user','content':[{'type':'input_image','file_id':'f'}]}]}",
                "input[0].content[0]: input_image with file_id is not supported");
        assertBadRequest("{'model':'m','input':[{'type':'function_call','call_id':'c','name':'f','arguments':'{oops'}]}",
                "input[0].arguments is not valid JSON: {oops");
        assertBadRequest("{'model':'m','input':[{'type':'function_call','name':'f','arguments':'{}'}]}",
                "input[0].call_id is required");
        assertBadRequest("{'model':'m','input':[{'type':'function_call_output','call_id':'c'}]}", "input[0].output is required");
        assertBadRequest("{'model':'m','input':'x','tools':[{'type':'function'}]}", "tools[0].name is required");
        assertBadRequest("{'model':'m','input':'x','tool_choice':'sometimes'}", "invalid tool_choice 'sometimes'");
        assertBadRequest("{'model':'m','input':'x','reasoning':{'effort':'extreme'}}", "invalid reasoning.effort 'extreme'");
        assertBadRequest("{'model':'m','input':'x','text':{'format':{'type':'json_schema'}}}",
                "text.format.schema is required for type json_schema");
        assertBadRequest("{'model':'m','input':'x','text':{'format':{'type':'xml'}}}", "invalid text.format.type 'xml'");
        assertBadRequest("{'model':'m','input':'x','max_output_tokens':0}", "max_output_tokens must be at least 1");
        assertBadRequest("{'model':'m','input':'x','temperature':'hot'}", "invalid value for \"temperature\": expected a number");
        assertBadRequest("{'model':'m','input':'x','stream':'yes'}", "invalid value for \"stream\": expected a boolean");
    }

    @Test
    void theSizeLimitsCountInputItemsAndImages() {
        SecurityConfig.RequestLimits limits = new SecurityConfig.RequestLimits(32 * 1024, 100, 8 * 1024, 3, 1);
        ResponsesRequests.checkSize(json("{'instructions':'i','input':[{'role':'user','content':[{'type':'input_image',"
                + "'image_url':'u'}]},{'role':'user','content':'x'}]}"), limits);
        assertThatThrownBy(() -> ResponsesRequests.checkSize(json("{'instructions':'i','input':[{'role':'user','content':'a'},"
                + "{'role':'user','content':'b'},{'role':'user','content':'c'}]}"), limits))
                .hasMessageContaining("request has 4 messages; the limit is 3");
        assertThatThrownBy(() -> ResponsesRequests.checkSize(json("{'input':[{'type':'function_call_output','call_id':'c',"
                + "'output':[{'type':'input_image','image_url':'u'},{'type':'input_image','image_url':'v'}]}]}"), limits))
                .hasMessageContaining("request has 2 images; the limit is 1");
    }

    // ---------------------------------------------------------------- helpers

    private static ResponsesRequest parse(String singleQuoted) {
        return ResponsesRequests.parse(json(singleQuoted));
    }

    /** The chat completions body a generic OpenAI-compatible backend receives for the request. */
    private static JsonNode upstream(ResponsesRequest r) {
        return TestJson.parse(written(out -> OpenAiRequestWriter.inference(r.inference(), "Qwen/Qwen3-8B",
                BackendFlavor.VLLM, out)));
    }

    private static void assertBadRequest(String singleQuoted, String messageStart) {
        assertThatThrownBy(() -> parse(singleQuoted)).isInstanceOf(RelayException.class)
                .satisfies(e -> assertThat(((RelayException) e).status()).isEqualTo(400))
                .satisfies(e -> assertThat(e.getMessage()).startsWith(messageStart));
    }
}
