package io.llmrelay.core.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonGenerator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void parseReadsAWholeBodyWithoutConsumingIt() throws IOException {
        ByteBuf body = ByteBufAllocator.DEFAULT.buffer();
        try {
            body.writeCharSequence("{\"a\":[1,\"\u2713\"]}", StandardCharsets.UTF_8);
            assertThat(Json.parse(body)).isEqualTo(Json.MAPPER.readTree("{\"a\":[1,\"\u2713\"]}"));
            assertThat(body.readerIndex()).isZero();
        } finally {
            body.release();
        }
    }

    @Test
    void parseRefusesTrailingContent() {
        ByteBuf body = ByteBufAllocator.DEFAULT.buffer();
        try {
            body.writeCharSequence("{\"a\":1} {\"b\":2}", StandardCharsets.UTF_8);
            assertThatThrownBy(() -> Json.parse(body)).isInstanceOf(IOException.class);
        } finally {
            body.release();
        }
    }

    @Test
    void generatorAppendsUtf8ToTheBuffer() throws IOException {
        ByteBuf out = ByteBufAllocator.DEFAULT.buffer();
        try {
            out.writeByte('>');
            try (JsonGenerator g = Json.generator(out)) {
                g.writeStartObject();
                g.writeStringField("k", "caf\u00e9");
                g.writeEndObject();
            }
            assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(">{\"k\":\"caf\u00e9\"}");
        } finally {
            out.release();
        }
    }

    @Test
    void writeIsCompact() throws IOException {
        assertThat(Json.write(Json.MAPPER.readTree("{ \"a\" : [ 1 , 2.5 , null ] , \"b\" : { } }")))
                .isEqualTo("{\"a\":[1,2.5,null],\"b\":{}}");
    }
}
