package io.llmrelay.core.translate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ToolCallIdsTest {

    @Test
    void stableIdsArePinnedFnv1aHashes() {
        // pinned: a change here changes every id the proxy ever sent, and backends' prompt caches miss
        assertThat(ToolCallIds.stable(1, 0, "get_weather")).isEqualTo("call_d11f2d3a61ab3bc3");
        assertThat(ToolCallIds.stable(-1, 0, "now")).isEqualTo("call_9f8b6abe9a5b24d3");
        assertThat(ToolCallIds.stable(0, 0, "")).isEqualTo("call_b7006ff95465710d");
    }

    @Test
    void stableIdsAreAlwaysCallAnd16HexDigitsAndDistinct() {
        Set<String> seen = new HashSet<>();
        for (int m = 0; m < 40; m++) {
            for (int c = 0; c < 5; c++) {
                String id = ToolCallIds.stable(m, c, "f");
                assertThat(id).matches("call_[0-9a-f]{16}");
                seen.add(id);
            }
        }
        assertThat(seen).hasSize(200);
        assertThat(ToolCallIds.stable(1, 0, "a")).isNotEqualTo(ToolCallIds.stable(1, 0, "b"));
    }

    @Test
    void givenIdsAreKeptAndMissingOnesGenerated() {
        ToolCallIds ids = new ToolCallIds();
        assertThat(ids.forCall("call_x", 3, 0, "f")).isEqualTo("call_x");
        assertThat(ids.forCall("", 3, 1, "g")).isEqualTo(ToolCallIds.stable(3, 1, "g"));
        assertThat(ids.forCall(null, 3, 2, "h")).isEqualTo(ToolCallIds.stable(3, 2, "h"));
    }

    @Test
    void resultsPairByIdThenByNameThenInOrder() {
        ToolCallIds ids = new ToolCallIds();
        ids.forCall("A", 1, 0, "f");
        ids.forCall("B", 1, 1, "g");
        ids.forCall("C", 1, 2, "f");
        ids.forCall("D", 1, 3, "h");
        assertThat(ids.forResult("C", "ignored", 2)).isEqualTo("C");
        assertThat(ids.forResult(null, "f", 3)).isEqualTo("A");
        assertThat(ids.forResult("", "nope", 4)).isEqualTo("B");
        assertThat(ids.forResult(null, null, 5)).isEqualTo("D");
        // nothing pending any more
        assertThat(ids.forResult(null, "f", 6)).isEqualTo(ToolCallIds.stable(6, 0, "f"));
        assertThat(ids.forResult(null, null, 7)).isEqualTo(ToolCallIds.stable(7, 0, ""));
    }

    @Test
    void anUnknownGivenIdIsKeptAndLeavesThePendingCalls() {
        ToolCallIds ids = new ToolCallIds();
        ids.forCall("A", 1, 0, "f");
        assertThat(ids.forResult("Z", null, 2)).isEqualTo("Z");
        assertThat(ids.forResult(null, null, 3)).isEqualTo("A");
    }

    @Test
    void aNewTurnDropsThePendingCalls() {
        ToolCallIds ids = new ToolCallIds();
        ids.forCall("A", 1, 0, "f");
        ids.newTurn();
        ids.forCall("B", 3, 0, "g");
        assertThat(ids.forResult(null, "f", 4)).isEqualTo("B");
    }
}
