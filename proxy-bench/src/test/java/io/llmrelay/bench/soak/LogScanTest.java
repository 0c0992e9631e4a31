package io.llmrelay.bench.soak;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Counting Netty's leak reports and the other errors in a proxy's JSON log. */
class LogScanTest {

    @Test
    void countsLeakReportsAndOtherErrorLinesInEveryFile(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("relay.out");
        Path err = dir.resolve("relay.err");
        Files.writeString(out, String.join("\n",
                "{\"message\":\"POST /api/chat 200\",\"logger_name\":\"llm_relay.access\",\"level\":\"INFO\"}",
                "{\"message\":\"LEAK: ByteBuf.release() was not called before it's garbage-collected.\\nRecent access records: ...\","
                        + "\"logger_name\":\"io.netty.util.ResourceLeakDetector\",\"level\":\"ERROR\"}",
                "{\"message\":\"unexpected\",\"logger_name\":\"llm_relay\",\"level\":\"ERROR\"}",
                ""));
        Files.writeString(err, "Exception in thread \"main\" java.lang.OutOfMemoryError\n");
        LogScan scan = LogScan.of(out, err, dir.resolve("missing.out"));
        assertThat(scan.lines).isEqualTo(4);
        assertThat(scan.leaks).isEqualTo(1);
        assertThat(scan.errors).isEqualTo(2);
        assertThat(scan.leakExamples.get(0)).contains("LEAK: ByteBuf.release()");
        assertThat(LogScan.tail(err, 5)).contains("OutOfMemoryError");
    }
}
