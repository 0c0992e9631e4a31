package io.llmrelay.core.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonGenerator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ReusedGeneratorTest {

    @Test
    void eachValueLandsWholeInItsOwnBufferWithNoSeparator() throws IOException {
        ByteBuf first = Unpooled.buffer();
        ByteBuf second = Unpooled.buffer();
        try {
            JsonGenerator g = ReusedGenerator.start(first);
            g.writeStartObject();
            g.writeStringField("a", "é\n");
            g.writeEndObject();
            ReusedGenerator.finish();
            JsonGenerator again = ReusedGenerator.start(second);
            assertThat(again).isSameAs(g);
            again.writeStartObject();
            again.writeNumberField("b", 2);
            again.writeEndObject();
            ReusedGenerator.finish();
            assertThat(first.toString(StandardCharsets.UTF_8)).isEqualTo("{\"a\":\"é\\n\"}");
            assertThat(second.toString(StandardCharsets.UTF_8)).isEqualTo("{\"b\":2}");
        } finally {
            first.release();
            second.release();
        }
    }

    @Test
    void anAbandonedGeneratorIsNeverReused() throws IOException {
        ByteBuf out = Unpooled.buffer();
        try {
            JsonGenerator broken = ReusedGenerator.start(out);
            broken.writeStartObject(); // left half-written
            ReusedGenerator.abandon();
            JsonGenerator fresh = ReusedGenerator.start(out.clear());
            assertThat(fresh).isNotSameAs(broken);
            fresh.writeStartArray();
            fresh.writeEndArray();
            ReusedGenerator.finish();
            assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("[]");
        } finally {
            out.release();
        }
    }
}
