package io.llmrelay.bench.soak;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which faults a backend may have had while a request was under way. */
class FaultTimelineTest {

    @Test
    void aModeCountsFromItsSwitchBeingSentUntilTheNextSwitchWasAnswered() {
        FaultTimeline t = new FaultTimeline("none");
        t.switched(100, 110, "malformed-sse");
        t.switched(200, 210, "none");
        t.switched(300, 310, "wrong-content-type");

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
}
