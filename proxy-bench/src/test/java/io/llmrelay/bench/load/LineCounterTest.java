package io.llmrelay.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The access-log check: matching lines a growing log gained, each complete line counted once. */
class LineCounterTest {

    @TempDir
    Path dir;

    @Test
    void countsCompleteMatchingLinesAfterTheOffsetIncrementallyAndAfterATruncation() throws Exception {
        Path log = dir.resolve("relay.log");
        Files.writeString(log, "{\"path\":\"/api/chat\"} before the run\n");
        long offset = Files.size(log);
        LoadCommand.LineCounter counter = new LoadCommand.LineCounter(log, offset, "\"path\":\"/api/chat\"");

        append(log, "{\"path\":\"/api/chat\",\"status\":200}\n{\"path\":\"/metrics\"}\n{\"message\":\"started\"}\n{\"pa");
        assertThat(counter.advance()).isTrue();
        assertThat(counter.lines).isEqualTo(1);

        append(log, "th\":\"/api/chat\"}\n"); // the line cut by the previous read, completed
        counter.advance();
        assertThat(counter.lines).isEqualTo(2);
        assertThat(counter.advance()).as("nothing new").isFalse();

        Files.writeString(log, "{\"path\":\"/api/chat\"}\n"); // truncated and written again
        counter.advance();
        assertThat(counter.lines).isEqualTo(3);
    }

    private static void append(Path file, String s) throws Exception {
        Files.writeString(file, s, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }
}
