package io.llmrelay.bench.soak;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The request mix: seeded, every kind, the right models, about the asked share of disconnects. */
class RequestMixTest {

    @Test
    void everyKindWithItsKindOfModelAndTheRequestsNumberInThePrompt() {
        RequestMix mix = new RequestMix(3, List.of("soak-a", "soak-b"), List.of("soak-embed"), 0.1, 0);
        Set<RequestKind> kinds = EnumSet.noneOf(RequestKind.class);
        int disconnects = 0;
        for (int i = 0; i < 10_000; i++) {
            SoakRequest r = mix.next(true);
            kinds.add(r.kind());
            assertThat(r.number()).isEqualTo(i);
            assertThat(r.prompt()).startsWith("soak request " + i + " ");
            assertThat(r.model()).isIn(r.kind().embedding() ? List.of("soak-embed") : List.of("soak-a", "soak-b"));
            if (r.disconnect() != null) {
                disconnects++;
            }
        }
        assertThat(kinds).containsExactlyInAnyOrder(RequestKind.values());
        assertThat(disconnects).isBetween(800, 1200);
        assertThat(mix.drawn()).isEqualTo(10_000);
    }

    @Test
    void theSameSeedDrawsTheSameRequestsAndNoneIsAbandonedWhenItMayNotBe() {
        RequestMix a = new RequestMix(5, List.of("soak-a"), List.of("soak-embed"), 1.0, 0);
        RequestMix b = new RequestMix(5, List.of("soak-a"), List.of("soak-embed"), 1.0, 0);
        for (int i = 0; i < 100; i++) {
            assertThat(a.next(true)).isEqualTo(b.next(true));
        }
        assertThat(a.next(false).disconnect()).isNull();
    }

    @Test
    void bodiesAreJsonForTheirRoute() throws Exception {
        for (RequestKind kind : RequestKind.values()) {
            var body = io.llmrelay.core.json.Json.mapper().readTree(kind.body("m", "soak request 1 amber cedar", 20));
            assertThat(body.get("model").asText()).isEqualTo("m");
            if (!kind.embedding()) {
                assertThat(body.get("stream").asBoolean()).isEqualTo(kind.streamed());
            }
        }
    }
}
