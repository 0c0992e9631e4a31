package io.llmrelay.core.translate;

import static io.llmrelay.core.translate.TestJson.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmrelay.core.api.RelayException;
import io.llmrelay.core.json.Json;
import org.junit.jupiter.api.Test;

class ToolCallAccumulatorTest {

    @Test
    void fragmentsAreJoinedByIndexAndOrderedByIt() {
        ToolCallAccumulator acc = new ToolCallAccumulator();
        assertThat(acc.isEmpty()).isTrue();
        acc.add(new ChatDelta.ToolFragment(7, "call_", "second", "{\"b\":"));
        acc.add(new ChatDelta.ToolFragment(3, "call_a", "first", ""));
        acc.add(new ChatDelta.ToolFragment(7, "b", "ignored-later-name", "true}"));
        acc.add(new ChatDelta.ToolFragment(3, null, null, "{\"a\": \"x\\\"y\","));
        acc.add(new ChatDelta.ToolFragment(3, null, null, " \"n\": [1, {\"m\": null}]}"));
        assertThat(acc.isEmpty()).isFalse();
        assertThat(acc.toOllama()).isEqualTo(json("[{'id':'call_a','function':{'index':0,'name':'first',"
                + "'arguments':{'a':'x\\'y','n':[1,{'m':null}]}}},{'id':'call_b','function':{'index':1,'name':'second',"
                + "'arguments':{'b':true}}}]"));
    }

    @Test
    void argumentKeyOrderIsKept() {
        ToolCallAccumulator acc = new ToolCallAccumulator();
        acc.add(new ChatDelta.ToolFragment(0, "c", "f", "{\"z\":1,\"a\":2,\"m\":3}"));
        assertThat(Json.write(acc.toOllama().get(0).path("function").path("arguments"))).isEqualTo("{\"z\":1,\"a\":2,\"m\":3}");
    }

    @Test
    void emptyOrBlankArgumentsAreAnEmptyObjectAndMissingIdsAreGenerated() {
        ToolCallAccumulator acc = new ToolCallAccumulator();
        acc.add(new ChatDelta.ToolFragment(0, null, "a", null));
        acc.add(new ChatDelta.ToolFragment(1, "", "b", "  \n"));
        assertThat(acc.toOllama()).isEqualTo(json("[{'id':'" + ToolCallIds.stable(-1, 0, "a") + "','function':{'index':0,"
                + "'name':'a','arguments':{}}},{'id':'" + ToolCallIds.stable(-1, 1, "b") + "','function':{'index':1,"
                + "'name':'b','arguments':{}}}]"));
    }

    @Test
    void argumentsThatAreNoObjectAre502() {
        for (String args : new String[] {"[1]", "\"s\"", "42", "null", "{\"a\":", "{\"a\":1}{\"b\":2}", "{\"a\":1} trailing",
                "{'a':1}"}) {
            ToolCallAccumulator acc = new ToolCallAccumulator();
            acc.add(new ChatDelta.ToolFragment(0, "c", "f", args));
            assertThatThrownBy(acc::toOllama).as(args).isInstanceOf(RelayException.class)
                    .hasMessage("backend sent tool call \"f\" with arguments that are not a JSON object: " + args.trim())
                    .satisfies(e -> assertThat(((RelayException) e).status()).isEqualTo(502));
        }
    }

    @Test
    void longBadArgumentsAreAbbreviatedInTheMessage() {
        ToolCallAccumulator acc = new ToolCallAccumulator();
        String args = "{\"text\": \"" + "x".repeat(500);
        acc.add(new ChatDelta.ToolFragment(0, "c", "f", args));
        assertThatThrownBy(acc::toOllama).isInstanceOf(RelayException.class)
                .hasMessage("backend sent tool call \"f\" with arguments that are not a JSON object: "
                        + args.substring(0, 200) + "...");
    }

    @Test
    void aCallWithoutNameIs502() {
        ToolCallAccumulator acc = new ToolCallAccumulator();
        acc.add(new ChatDelta.ToolFragment(0, "c", null, "{}"));
        assertThatThrownBy(acc::toOllama).isInstanceOf(RelayException.class)
                .hasMessage("backend sent a tool call without a function name");
    }
}
