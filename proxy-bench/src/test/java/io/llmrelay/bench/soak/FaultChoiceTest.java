package io.llmrelay.bench.soak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The fault switches: seeded, within the cap of faulty backends, rates within their bounds. */
class FaultChoiceTest {

    @Test
    void neverMoreFaultyBackendsThanTheCapAndEveryModeComesUp() {
        FaultChoice choice = new FaultChoice(42, 3, FaultChoice.MODES, 1, 0.35);
        String[] state = {"none", "none", "none"};
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 2_000; i++) {
            for (FaultChoice.Plan p : choice.next()) {
                state[p.backend()] = p.mode();
                seen.add(p.mode());
                assertThat(p.rate()).isBetween(0.0, 1.0);
                if (p.mode().equals("oversize-event")) {
                    assertThat(p.rate()).isLessThanOrEqualTo(0.1);
                }
                if (p.mode().equals("refuse")) {
                    assertThat(p.scope()).isEqualTo("inference"); // else the switch back would be refused too
                }
            }
            long faulty = List.of(state).stream().filter(m -> !m.equals("none")).count();
            assertThat(faulty).isLessThanOrEqualTo(1);
        }
        assertThat(seen).containsAll(FaultChoice.MODES).contains("none");
    }

    @Test
    void theSameSeedSwitchesTheSameWay() {
        FaultChoice a = new FaultChoice(7, 3, FaultChoice.MODES, 2, 0.3);
        FaultChoice b = new FaultChoice(7, 3, FaultChoice.MODES, 2, 0.3);
        for (int i = 0; i < 100; i++) {
            assertThat(a.next()).isEqualTo(b.next());
        }
    }

    @Test
    void aPlanIsTheBodyOfPostFault() {
        assertThat(new FaultChoice.Plan(0, "503", 0.5, "all", 9).json(1024)).isEqualTo(
                "{\"mode\":\"503\",\"rate\":0.50,\"scope\":\"all\",\"seed\":9,\"retry_after\":1,\"drip_ms\":1,\"oversize_bytes\":1024}");
        assertThat(new FaultChoice.Plan(0, "none", 0, "inference", 0).json(1024)).isEqualTo("{\"mode\":\"none\"}");
    }

    @Test
    void refusesAnUnknownModeAndACapThatLeavesNoBackendHealthy() {
        assertThatThrownBy(() -> new FaultChoice(1, 3, List.of("teapot"), 1, 0.3)).hasMessageContaining("teapot");
        assertThatThrownBy(() -> new FaultChoice(1, 3, FaultChoice.MODES, 3, 0.3)).hasMessageContaining("1 to 2");
    }
}
