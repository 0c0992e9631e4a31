package io.llmrelay.core.translate;

import static io.llmrelay.core.translate.TestJson.json;
import static io.llmrelay.core.translate.TestJson.parse;
import static io.llmrelay.core.translate.TestJson.written;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.llmrelay.core.api.RelayException;
import io.llmrelay.core.backend.BackendFlavor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The Messages request side: an Anthropic body in, the OpenAI chat body every backend receives out. */
class MessagesRequestsTest {

    private static final String STREAMING = "'stream':true,'stream_options':{'include_usage':true}";
    private static final String PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";

    @Test
    void aPlainRequestBecomesAChatRequestWithItsMaxTokensAndSamplers() {
        InferenceRequest r = MessagesRequests.messages(json("{'model':'claude-x','max_tokens':256,'temperature':0.5,"
                + "'top_p':0.9,'top_k':40,'stop_sequences':['END','\\n\\n'],'messages':[{'role':'user','content':'Hi'}]}"));
        assertThat(r.model()).isEqualTo("claude-x");
        assertThat(r.stream()).isFalse();
        assertThat(upstream(r, BackendFlavor.VLLM)).isEqualTo(json("{'model':'backend-id','messages':[{'role':'user',"
                + "'content':'Hi'}]," + STREAMING + ",'max_tokens':256,'temperature':0.5,'top_p':0.9,'top_k':40,"
                + "'stop':['END','\\n\\n']}"));
        // each flavour its own names: OpenAI's max_completion_tokens, no top_k where the server has none
        assertThat(upstream(r, BackendFlavor.OPENAI)).isEqualTo(json("{'model':'backend-id','messages':[{'role':'user',"
                + "'content':'Hi'}]," + STREAMING + ",'max_completion_tokens':256,'temperature':0.5,'top_p':0.9,"
                + "'stop':['END','\\n\\n']}"));
    }

    @Test
    void streamIsTheClientsChoiceAndOffByDefault() {
        assertThat(MessagesRequests.messages(json(plain(",'stream':true"))).stream()).isTrue();
        assertThat(MessagesRequests.messages(json(plain(",'stream':false"))).stream()).isFalse();
        assertThat(MessagesRequests.messages(json(plain(""))).stream()).isFalse();
    }

    @Test
    void systemAsAStringOrTextBlocksBecomesOneLeadingSystemMessage() {
        assertThat(messages(",'system':'Be brief.'", "[{'role':'user','content':'Hi'}]")).isEqualTo(json(
                "[{'role':'system','content':'Be brief.'},{'role':'user','content':'Hi'}]"));
        assertThat(messages(",'system':[{'type':'text','text':'You are a coder.'},{'type':'text','text':'Be brief.',"
                + "'cache_control':{'type':'ephemeral'}}]", "[{'role':'user','content':'Hi'}]")).isEqualTo(json(
                "[{'role':'system','content':'You are a coder.\\nBe brief.'},{'role':'user','content':'Hi'}]"));
        assertThat(messages(",'system':''", "[{'role':'user','content':'Hi'}]")).isEqualTo(json(
                "[{'role':'user','content':'Hi'}]"));
    }

    @Test
    void textBlocksAreJoinedAndImagesBecomeImageUrlParts() {
        assertThat(messages("", "[{'role':'user','content':[{'type':'text','text':'Line one'},{'type':'text',"
                + "'text':'Line two','citations':null}]}]")).isEqualTo(json(
                "[{'role':'user','content':'Line one\\nLine two'}]"));
        assertThat(messages("", "[{'role':'user','content':[{'type':'text','text':'What is it?'},"
                + "{'type':'image','source':{'type':'base64','media_type':'image/png','data':'" + PNG + "'}},"
                + "{'type':'image','source':{'type':'url','url':'https://example.com/cat.jpg'}}]}]")).isEqualTo(json(
                "[{'role':'user','content':[{'type':'text','text':'What is it?'},"
                        + "{'type':'image_url','image_url':{'url':'data:image/png;base64," + PNG + "'}},"
                        + "{'type':'image_url','image_url':{'url':'https://example.com/cat.jpg'}}]}]"));
        // no media type: sniffed from the bytes, as for Ollama's images
        assertThat(messages("", "[{'role':'user','content':[{'type':'image','source':{'type':'base64','data':'" + PNG
                + "'}}]}]").get(0).path("content").get(0).path("image_url").path("url").asText())
                .startsWith("data:image/png;base64,");
    }

