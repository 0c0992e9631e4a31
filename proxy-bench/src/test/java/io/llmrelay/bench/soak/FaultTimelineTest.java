package io.llmrelay.bench.soak;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which faults a backend may have had while a request was under way. */
class FaultTimelineTest {

    @Test
    void aModeCountsFromItsSwitchBeingSentUntilTheNextSwitchWasAnswered() {
        FaultTimeline t = new FaultTimeline("none");
        t.answered(t.sending(100, "malformed-sse"), 110);
        t.answered(t.sending(200, "none"), 210);
        t.answered(t.sending(300, "wrong-content-type"), 310);

        assertThat(t.mayHaveHad("none", 0, 50)).isTrue();
        assertThat(t.mayHaveHad("malformed-sse", 0, 50)).isFalse();
        assertThat(t.mayHaveHad("malformed-sse", 0, 100)).isTrue();          // sent as the request ended
        assertThat(t.mayHaveHad("malformed-sse", 150, 160)).isTrue();
        assertThat(t.mayHaveHad("malformed-sse", 205, 250)).isTrue();        // the switch away not yet answered
        assertThat(t.mayHaveHad("malformed-sse", 211, 250)).isFalse();       // replaced before the request
        assertThat(t.mayHaveHad("wrong-content-type", 211, 250)).isFalse();
        assertThat(t.mayHaveHad("wrong-content-type", 250, 5_000)).isTrue(); // in force to the end
        assertThat(t.modesBetween(150, 305)).containsExactly("malformed-sse", "none", "wrong-content-type");
        assertThat(t.modesBetween(400, 500)).containsExactly("wrong-content-type");
        assertThat(t.switches()).isEqualTo(3);
    }

    /** An answer judged while a switch is on its way sees it: the backend may already have applied it. */
    @Test
    void aSwitchNotAnsweredYetCountsFromItsSending() {
        FaultTimeline t = new FaultTimeline("none");
        int number = t.sending(100, "wrong-content-type");
        assertThat(t.mayHaveHad("wrong-content-type", 120, 130)).isTrue();
        assertThat(t.mayHaveHad("none", 120, 130)).isTrue();
        int next = t.sending(200, "none");
        assertThat(t.mayHaveHad("wrong-content-type", 300, 310)).as("the switch away not answered yet").isTrue();
        t.answered(number, 105);
        t.answered(next, 250);
        assertThat(t.mayHaveHad("wrong-content-type", 300, 310)).isFalse();
        assertThat(t.around(200, 1_000)).isEqualTo("wrong-content-type@0..0ms, none@0..0ms");
    }
}
