package io.llmrelay.core.translate;

import static io.llmrelay.core.translate.TestJson.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.MissingNode;
import io.llmrelay.core.api.RelayException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class OllamaRequestsTest {

    private static final String USER_HI = "'messages':[{'role':'user','content':'hi'}]";

    // ---------------------------------------------------------------- lenience

    @Test
    void chatIsReadWithItsDefaults() {
        InferenceRequest r = OllamaRequests.chat(json("{'model':'llama3.2'," + USER_HI + "}"));
        assertThat(r.shape()).isEqualTo(InferenceRequest.Shape.CHAT);
        assertThat(r.model()).isEqualTo("llama3.2");
        assertThat(r.stream()).isTrue(); // Ollama streams unless told not to
        assertThat(r.keepAlive()).isNull();
        assertThat(r.options()).isEmpty();
        assertThat(r.format()).isNull();
        assertThat(r.think()).isNull();
        assertThat(r.tools()).isNull();
        assertThat(r.logprobs()).isFalse();
        assertThat(r.topLogprobs()).isZero();
        assertThat(r.messages()).containsExactly(new ChatMessage("user", "hi", null, List.of(), null, null, null));
        assertThat(r.prompt()).isNull();
        assertThat(r.suffix()).isNull();
        assertThat(r.loadOnly()).isFalse();
        assertThat(r.generateShape()).isFalse();
    }

    @Test
    void whatThePythonSdkSendsIsAccepted() {
        InferenceRequest r = OllamaRequests.chat(json("{'model':'llama3.2','messages':[{'role':'user','content':'hi'}],"
                + "'tools':[],'stream':false,'think':null,'format':null,'options':null,'keep_alive':null,"
                + "'logprobs':null,'top_logprobs':null,'width':512,'height':512,'steps':4}"));
        assertThat(r.stream()).isFalse();
        assertThat(r.tools()).isNull(); // [] is dropped
        assertThat(r.options()).isEmpty();
        assertThat(r.format()).isNull();
        assertThat(r.think()).isNull();
        assertThat(r.keepAlive()).isNull();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "{'model':'llama3.2'}                 | llama3.2",
        "{'name':'llama3.2'}                  | llama3.2",
        "{'model':'','name':'llama3.2'}       | llama3.2",
        "{'model':' ','name':'llama3.2'}      | llama3.2",
        "{'model':null,'name':'llama3.2'}     | llama3.2",
        "{'model':'a:7b','name':'b'}          | a:7b",
        "{'model':'Qwen/Qwen3-8B'}            | Qwen/Qwen3-8B",
    })
    void modelComesFromModelOrItsAliasName(String body, String model) {
        assertThat(OllamaRequests.model(json(body))).isEqualTo(model);
        assertThat(OllamaRequests.chat(json(body)).model()).isEqualTo(model);
    }

    @Test
    void messagesWithoutContentAndWithUpperCaseRolesAreAccepted() {
        InferenceRequest r = OllamaRequests.chat(json("{'model':'m','messages':[{'role':'USER'},"
                + "{'role':'assistant','content':null},{'role':'Tool','content':'42','tool_name':'calc','tool_call_id':'c1'}]}"));
        assertThat(r.messages()).containsExactly(
                new ChatMessage("user", null, null, List.of(), null, null, null),
                new ChatMessage("assistant", null, null, List.of(), null, null, null),
                new ChatMessage("tool", "42", null, List.of(), null, "calc", "c1"));
    }

    @Test
    void contentPartsImagesAndToolCallsAreKept() {
        InferenceRequest r = OllamaRequests.chat(json("{'model':'m','messages':[{'role':'user','content':"
                + "[{'type':'text','text':'what?'}],'images':['iVBORw0KGgo=']},{'role':'assistant','content':'',"
                + "'tool_calls':[{'function':{'name':'f','arguments':{'a':1}}},{'id':'x','function':{'name':'g',"
                + "'arguments':'{}'}},{'function':{'name':'h','arguments':null}}]},{'role':'assistant','tool_calls':[]}]}"));
        ChatMessage user = r.messages().get(0);
        assertThat(user.content()).isNull();
        assertThat(user.contentParts()).isEqualTo(json("[{'type':'text','text':'what?'}]"));
        assertThat(user.images()).containsExactly("iVBORw0KGgo=");
        assertThat(r.messages().get(1).toolCalls()).hasSize(3);
        assertThat(r.messages().get(2).toolCalls()).isNull(); // an empty list is no calls
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "300          | PT5M",
        "0            | PT0S",
        "1.5          | PT1.5S",
        "-1           | PT-1S",
        "'5m'         | PT5M",
        "'1h30m'      | PT1H30M",
        "'300ms'      | PT0.3S",
        "'0'          | PT0S",
        "'0s'         | PT0S",
        "'-1'         | PT-1S",
        "'-1m'        | PT-1M",
        "'+2h'        | PT2H",
        "'90'         | PT1M30S",
        "'1.5h'       | PT1H30M",
        "'2h45m30.5s' | PT2H45M30.5S",
        "'1m0.25s'    | PT1M0.25S",
        "'10us'       | PT0.00001S",
        "'10\u00b5s'  | PT0.00001S",
        "'7ns'        | PT0.000000007S",
        "' 5m '       | PT5M",
    })
    void keepAliveIsSecondsOrAGoDuration(String value, String expected) {
        InferenceRequest r = OllamaRequests.chat(json("{'model':'m'," + USER_HI + ",'keep_alive':" + value + "}"));
        assertThat(r.keepAlive()).isEqualTo(Duration.parse(expected));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "true       | true  |",
        "false      | false |",
        "'true'     | true  |",
        "'false'    | false |",
        "'none'     | false |",
        "'low'      | true  | low",
        "'medium'   | true  | medium",
        "'high'     | true  | high",
        "'HIGH'     | true  | high",
        "' max '    | true  | max",
    })
    void thinkIsABoolOrALevel(String value, boolean enabled, String level) {
        InferenceRequest r = OllamaRequests.chat(json("{'model':'m'," + USER_HI + ",'think':" + value + "}"));
        assertThat(r.think()).isEqualTo(new Think(enabled, level));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "''                                  | ",
        "'  '                                | ",
        "null                                | ",
        "'json'                              | 'json'",
        "{'type':'object','properties':{'a':{'type':'string'}}} | {'type':'object','properties':{'a':{'type':'string'}}}",
        "{}                                  | {}",
    })
    void formatIsNothingJsonOrASchema(String value, String expected) {
        InferenceRequest r = OllamaRequests.chat(json("{'model':'m'," + USER_HI + ",'format':" + value + "}"));
        assertThat(r.format()).isEqualTo(expected == null ? null : json(expected));
    }

    @Test
    void unknownAndLegacyOptionsAreIgnored() {
        InferenceRequest r = OllamaRequests.chat(json("{'model':'m'," + USER_HI + ",'options':{'num_ctx':8192,"
                + "'mirostat':1,'mirostat_tau':5.0,'tfs_z':1.0,'penalize_newline':true,'numa':false,'use_mmap':true,"
                + "'num_gpu':-1,'num_thread':8,'num_keep':4,'whatever':'x','temperature':0.5}}"));
        assertThat(r.options()).isEqualTo(Map.of(SamplingOption.TEMPERATURE, 0.5));
    }

    @Test
    void everyKnownOptionIsReadWithItsType() {
        InferenceRequest r = OllamaRequests.chat(json("{'model':'m'," + USER_HI + ",'options':{'num_predict':128,"
                + "'temperature':0.7,'top_p':0.9,'top_k':40,'min_p':0.05,'typical_p':0.95,'repeat_penalty':1.1,"
                + "'repeat_last_n':64,'presence_penalty':0.25,'frequency_penalty':0.5,'seed':42,'stop':['\\n','User:']}}"));
        assertThat(r.options()).containsExactly(
                Map.entry(SamplingOption.NUM_PREDICT, 128L),
                Map.entry(SamplingOption.TEMPERATURE, 0.7),
                Map.entry(SamplingOption.TOP_P, 0.9),
                Map.entry(SamplingOption.TOP_K, 40L),
                Map.entry(SamplingOption.MIN_P, 0.05),
                Map.entry(SamplingOption.TYPICAL_P, 0.95),
                Map.entry(SamplingOption.REPEAT_PENALTY, 1.1),
                Map.entry(SamplingOption.REPEAT_LAST_N, 64L),
                Map.entry(SamplingOption.PRESENCE_PENALTY, 0.25),
                Map.entry(SamplingOption.FREQUENCY_PENALTY, 0.5),
                Map.entry(SamplingOption.SEED, 42L),
                Map.entry(SamplingOption.STOP, List.of("\n", "User:")));
    }

    @Test
    void intsSentAsFloatsAreTruncatedAndFloatsSentAsIntsWidened() {
        InferenceRequest r = OllamaRequests.chat(json("{'model':'m'," + USER_HI + ",'options':{'num_predict':100.9,"
                + "'top_k':40.0,'seed':7.5,'temperature':1,'top_p':0}}"));
        assertThat(r.options()).containsExactly(
                Map.entry(SamplingOption.NUM_PREDICT, 100L),
                Map.entry(SamplingOption.TEMPERATURE, 1.0),
                Map.entry(SamplingOption.TOP_P, 0.0),
                Map.entry(SamplingOption.TOP_K, 40L),
                Map.entry(SamplingOption.SEED, 7L));
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "-2", "0"})
    void numPredictWithoutACapIsDropped(String value) {
        InferenceRequest r = OllamaRequests.chat(json("{'model':'m'," + USER_HI + ",'options':{'num_predict':" + value
                + ",'top_k':1}}"));
        assertThat(r.options()).containsOnlyKeys(SamplingOption.TOP_K);
    }

    @Test
    void randomSeedIsDroppedAndNullOptionsIgnored() {
        InferenceRequest r = OllamaRequests.chat(json("{'model':'m'," + USER_HI + ",'options':{'seed':-1,'temperature':null,"
                + "'stop':null,'top_p':0.5}}"));
        assertThat(r.options()).isEqualTo(Map.of(SamplingOption.TOP_P, 0.5));
    }

    @Test
    void anEmptyStopListMeansNoStopField() {
        InferenceRequest r = OllamaRequests.chat(json("{'model':'m'," + USER_HI + ",'options':{'stop':[],'top_p':0.5}}"));
        assertThat(r.options()).isEqualTo(Map.of(SamplingOption.TOP_P, 0.5));
    }

    @Test
    void aSingleStopStringIsAListOfOne() {
        InferenceRequest r = OllamaRequests.chat(json("{'model':'m'," + USER_HI + ",'options':{'stop':'END'}}"));
        assertThat(r.options()).isEqualTo(Map.of(SamplingOption.STOP, List.of("END")));
    }

    @Test
    void toolsAndLogprobsAreKept() {
        InferenceRequest r = OllamaRequests.chat(json("{'model':'m'," + USER_HI + ",'tools':[{'type':'function','function':"
                + "{'name':'f','parameters':{'type':'object'}}}],'logprobs':true,'top_logprobs':20}"));
        assertThat(r.tools()).isEqualTo(json("[{'type':'function','function':{'name':'f','parameters':{'type':'object'}}}]"));
        assertThat(r.logprobs()).isTrue();
        assertThat(r.topLogprobs()).isEqualTo(20);
        assertThat(OllamaRequests.chat(json("{'model':'m'," + USER_HI + ",'top_logprobs':0}")).topLogprobs()).isZero();
    }

    // ---------------------------------------------------------------- strictness

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "{'messages':[]}                                       | model is required",
        "{'model':'','messages':[]}                            | model is required",
        "{'model':'  ','name':''}                              | model is required",
        "{'model':null}                                        | model is required",
        "{'model':7}                                           | invalid value for \"model\": expected a string, got a number",
        "{'model':'m','messages':{}}                           | invalid value for \"messages\": expected an array, got an object",
        "{'model':'m','messages':['hi']}                       | invalid value for \"messages[0]\": expected an object, got a string",
        "{'model':'m','messages':[{'content':'hi'}]}           | messages[0].role is required",
        "{'model':'m','messages':[{'role':''}]}                | messages[0].role is required",
        "{'model':'m','messages':[{'role':1}]}                 | invalid value for \"messages[0].role\": expected a string, got a number",
        "{'model':'m','messages':[{'role':'user'},{'role':'user','content':5}]} | invalid value for \"messages[1].content\": expected a string or an array of content parts, got a number",
        "{'model':'m','messages':[{'role':'user','content':{}}]} | invalid value for \"messages[0].content\": expected a string or an array of content parts, got an object",
        "{'model':'m','messages':[{'role':'user','images':'abc'}]} | invalid value for \"messages[0].images\": expected an array, got a string",
        "{'model':'m','messages':[{'role':'user','images':[1]}]} | invalid value for \"messages[0].images\": expected an array of strings, got a number",
        "{'model':'m','messages':[{'role':'tool','tool_name':5}]} | invalid value for \"messages[0].tool_name\": expected a string, got a number",
        "{'model':'m','messages':[{'role':'tool','tool_call_id':true}]} | invalid value for \"messages[0].tool_call_id\": expected a string, got a boolean",
        "{'model':'m','messages':[{'role':'assistant','tool_calls':{}}]} | invalid value for \"messages[0].tool_calls\": expected an array, got an object",
        "{'model':'m','messages':[{'role':'assistant','tool_calls':[{}]}]} | messages[0].tool_calls[0]: function is required",
        "{'model':'m','messages':[{'role':'assistant','tool_calls':[{'function':{'arguments':{}}}]}]} | messages[0].tool_calls[0].function.name is required",
        "{'model':'m','messages':[{'role':'assistant','tool_calls':[{'function':{'name':'f','arguments':3}}]}]} | invalid value for \"messages[0].tool_calls[0].function.arguments\": expected an object, got a number",
        "{'model':'m','stream':'false'}                        | invalid value for \"stream\": expected a boolean, got a string",
        "{'model':'m','logprobs':1}                            | invalid value for \"logprobs\": expected a boolean, got a number",
        "{'model':'m','tools':{}}                              | invalid value for \"tools\": expected an array, got an object",
        "{'model':'m','options':[]}                            | invalid value for \"options\": expected an object, got an array",
        "{'model':'m','options':{'temperature':'hot'}}         | option \"temperature\" must be of type float",
        "{'model':'m','options':{'num_predict':'10'}}          | option \"num_predict\" must be of type integer",
        "{'model':'m','options':{'top_k':true}}                | option \"top_k\" must be of type integer",
        "{'model':'m','options':{'stop':5}}                    | option \"stop\" must be of type array of strings",
        "{'model':'m','options':{'stop':['a',1]}}              | option \"stop\" must be of type array of strings",
        "{'model':'m','format':'xml'}                          | invalid format \"xml\": expected \"json\" or a JSON schema object",
        "{'model':'m','format':'JSON'}                         | invalid format \"JSON\": expected \"json\" or a JSON schema object",
        "{'model':'m','format':5}                              | invalid value for \"format\": expected \"json\" or a JSON schema object, got a number",
        "{'model':'m','format':[]}                             | invalid value for \"format\": expected \"json\" or a JSON schema object, got an array",
        "{'model':'m','top_logprobs':21}                       | top_logprobs must be between 0 and 20",
        "{'model':'m','top_logprobs':-1}                       | top_logprobs must be between 0 and 20",
        "{'model':'m','top_logprobs':'5'}                      | invalid value for \"top_logprobs\": expected an integer, got a string",
        "{'model':'m','keep_alive':true}                       | invalid keep_alive: expected a number of seconds or a duration string such as \"5m\"",
        "{'model':'m','keep_alive':{}}                         | invalid keep_alive: expected a number of seconds or a duration string such as \"5m\"",
        "{'model':'m','keep_alive':'5 minutes'}                | invalid keep_alive duration \"5 minutes\"",
        "{'model':'m','keep_alive':''}                         | invalid keep_alive duration \"\"",
        "{'model':'m','keep_alive':'5'}                        | ",
        "{'model':'m','keep_alive':'m'}                        | invalid keep_alive duration \"m\"",
        "{'model':'m','keep_alive':'5d'}                       | invalid keep_alive duration \"5d\"",
        "{'model':'m','keep_alive':'1h 30m'}                   | invalid keep_alive duration \"1h 30m\"",
        "{'model':'m','think':'extreme'}                       | invalid think value \"extreme\" (expected true, false, \"low\", \"medium\", \"high\" or \"max\")",
        "{'model':'m','think':1}                               | invalid think value 1 (expected true, false, \"low\", \"medium\", \"high\" or \"max\")",
    })
    void chatErrorsAre400WithAMessageNamingTheField(String body, String message) {
        if (message == null) {
            OllamaRequests.chat(json(body)); // control row: accepted
            return;
        }
        assertBadRequest(() -> OllamaRequests.chat(json(body)), message);
    }

    @Test
    void aBodyThatIsNoObjectIsRefused() {
        assertBadRequest(() -> OllamaRequests.chat(null), "missing request body");
        assertBadRequest(() -> OllamaRequests.chat(MissingNode.getInstance()), "missing request body");
        assertBadRequest(() -> OllamaRequests.chat(json("[]")), "invalid request body: expected a JSON object");
        assertBadRequest(() -> OllamaRequests.generate(json("'hi'")), "invalid request body: expected a JSON object");
        assertBadRequest(() -> OllamaRequests.embed(json("5")), "invalid request body: expected a JSON object");
        assertBadRequest(() -> OllamaRequests.legacyEmbeddings(json("null")), "invalid request body: expected a JSON object");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "{'model':'m','prompt':'p','raw':true,'system':'s'}                | raw mode does not support template, system, or context",
        "{'model':'m','prompt':'p','raw':true,'template':'{{.Prompt}}'}    | raw mode does not support template, system, or context",
        "{'model':'m','prompt':'p','raw':true,'context':[1,2,3]}           | raw mode does not support template, system, or context",
        "{'model':'m','prompt':'p','raw':true,'images':['abc']}            | images are not supported with raw mode or suffix",
        "{'model':'m','prompt':'p','suffix':'s','images':['abc']}          | images are not supported with raw mode or suffix",
        "{'model':'m','prompt':'p','raw':'yes'}                            | invalid value for \"raw\": expected a boolean, got a string",
        "{'model':'m','prompt':5}                                          | invalid value for \"prompt\": expected a string, got a number",
        "{'model':'m','prompt':'p','system':[]}                            | invalid value for \"system\": expected a string, got an array",
        "{'model':'m','prompt':'p','images':'abc'}                         | invalid value for \"images\": expected an array, got a string",
        "{'model':'m','prompt':'p','images':[{}]}                          | invalid value for \"images\": expected an array of strings, got an object",
        "{'model':'m','prompt':'p','context':5}                            | invalid value for \"context\": expected an array, got a number",
        "{'prompt':'p'}                                                    | model is required",
    })
    void generateErrorsAre400(String body, String message) {
        assertBadRequest(() -> OllamaRequests.generate(json(body)), message);
    }

    @Test
    void templateAndContextAreRefusedWithAnExplanation() {
        assertThatThrownBy(() -> OllamaRequests.generate(json("{'model':'m','prompt':'p','template':'{{.Prompt}}'}")))
                .isInstanceOf(RelayException.class)
                .hasMessageStartingWith("template is not supported: ")
                .hasMessageContaining("\"raw\": true");
        assertThatThrownBy(() -> OllamaRequests.generate(json("{'model':'m','prompt':'p','context':[1,2]}")))
                .isInstanceOf(RelayException.class)
                .hasMessageStartingWith("context is not supported: ")
                .hasMessageContaining("/api/chat");
    }

    @Test
    void emptyTemplateAndContextAreNoTemplateAndNoContext() {
        InferenceRequest r = OllamaRequests.generate(json("{'model':'m','prompt':'p','template':'','context':[],'raw':true,"
                + "'system':''}"));
        assertThat(r.shape()).isEqualTo(InferenceRequest.Shape.COMPLETION);
        assertThat(OllamaRequests.generate(json("{'model':'m','prompt':'p','context':null}")).shape())
                .isEqualTo(InferenceRequest.Shape.GENERATE);
    }

    // ---------------------------------------------------------------- load only

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "{'model':'m','messages':[]}                      | load",
        "{'model':'m'}                                    | load",
        "{'model':'m','messages':null}                    | load",
        "{'model':'m','messages':[],'keep_alive':0}       | unload",
        "{'model':'m','messages':[],'keep_alive':'0'}     | unload",
        "{'model':'m','messages':[],'keep_alive':'0s'}    | unload",
        "{'model':'m','messages':[],'keep_alive':-1}      | load",
        "{'model':'m','messages':[],'keep_alive':'10m'}   | load",
    })
    void chatWithoutMessagesOnlyLoads(String body, String reason) {
        InferenceRequest r = OllamaRequests.chat(json(body));
        assertThat(r.loadOnly()).isTrue();
        assertThat(r.loadReason()).isEqualTo(reason);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "{'model':'m'}                                     | load",
        "{'model':'m','prompt':''}                         | load",
        "{'model':'m','prompt':null,'system':'be brief'}   | load",
        "{'model':'m','prompt':'','keep_alive':0}          | unload",
        "{'model':'m','prompt':'','raw':true}              | load",
        "{'model':'m','prompt':'','raw':true,'keep_alive':'0'} | unload",
    })
    void generateWithAnEmptyPromptOnlyLoads(String body, String reason) {
        InferenceRequest r = OllamaRequests.generate(json(body));
        assertThat(r.loadOnly()).isTrue();
        assertThat(r.loadReason()).isEqualTo(reason);
        assertThat(r.shape()).isEqualTo(InferenceRequest.Shape.GENERATE);
        assertThat(r.generateShape()).isTrue();
    }

    @Test
    void requestsWithSomethingToAnswerAreNotLoadOnly() {
        assertThat(OllamaRequests.chat(json("{'model':'m','messages':[{'role':'user'}],'keep_alive':0}")).loadOnly()).isFalse();
        assertThat(OllamaRequests.generate(json("{'model':'m','prompt':'hi'}")).loadOnly()).isFalse();
        assertThat(OllamaRequests.generate(json("{'model':'m','images':['abc']}")).loadOnly()).isFalse();
        assertThat(OllamaRequests.generate(json("{'model':'m','prompt':'','suffix':'}'}")).loadOnly()).isFalse();
    }

    // ---------------------------------------------------------------- generate shapes

    @Test
    void generateBecomesMessagesWithTheSystemPromptFirst() {
        InferenceRequest r = OllamaRequests.generate(json("{'model':'llama3.2','prompt':'Why is the sky blue?',"
                + "'system':'Answer briefly.','images':['iVBORw0KGgo='],'stream':false}"));
        assertThat(r.shape()).isEqualTo(InferenceRequest.Shape.GENERATE);
        assertThat(r.generateShape()).isTrue();
        assertThat(r.stream()).isFalse();
        assertThat(r.messages()).containsExactly(
                new ChatMessage("system", "Answer briefly.", null, List.of(), null, null, null),
                new ChatMessage("user", "Why is the sky blue?", null, List.of("iVBORw0KGgo="), null, null, null));
        assertThat(r.prompt()).isNull();
        assertThat(r.tools()).isNull();
    }

    @Test
    void generateWithoutSystemHasOneUserMessage() {
        InferenceRequest r = OllamaRequests.generate(json("{'model':'m','prompt':'hi','system':''}"));
        assertThat(r.messages()).containsExactly(new ChatMessage("user", "hi", null, List.of(), null, null, null));
    }

    @Test
    void generateWithOnlyImagesSendsThemWithAnEmptyPrompt() {
        InferenceRequest r = OllamaRequests.generate(json("{'model':'m','images':['abc']}"));
        assertThat(r.messages()).containsExactly(new ChatMessage("user", "", null, List.of("abc"), null, null, null));
    }

    @Test
    void rawGenerateKeepsItsPromptForCompletions() {
        InferenceRequest r = OllamaRequests.generate(json("{'model':'m','prompt':'<|user|>hi<|assistant|>','raw':true,"
                + "'options':{'num_predict':5}}"));
        assertThat(r.shape()).isEqualTo(InferenceRequest.Shape.COMPLETION);
        assertThat(r.prompt()).isEqualTo("<|user|>hi<|assistant|>");
        assertThat(r.suffix()).isNull();
        assertThat(r.messages()).isEmpty();
        assertThat(r.loadOnly()).isFalse();
        assertThat(r.generateShape()).isTrue();
        assertThat(r.options()).isEqualTo(Map.of(SamplingOption.NUM_PREDICT, 5L));
    }

    @Test
    void suffixMakesAFillInTheMiddleCompletion() {
        InferenceRequest r = OllamaRequests.generate(json("{'model':'m','prompt':'def add(a, b):','suffix':'    return c'}"));
        assertThat(r.shape()).isEqualTo(InferenceRequest.Shape.COMPLETION);
        assertThat(r.prompt()).isEqualTo("def add(a, b):");
        assertThat(r.suffix()).isEqualTo("    return c");
        InferenceRequest onlySuffix = OllamaRequests.generate(json("{'model':'m','suffix':'x'}"));
        assertThat(onlySuffix.shape()).isEqualTo(InferenceRequest.Shape.COMPLETION);
        assertThat(onlySuffix.prompt()).isEmpty();
    }

    @Test
    void generateCarriesTheCommonFields() {
        InferenceRequest r = OllamaRequests.generate(json("{'model':'m','prompt':'p','format':'json','think':'low',"
                + "'keep_alive':'1h','logprobs':true,'top_logprobs':3,'tools':[{'type':'function'}]}"));
        assertThat(r.format()).isEqualTo(json("'json'"));
        assertThat(r.think()).isEqualTo(new Think(true, "low"));
        assertThat(r.keepAlive()).isEqualTo(Duration.ofHours(1));
        assertThat(r.logprobs()).isTrue();
        assertThat(r.topLogprobs()).isEqualTo(3);
        assertThat(r.tools()).isNull(); // generate takes no tools
    }

    // ---------------------------------------------------------------- embeddings

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "{'model':'e','input':'hello'}          | hello",
        "{'model':'e','input':['a','b','']}     | a,b,",
        "{'model':'e','input':''}               | ",
        "{'model':'e','input':[]}               | ",
        "{'model':'e','input':null}             | ",
        "{'model':'e'}                          | ",
    })
    void embedInputIsAStringOrAList(String body, String inputs) {
        EmbedRequest r = OllamaRequests.embed(json(body));
        List<String> expected = inputs == null ? List.of() : List.of(inputs.split(",", -1));
        assertThat(r.inputs()).isEqualTo(expected);
        assertThat(r.model()).isEqualTo("e");
        assertThat(r.legacy()).isFalse();
        assertThat(r.dimensions()).isNull();
    }

    @Test
    void embedCarriesDimensionsAndKeepAlive() {
        EmbedRequest r = OllamaRequests.embed(json("{'model':'e','input':'x','dimensions':256,'keep_alive':'0','truncate':false,"
                + "'options':{'num_ctx':512}}"));
        assertThat(r).isEqualTo(new EmbedRequest("e", List.of("x"), 256, Duration.ZERO, false));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "{'model':'e','input':5}                | invalid input type",
        "{'model':'e','input':true}             | invalid input type",
        "{'model':'e','input':{'text':'a'}}     | invalid input type",
        "{'model':'e','input':[1,2]}            | invalid input type",
        "{'model':'e','input':['a',null]}       | invalid input type",
        "{'model':'e','input':[['a']]}          | invalid input type",
        "{'model':'e','input':'a','dimensions':0}  | dimensions must be a positive integer",
        "{'model':'e','input':'a','dimensions':-8} | dimensions must be a positive integer",
        "{'model':'e','input':'a','dimensions':'8'} | invalid value for \"dimensions\": expected an integer, got a string",
        "{'model':'e','input':'a','truncate':'no'} | invalid value for \"truncate\": expected a boolean, got a string",
        "{'input':'a'}                          | model is required",
    })
    void embedErrorsAre400(String body, String message) {
        assertBadRequest(() -> OllamaRequests.embed(json(body)), message);
    }

    @Test
    void legacyEmbeddingsTakeOnePrompt() {
        assertThat(OllamaRequests.legacyEmbeddings(json("{'model':'e','prompt':'hello','keep_alive':60}")))
                .isEqualTo(new EmbedRequest("e", List.of("hello"), null, Duration.ofMinutes(1), true));
        assertThat(OllamaRequests.legacyEmbeddings(json("{'model':'e','prompt':''}")).inputs()).isEmpty();
        assertThat(OllamaRequests.legacyEmbeddings(json("{'name':'e'}")).inputs()).isEmpty();
        assertBadRequest(() -> OllamaRequests.legacyEmbeddings(json("{'model':'e','prompt':['a']}")),
                "invalid value for \"prompt\": expected a string, got an array");
        assertBadRequest(() -> OllamaRequests.legacyEmbeddings(json("{'prompt':'a'}")), "model is required");
    }

    // ---------------------------------------------------------------- helpers

    private static void assertBadRequest(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String message) {
        assertThatThrownBy(call).isInstanceOf(RelayException.class).hasMessage(message)
                .satisfies(e -> assertThat(((RelayException) e).status()).isEqualTo(400));
    }
}
