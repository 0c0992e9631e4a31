package io.llmrelay.server.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ExchangeMetricsTest {

    @Test
    void aStatusLabelIsItsNumberAndTheSameStringEachTime() {
        assertThat(ExchangeMetrics.statusLabel(200)).isEqualTo("200").isSameAs(ExchangeMetrics.statusLabel(200));
        assertThat(ExchangeMetrics.statusLabel(499)).isEqualTo("499");
        assertThat(ExchangeMetrics.statusLabel(0)).isEqualTo("0");
        assertThat(ExchangeMetrics.statusLabel(999)).isEqualTo("999"); // beyond the table, still its number
        assertThat(ExchangeMetrics.statusClass(503)).isEqualTo("5xx");
    }
}
