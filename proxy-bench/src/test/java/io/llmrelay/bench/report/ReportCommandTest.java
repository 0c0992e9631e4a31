package io.llmrelay.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrelay.core.json.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportCommandTest {

    private static JsonNode run(String json) throws Exception {
        return Json.MAPPER.readTree(json);
    }

    @Test
    void aFleetsRequestsAreSplitByBackendOverTheRuns() throws Exception {
        List<JsonNode> rs = List.of(
                run("{\"counters\":{\"llm_relay_log_lines_dropped_total\":0,"
                        + "\"llm_relay_backend_attempts_total{backend=\\\"mock-1\\\"}\":100,"
                        + "\"llm_relay_backend_attempts_total{backend=\\\"mock-2\\\"}\":90,"
                        + "\"llm_relay_backend_attempts_total{backend=\\\"mock-3\\\"}\":null}}"),
                run("{\"counters\":{\"llm_relay_backend_attempts_total{backend=\\\"mock-1\\\"}\":0,"
                        + "\"llm_relay_backend_attempts_total{backend=\\\"mock-2\\\"}\":10,"
                        + "\"llm_relay_backend_attempts_total{backend=\\\"mock-3\\\"}\":200}}"));

        assertThat(ReportCommand.backendSplit(rs)).isEqualTo("mock-1 25 %, mock-2 25 %, mock-3 50 % of 400");
        assertThat(ReportCommand.backendSplit(List.of(run("{\"counters\":{}}")))).isEqualTo("–");
    }

    @Test
    void theGeneratorAndEveryMockAreSummed() throws Exception {
        JsonNode one = run("{\"others\":{\"generator\":{\"cpu_us_per_request\":5},\"mock\":{\"cpu_us_per_request\":4}}}");
        JsonNode fleet = run("{\"others\":{\"generator\":{\"cpu_us_per_request\":5},\"mock\":{\"cpu_us_per_request\":2},"
                + "\"mock2\":{\"cpu_us_per_request\":1.5},\"mock3\":{\"cpu_us_per_request\":1}}}");

        assertThat(ReportCommand.generatorAndMocks(one)).isEqualTo(9);
        assertThat(ReportCommand.generatorAndMocks(fleet)).isEqualTo(9.5);
        assertThat(ReportCommand.generatorAndMocks(run("{\"others\":{}}"))).isNaN();
    }
}