    @Test
    void aToolRoundTripBecomesToolCallsAndToolMessages() {
        String tools = ",'tools':[{'name':'get_weather','description':'Weather of a city','input_schema':{'type':'object',"
                + "'properties':{'city':{'type':'string'}},'required':['city']}}]";
        InferenceRequest r = MessagesRequests.messages(json("{'model':'m','max_tokens':64" + tools + ",'messages':["
                + "{'role':'user','content':'Weather in Paris and Rome?'},"
                + "{'role':'assistant','content':[{'type':'thinking','thinking':'Two cities.','signature':'abc'},"
                + "{'type':'text','text':'Checking.'},"
                + "{'type':'tool_use','id':'toolu_1','name':'get_weather','input':{'city':'Paris'}},"
                + "{'type':'tool_use','id':'toolu_2','name':'get_weather','input':{'city':'Rome'}}]},"
                + "{'role':'user','content':[{'type':'tool_result','tool_use_id':'toolu_1','content':'18C sunny'},"
                + "{'type':'tool_result','tool_use_id':'toolu_2','content':[{'type':'text','text':'no data'}],'is_error':true},"
                + "{'type':'text','text':'Summarise.'}]}]}"));
        assertThat(upstream(r, BackendFlavor.GENERIC)).isEqualTo(json("{'model':'backend-id','messages':["
                + "{'role':'user','content':'Weather in Paris and Rome?'},"
                + "{'role':'assistant','content':'Checking.','tool_calls':["
                + "{'id':'toolu_1','type':'function','function':{'name':'get_weather','arguments':'{\\'city\\':\\'Paris\\'}'}},"
                + "{'id':'toolu_2','type':'function','function':{'name':'get_weather','arguments':'{\\'city\\':\\'Rome\\'}'}}]},"
                + "{'role':'tool','content':'18C sunny','tool_call_id':'toolu_1'},"
                + "{'role':'tool','content':'Error: no data','tool_call_id':'toolu_2'},"
                + "{'role':'user','content':'Summarise.'}]," + STREAMING + ",'max_tokens':64,"
                + "'tools':[{'type':'function','function':{'name':'get_weather','description':'Weather of a city',"
                + "'parameters':{'type':'object','properties':{'city':{'type':'string'}},'required':['city']}}}]}"));
    }

    @Test
    void imagesAToolReturnsFollowItsResultsInAUserMessage() {
        JsonNode sent = messages("", "[{'role':'assistant','content':[{'type':'tool_use','id':'t1','name':'screenshot',"
                + "'input':{}}]},{'role':'user','content':[{'type':'tool_result','tool_use_id':'t1','content':["
                + "{'type':'text','text':'taken'},{'type':'image','source':{'type':'base64','media_type':'image/png',"
                + "'data':'" + PNG + "'}}]}]}]");
        assertThat(sent).isEqualTo(json("[{'role':'assistant','content':'','tool_calls':[{'id':'t1','type':'function',"
                + "'function':{'name':'screenshot','arguments':'{}'}}]},"
                + "{'role':'tool','content':'taken','tool_call_id':'t1'},"
                + "{'role':'user','content':[{'type':'text','text':'(image returned by tool call t1)'},"
                + "{'type':'image_url','image_url':{'url':'data:image/png;base64," + PNG + "'}}]}]"));
    }

