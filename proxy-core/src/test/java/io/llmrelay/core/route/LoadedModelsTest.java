package io.llmrelay.core.route;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrelay.core.backend.ModelInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LoadedModelsTest {

    private static final Instant NOW = Instant.parse("2025-07-07T20:00:00Z");
    private static final ModelInfo QWEN = new ModelInfo("Qwen/Qwen3-8B", 0, "vllm", 32768, Set.of("completion"));
    private static final ModelInfo GPT = new ModelInfo("gpt-4o", 0, "system", 0, Set.of("completion"));
    private static final ModelInfo EMBED = new ModelInfo("nomic-embed", 0, "", 0, Set.of("embedding"));

    @Test
    void aModelStaysForItsKeepAliveOrFiveMinutes() {
        LoadedModels loaded = new LoadedModels();
        loaded.touch("vllm", QWEN, null, NOW);
        loaded.touch("vllm", GPT, Duration.ofMinutes(10), NOW);
        assertThat(loaded.current(NOW)).containsExactly(
                new LoadedModels.Entry("vllm", GPT, NOW.plus(Duration.ofMinutes(10))),
                new LoadedModels.Entry("vllm", QWEN, NOW.plus(Duration.ofMinutes(5))));
    }

    @Test
    void anEntryExpiresAtItsExpiryTime() {
        LoadedModels loaded = new LoadedModels();
        loaded.touch("b", QWEN, Duration.ofSeconds(30), NOW);
        assertThat(loaded.current(NOW.plusSeconds(30).minusNanos(1))).hasSize(1);
        assertThat(loaded.current(NOW.plusSeconds(30))).isEmpty();
        assertThat(loaded.current(NOW)).isEmpty(); // an expired entry was dropped, not just hidden
    }

    @Test
    void aModelServedByTwoBackendsIsLoadedOnceWithTheLastBackend() {
        LoadedModels loaded = new LoadedModels();
        loaded.touch("gpu-1", QWEN, Duration.ofMinutes(5), NOW);
        loaded.touch("gpu-2", QWEN, Duration.ofMinutes(10), NOW.plusSeconds(1));
        assertThat(loaded.current(NOW.plusSeconds(2))).containsExactly(
                new LoadedModels.Entry("gpu-2", QWEN, NOW.plusSeconds(1).plus(Duration.ofMinutes(10))));
        loaded.touch("gpu-1", QWEN, Duration.ZERO, NOW.plusSeconds(3)); // unloading the model unloads it everywhere
        assertThat(loaded.current(NOW.plusSeconds(4))).isEmpty();
    }

    @Test
    void keepAliveZeroUnloads() {
        LoadedModels loaded = new LoadedModels();
        loaded.touch("b", QWEN, Duration.ofHours(1), NOW);
        loaded.touch("b", GPT, Duration.ofHours(1), NOW);
        loaded.touch("b", QWEN, Duration.ZERO, NOW.plusSeconds(1));
        assertThat(loaded.current(NOW.plusSeconds(2))).extracting(e -> e.model().id()).containsExactly("gpt-4o");
        loaded.touch("b", EMBED, Duration.ZERO, NOW); // unloading what is not loaded is fine
        assertThat(loaded.current(NOW)).hasSize(1);
    }

    @Test
    void negativeKeepAliveIsForeverAndListedFirst() {
        LoadedModels loaded = new LoadedModels();
        loaded.touch("b", GPT, Duration.ofDays(365), NOW);
        loaded.touch("b", QWEN, Duration.ofSeconds(-1), NOW);
        assertThat(loaded.current(NOW.plus(Duration.ofDays(3650)))).containsExactly(
                new LoadedModels.Entry("b", QWEN, Instant.parse("9999-12-31T23:59:59Z")));
    }

    @Test
    void aNewUseReplacesTheExpiry() {
        LoadedModels loaded = new LoadedModels();
        loaded.touch("b", QWEN, Duration.ofMinutes(1), NOW);
        loaded.touch("b", QWEN, Duration.ofMinutes(2), NOW.plusSeconds(30));
        assertThat(loaded.current(NOW)).containsExactly(
                new LoadedModels.Entry("b", QWEN, NOW.plusSeconds(150)));
        loaded.touch("b", QWEN, Duration.ofSeconds(10), NOW.plusSeconds(40)); // a shorter keep-alive shortens it
        assertThat(loaded.current(NOW)).containsExactly(new LoadedModels.Entry("b", QWEN, NOW.plusSeconds(50)));
    }

    @Test
    void aUseThatMovesTheExpiryByLessThanASecondLeavesTheEntryAsItIs() {
        LoadedModels loaded = new LoadedModels();
        loaded.touch("b", QWEN, Duration.ofMinutes(5), NOW);
        LoadedModels.Entry first = loaded.current(NOW).get(0);
        loaded.touch("b", QWEN, Duration.ofMinutes(5), NOW.plusMillis(999));
        assertThat(loaded.current(NOW).get(0)).isSameAs(first);
        loaded.touch("b", QWEN, Duration.ofMinutes(5), NOW.plusSeconds(1));
        assertThat(loaded.current(NOW)).containsExactly(new LoadedModels.Entry("b", QWEN, NOW.plusSeconds(301)));
        loaded.touch("other", QWEN, Duration.ofMinutes(5), NOW.plusSeconds(1)); // another backend is recorded at once
        assertThat(loaded.current(NOW).get(0).backend()).isEqualTo("other");
    }

    @Test
    void nothingLoadedIsAnEmptyList() {
        assertThat(new LoadedModels().current(NOW)).isEmpty();
    }
}
