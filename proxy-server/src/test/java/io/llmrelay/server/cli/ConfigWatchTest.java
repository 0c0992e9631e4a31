package io.llmrelay.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrelay.server.endpoint.ReloadOutcome;
import io.llmrelay.server.endpoint.Reloader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --watch-config}: a change of a watched file is reloaded once, after it has held still. */
class ConfigWatchTest {

    private static final Duration POLL = Duration.ofMillis(50);

    @TempDir
    Path dir;

    private final AtomicInteger reloads = new AtomicInteger();
    private final Reloader counting = trigger -> {
        reloads.incrementAndGet();
        return CompletableFuture.completedFuture(ReloadOutcome.reloaded(List.of(), List.of(), List.of(), List.of(),
                List.of()));
    };

    @Test
    void eachChangeOfAWatchedFileIsReloadedOnce() throws Exception {
        Path config = Files.writeString(dir.resolve("relay.yaml"), "backends: []\n");
        Path filter = Files.writeString(dir.resolve("models.txt"), "*\n");
        try (ConfigWatch watch = ConfigWatch.start(counting, () -> List.of(config, filter), POLL)) {
            Thread.sleep(10 * POLL.toMillis());
            assertThat(reloads).as("nothing changed").hasValue(0);

            Files.writeString(config, "backends: []\nrouting: {}\n");
            awaitReloads(1);
            Thread.sleep(10 * POLL.toMillis());
            assertThat(reloads).as("one change, one reload").hasValue(1);

            Files.writeString(filter, "qwen*\n");
            awaitReloads(2);

            Files.delete(filter); // a file that goes away is a change too (the reload will say what is wrong)
            awaitReloads(3);
            Thread.sleep(10 * POLL.toMillis());
            assertThat(reloads).hasValue(3);
        }
    }

    private void awaitReloads(int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (reloads.get() < count) {
            assertThat(System.nanoTime()).as("reload %d within 10 s", count).isLessThan(deadline);
            Thread.sleep(10);
        }
    }
}
