package io.llmrelay.core.translate;

import static io.llmrelay.core.translate.TestJson.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class LogprobsTest {

    @Test
    void chatLogprobsAreAlreadyOllamaShaped() {
        String entries = "[{'token':'Hi','logprob':-0.1,'bytes':[72,105],'top_logprobs':[{'token':'Hi','logprob':-0.1,"
                + "'bytes':[72,105]}]}]";
        assertThat(Logprobs.toOllama(obj("{'content':" + entries + ",'refusal':null}"))).isEqualTo(json(entries));
    }

    @Test
    void legacyParallelArraysBecomeEntries() {
        assertThat(Logprobs.toOllama(obj("{'tokens':['a','b'],'token_logprobs':[-0.5,-1.25],"
                + "'top_logprobs':[{'a':-0.5,'c':-2.0},null],'text_offset':[0,1]}")))
                .isEqualTo(json("[{'token':'a','logprob':-0.5,'top_logprobs':[{'token':'a','logprob':-0.5},"
                        + "{'token':'c','logprob':-2.0}]},{'token':'b','logprob':-1.25}]"));
    }

    @Test
    void aMissingLogprobValueReadsAsZero() {
        assertThat(Logprobs.toOllama(obj("{'tokens':['a'],'token_logprobs':[null]}")))
                .isEqualTo(json("[{'token':'a','logprob':0.0}]"));
    }

    @Test
    void nothingToReportIsNull() {
        assertThat(Logprobs.toOllama(obj("{}"))).isNull();
        assertThat(Logprobs.toOllama(obj("{'content':[]}"))).isNull();
        assertThat(Logprobs.toOllama(obj("{'content':null}"))).isNull();
        assertThat(Logprobs.toOllama(obj("{'tokens':[]}"))).isNull();
        assertThat(Logprobs.toOllama(obj("{'tokens':'a'}"))).isNull();
    }

    private static ObjectNode obj(String singleQuoted) {
        return (ObjectNode) json(singleQuoted);
    }
}
