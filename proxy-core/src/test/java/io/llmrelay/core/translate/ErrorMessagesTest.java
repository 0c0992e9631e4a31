package io.llmrelay.core.translate;

import static io.llmrelay.core.translate.TestJson.json;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ErrorMessagesTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "{'error':{'message':'Invalid API key','type':'invalid_request_error','code':'invalid_api_key'}} | Invalid API key",
        "{'error':'model not found'}                                                      | model not found",
        "{'error':{'message':'','code':500}}                                               | {\"message\":\"\",\"code\":500}",
        "{'error':{'code':500}}                                                            | {\"code\":500}",
        "{'object':'error','message':'The model `x` does not exist.','type':'NotFoundError','code':404} | The model `x` does not exist.",
        "{'detail':'Not Found'}                                                            | Not Found",
        "{'detail':[{'loc':['body','model'],'msg':'field required'}]}                      | [{\"loc\":[\"body\",\"model\"],\"msg\":\"field required\"}]",
        "{'error':null,'message':'fallback'}                                               | fallback",
        "{'message':'  ','detail':'d'}                                                      | d",
        "{'message':'  '}                                                                  | ",
        "{}                                                                                | ",
        "[]                                                                                | ",
        "'text'                                                                            | ",
    })
    void findsTheHumanMessage(String body, String message) {
        assertThat(ErrorMessages.fromBody(json(body))).isEqualTo(message);
    }

    @org.junit.jupiter.api.Test
    void nullBodyHasNoMessage() {
        assertThat(ErrorMessages.fromBody(null)).isNull();
    }
}