    @Test
    void anEmptyErrorResultStillSaysItFailedAndAMissingContentIsEmpty() {
        assertThat(messages("", "[{'role':'user','content':[{'type':'tool_result','tool_use_id':'a','is_error':true},"
                + "{'type':'tool_result','tool_use_id':'b'}]}]")).isEqualTo(json(
                "[{'role':'tool','content':'Error','tool_call_id':'a'},{'role':'tool','content':'','tool_call_id':'b'}]"));
    }

    @Test
    void thinkingHistoryIsDroppedAndATurnOfOnlyThinkingDisappears() {
        assertThat(messages("", "[{'role':'user','content':'Hi'},{'role':'assistant','content':[{'type':'redacted_thinking',"
                + "'data':'xyz'},{'type':'thinking','thinking':'hm','signature':''}]},{'role':'user','content':'Again'}]"))
                .isEqualTo(json("[{'role':'user','content':'Hi'},{'role':'user','content':'Again'}]"));
    }

    @Test
    void aSystemTurnAmongTheMessagesIsASystemMessage() {
        assertThat(messages("", "[{'role':'system','content':[{'type':'text','text':'Rules.'}]},{'role':'user','content':'Hi'}]"))
                .isEqualTo(json("[{'role':'system','content':'Rules.'},{'role':'user','content':'Hi'}]"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "{'type':'auto'}                                         | 'auto'",
        "{'type':'none'}                                         | 'none'",
        "{'type':'any'}                                          | 'required'",
        "{'type':'tool','name':'f'}                              | {'type':'function','function':{'name':'f'}}",
    })
    void toolChoiceInOpenAiTerms(String anthropic, String openAi) {
        InferenceRequest r = MessagesRequests.messages(json(plain(",'tools':[{'name':'f','input_schema':{'type':'object'}}],"
                + "'tool_choice':" + anthropic)));
        assertThat(r.toolChoice()).isEqualTo(json(openAi));
        assertThat(r.parallelToolCalls()).isNull();
        assertThat(upstream(r, BackendFlavor.GENERIC).path("tool_choice")).isEqualTo(json(openAi));
        assertThat(upstream(r, BackendFlavor.GENERIC).has("parallel_tool_calls")).isFalse();
    }

    @Test
    void disableParallelToolUseIsParallelToolCallsFalse() {
        InferenceRequest r = MessagesRequests.messages(json(plain(",'tools':[{'name':'f','input_schema':{'type':'object'}}],"
                + "'tool_choice':{'type':'auto','disable_parallel_tool_use':true}")));
        assertThat(r.parallelToolCalls()).isFalse();
        JsonNode sent = upstream(r, BackendFlavor.VLLM);
        assertThat(sent.path("tool_choice").asText()).isEqualTo("auto");
        assertThat(sent.path("parallel_tool_calls").isBoolean()).isTrue();
        assertThat(sent.path("parallel_tool_calls").booleanValue()).isFalse();
    }

    @Test
    void aToolChoiceWithoutToolsIsDroppedWhenHarmlessAndRefusedWhenItForcesACall() {
        assertThat(MessagesRequests.messages(json(plain(",'tool_choice':{'type':'auto'}"))).toolChoice()).isNull();
        assertThat(MessagesRequests.messages(json(plain(",'tool_choice':{'type':'none'}"))).toolChoice()).isNull();
        assertBad(plain(",'tool_choice':{'type':'any'}"), "tool_choice: type \"any\" needs tools, and none are defined");
        assertBad(plain(",'tools':[{'name':'f','input_schema':{}}],'tool_choice':{'type':'tool','name':'g'}"),
                "tool_choice.name: no tool named \"g\" is defined in tools");
        assertBad(plain(",'tools':[{'name':'f','input_schema':{}}],'tool_choice':{'type':'sometimes'}"),
                "tool_choice.type: must be \"auto\", \"any\", \"tool\" or \"none\", not \"sometimes\"");
    }

    @ParameterizedTest
    @CsvSource({"1024, low", "4095, low", "4096, medium", "16383, medium", "16384, high", "31999, high"})
    void aThinkingBudgetIsAnEffortLevel(int budget, String level) {
        InferenceRequest r = MessagesRequests.messages(json(plain(",'thinking':{'type':'enabled','budget_tokens':" + budget + "}")));
        assertThat(r.think()).isEqualTo(new Think(true, level));
        // vLLM switches thinking through the template and passes the level along
        assertThat(upstream(r, BackendFlavor.VLLM).path("chat_template_kwargs")).isEqualTo(json("{'enable_thinking':true}"));
        assertThat(upstream(r, BackendFlavor.VLLM).path("reasoning_effort").asText()).isEqualTo(level);
    }

    @Test
    void thinkingDisabledAdaptiveAndEffort() {
        assertThat(MessagesRequests.messages(json(plain(",'thinking':{'type':'disabled'}"))).think())
                .isEqualTo(new Think(false, null));
        assertThat(MessagesRequests.messages(json(plain(",'thinking':{'type':'adaptive'}"))).think()).isNull();
        assertThat(MessagesRequests.messages(json(plain(""))).think()).isNull();
        assertThat(MessagesRequests.messages(json(plain(",'thinking':{'type':'adaptive'},'output_config':{'effort':'xhigh'}")))
                .think()).isEqualTo(new Think(true, "high"));
        assertThat(MessagesRequests.messages(json(plain(",'output_config':{'effort':'low'}"))).think())
                .isEqualTo(new Think(true, "low"));
        // the effort is more precise than a budget
        assertThat(MessagesRequests.messages(json(plain(",'thinking':{'type':'enabled','budget_tokens':2000},"
                + "'output_config':{'effort':'max'}"))).think()).isEqualTo(new Think(true, "max"));
        assertThat(MessagesRequests.messages(json(plain(",'thinking':{'type':'disabled'},'output_config':{'effort':'high'}")))
                .think()).isEqualTo(new Think(false, null));
    }

    @Test
    void anOutputFormatIsAJsonSchemaForTheBackend() {
        InferenceRequest r = MessagesRequests.messages(json(plain(",'output_config':{'format':{'type':'json_schema',"
                + "'schema':{'type':'object','properties':{'answer':{'type':'number'}}}}}")));
        assertThat(upstream(r, BackendFlavor.VLLM).path("response_format")).isEqualTo(json("{'type':'json_schema',"
                + "'json_schema':{'name':'schema','schema':{'type':'object','properties':{'answer':{'type':'number'}}}}}"));
    }

    @Test
    void metadataUserIdIsTheOpenAiUser() {
        InferenceRequest r = MessagesRequests.messages(json(plain(",'metadata':{'user_id':'u-42'}")));
        assertThat(upstream(r, BackendFlavor.OPENAI).path("user").asText()).isEqualTo("u-42");
        assertThat(upstream(MessagesRequests.messages(json(plain(",'metadata':{}"))), BackendFlavor.OPENAI).has("user"))
                .isFalse();
    }

    @Test
    void unknownTopLevelFieldsAndCacheControlChangeNothing() {
        assertThat(upstream(MessagesRequests.messages(json(plain(",'service_tier':'auto','container':null,"
                + "'cache_control':{'type':'ephemeral'}"))), BackendFlavor.GENERIC))
                .isEqualTo(upstream(MessagesRequests.messages(json(plain(""))), BackendFlavor.GENERIC));
    }

    @Test
    void countTokensNeedsNoMaxTokens() {
        InferenceRequest r = MessagesRequests.countTokens(json("{'model':'m','messages':[{'role':'user','content':'Hi'}]}"));
        assertThat(r.options()).doesNotContainKey(SamplingOption.NUM_PREDICT);
        assertThat(r.messages()).hasSize(1);
    }

    // ---------------------------------------------------------------- refusals, each naming what is wrong

    @Test
    void missingAndWrongFieldsAreRefusedWithTheirNames() {
        assertBadRequest(() -> MessagesRequests.messages(null), "missing request body");
        assertBadRequest(() -> MessagesRequests.messages(MissingNode.getInstance()), "missing request body");
        assertBad("[]", "invalid request body: expected a JSON object");
        assertBad("{'max_tokens':5,'messages':[{'role':'user','content':'x'}]}", "model: field required");
        assertBad("{'model':'m','messages':[{'role':'user','content':'x'}]}", "max_tokens: field required");
        assertBad("{'model':'m','max_tokens':0,'messages':[{'role':'user','content':'x'}]}", "max_tokens: must be at least 1, not 0");
        assertBad("{'model':'m','max_tokens':1.5,'messages':[{'role':'user','content':'x'}]}",
                "invalid value for \"max_tokens\": expected an integer, got a number");
        assertBad("{'model':'m','max_tokens':'9','messages':[{'role':'user','content':'x'}]}",
                "invalid value for \"max_tokens\": expected an integer, got a string");
        assertBad("{'model':'m','max_tokens':5}", "messages: at least one message is required");
        assertBad("{'model':'m','max_tokens':5,'messages':[]}", "messages: at least one message is required");
        assertBad(plain(",'temperature':'hot'"), "invalid value for \"temperature\": expected a number, got a string");
        assertBad(plain(",'top_k':-1"), "top_k: must be at least 0, not -1");
        assertBad(plain(",'stop_sequences':'END'"), "invalid value for \"stop_sequences\": expected an array, got a string");
        assertBad(plain(",'stream':'yes'"), "invalid value for \"stream\": expected a boolean, got a string");
    }

    @Test
    void badMessagesAreRefusedWithWhereTheyAre() {
        assertBad(withMessages("[{'role':'tool','content':'x'}]"),
                "messages[0].role: must be \"user\" or \"assistant\", not \"tool\"");
        assertBad(withMessages("[{'content':'x'}]"), "messages[0].role: field required");
        assertBad(withMessages("[{'role':'user'}]"), "messages[0].content: field required");
        assertBad(withMessages("[{'role':'user','content':5}]"),
                "invalid value for \"messages[0].content\": expected a string or an array of content blocks, got a number");
        assertBad(withMessages("[{'role':'user','content':[{'text':'x'}]}]"), "messages[0].content[0].type: field required");
        assertBad(withMessages("[{'role':'user','content':[{'type':'text'}]}]"), "messages[0].content[0].text: field required");
        assertBad(withMessages("[{'role':'user','content':[{'type':'image','source':{'type':'file','file_id':'f'}}]}]"),
                "messages[0].content[0].source.type: image source \"file\" is not supported (send \"base64\" data or a "
                        + "\"url\"; llm-relay has no Files API)");
        assertBad(withMessages("[{'role':'assistant','content':[{'type':'tool_use','name':'f','input':{}}]}]"),
                "messages[0].content[0].id: field required");
        assertBad(withMessages("[{'role':'assistant','content':[{'type':'tool_use','id':'t','name':'f','input':[1]}]}]"),
                "invalid value for \"messages[0].content[0].input\": expected an object, got an array");
        assertBad(withMessages("[{'role':'user','content':[{'type':'tool_result','content':'x'}]}]"),
                "messages[0].content[0].tool_use_id: field required");
    }

    @Test
    void unknownOrMisplacedBlockTypesAreRefusedByName() {
        assertBad(withMessages("[{'role':'user','content':[{'type':'document','source':{}}]}]"),
                "messages[0].content[0]: content block type \"document\" is not supported in a user message "
                        + "(supported: text, image, tool_result)");
        assertBad(withMessages("[{'role':'assistant','content':[{'type':'server_tool_use','id':'s','name':'web_search'}]}]"),
                "messages[0].content[0]: content block type \"server_tool_use\" is not supported in an assistant message "
                        + "(supported: text, tool_use, thinking, redacted_thinking)");
        assertBad(withMessages("[{'role':'user','content':[{'type':'tool_use','id':'t','name':'f','input':{}}]}]"),
                "messages[0].content[0]: content block type \"tool_use\" is not supported in a user message "
                        + "(supported: text, image, tool_result)");
        assertBad(withMessages("[{'role':'user','content':[{'type':'tool_result','tool_use_id':'t','content':"
                + "[{'type':'search_result'}]}]}]"),
                "messages[0].content[0].content[0]: content block type \"search_result\" is not supported in a "
                        + "tool_result (supported: text, image)");
        assertBad(plain(",'system':[{'type':'image','source':{}}]"),
                "system[0]: system content takes text blocks only, not \"image\"");
    }

    @Test
    void serverToolsAndBadToolsAreRefused() {
        assertBad(plain(",'tools':[{'type':'web_search_20250305','name':'web_search'}]"),
                "tools[0].type: tool type \"web_search_20250305\" is not supported: it is a tool Anthropic runs or "
                        + "defines itself; through llm-relay a model can call only tools the client defines (name, "
                        + "description, input_schema)");
        assertBad(plain(",'tools':[{'name':'f'}]"), "tools[0].input_schema: field required");
        assertBad(plain(",'tools':[{'input_schema':{}}]"), "tools[0].name: field required");
        assertBad(plain(",'tools':[{'name':'f','input_schema':{}},{'name':'f','input_schema':{}}]"),
                "tools[1].name: tool \"f\" is defined twice");
        // a client's own tool may say it is custom
        assertThat(MessagesRequests.messages(json(plain(",'tools':[{'type':'custom','name':'f','input_schema':{}}]")))
                .tools()).hasSize(1);
    }

    @Test
    void badThinkingAndOutputConfigAreRefused() {
        assertBad(plain(",'thinking':{'type':'enabled'}"), "thinking.budget_tokens: field required");
        assertBad(plain(",'thinking':{'type':'on'}"),
                "thinking.type: must be \"enabled\", \"disabled\" or \"adaptive\", not \"on\"");
        assertBad(plain(",'output_config':{'effort':'huge'}"),
                "output_config.effort: must be \"low\", \"medium\", \"high\", \"xhigh\" or \"max\", not \"huge\"");
        assertBad(plain(",'output_config':{'format':{'type':'regex'}}"),
                "output_config.format.type: must be \"json_schema\", not \"regex\"");
    }

    // ---------------------------------------------------------------- helpers

    private static String plain(String extra) {
        return "{'model':'m','max_tokens':16,'messages':[{'role':'user','content':'Hi'}]" + extra + "}";
    }

    private static String withMessages(String messages) {
        return "{'model':'m','max_tokens':16,'messages':" + messages + "}";
    }

    /** The upstream messages for a request with {@code extra} fields and {@code messages}. */
    private static JsonNode messages(String extra, String messages) {
        InferenceRequest r = MessagesRequests.messages(json("{'model':'m','max_tokens':16,'messages':" + messages + extra + "}"));
        return upstream(r, BackendFlavor.GENERIC).path("messages");
    }

    private static JsonNode upstream(InferenceRequest r, BackendFlavor flavor) {
        return parse(written(out -> OpenAiRequestWriter.inference(r, "backend-id", flavor, out)));
    }

    private static void assertBad(String body, String message) {
        assertBadRequest(() -> MessagesRequests.messages(json(body)), message);
    }

    private static void assertBadRequest(Runnable parse, String message) {
        assertThatThrownBy(parse::run).isInstanceOfSatisfying(RelayException.class, e -> {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.getMessage()).isEqualTo(message);
        });
    }
}
