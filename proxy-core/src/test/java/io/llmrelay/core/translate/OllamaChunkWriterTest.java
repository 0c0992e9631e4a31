package io.llmrelay.core.translate;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrelay.core.api.Clocks;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OllamaChunkWriterTest {

    private final Clocks clocks = new Clocks(Clock.fixed(Instant.parse("2025-07-07T20:22:19.184789Z"), ZoneOffset.UTC),
            System::nanoTime);

    /** The token line's copied parts must give exactly the bytes the field-by-field writer gives. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "qwen3              | Hello",
        "llama3.2:1b        | ' with spaces, \"quotes\" and a \\ backslash'",
        "'m\"odel\\ \u00e9\u2713' | 'line\nbreak\ttab \u0001 \u00e9\u2713 \uD83E\uDD8A'",
        "hf.co/org/Model-GGUF:Q4_K_M | </script>"})
    void tokenLineIsTheGeneralLineWithContentAlone(String model, String content) {
        for (boolean generate : new boolean[] {false, true}) {
            OllamaChunkWriter writer = new OllamaChunkWriter(model, generate, clocks);
            assertThat(token(writer, content)).as(generate ? "generate" : "chat")
                    .isEqualTo(general(writer, content))
                    .contains("\"done\":false}");
        }
    }

    private static String token(OllamaChunkWriter writer, String content) {
        ByteBuf out = Unpooled.buffer();
        try {
            writer.writeToken(out, content);
            return out.toString(StandardCharsets.UTF_8);
        } finally {
            out.release();
        }
    }

    private static String general(OllamaChunkWriter writer, String content) {
        ByteBuf out = Unpooled.buffer();
        try {
            writer.write(out, content, null, null, null, null, null);
            return out.toString(StandardCharsets.UTF_8);
        } finally {
            out.release();
        }
    }
}
