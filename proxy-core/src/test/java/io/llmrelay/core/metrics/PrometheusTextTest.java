package io.llmrelay.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PrometheusTextTest {

    @Test
    void writesFamiliesAndEscapesLabelValues() {
        StringBuilder sb = new StringBuilder();
        new PrometheusText(sb)
                .family("x_total", "counter", "Help with a \\ backslash\nand a newline.")
                .sample("x_total", 3, "model", "a\"b\\c\nd", "status", "200")
                .sample("x_total", 0.25)
                .sample("x_total", Double.POSITIVE_INFINITY);
        assertThat(sb.toString()).isEqualTo(""
                + "# HELP x_total Help with a \\\\ backslash\\nand a newline.\n"
                + "# TYPE x_total counter\n"
                + "x_total{model=\"a\\\"b\\\\c\\nd\",status=\"200\"} 3\n"
                + "x_total 0.25\n"
                + "x_total +Inf\n");
    }
}
