package io.llmrelay.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CounterFamilyTest {

    @Test
    void countsPerLabelCombinationInAStableOrder() {
        CounterFamily c = new CounterFamily("req_total", "Requests.", 10, "route", "status");
        c.inc("/b", "200");
        c.inc("/a", "500");
        c.add(2, "/b", "200");
        StringBuilder sb = new StringBuilder();
        c.writeTo(new PrometheusText(sb));
        assertThat(sb.toString()).isEqualTo("# HELP req_total Requests.\n# TYPE req_total counter\n"
                + "req_total{route=\"/a\",status=\"500\"} 1\nreq_total{route=\"/b\",status=\"200\"} 3\n");
        assertThat(c.value("/b", "200")).isEqualTo(3);
    }

    @Test
    void clientChosenLabelsCannotGrowTheSeriesWithoutBound() {
        CounterFamily c = new CounterFamily("m_total", "Models.", 3, "model");
        for (int i = 0; i < 100; i++) {
            c.inc("model-" + i);
        }
        assertThat(c.value("model-0")).isEqualTo(1);
        assertThat(c.value("model-99")).isZero();
        assertThat(c.value(CounterFamily.OVERFLOW)).isEqualTo(97);
    }

    @Test
    void aCounterIsNamedLikeOne() {
        assertThatThrownBy(() -> new CounterFamily("requests", "x", 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
