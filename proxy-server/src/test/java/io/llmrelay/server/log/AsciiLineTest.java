package io.llmrelay.server.log;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import io.llmrelay.core.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The line's own bytes find room too: a line whose members fill its buffer exactly still closes. */
class AsciiLineTest {

    /** Members that fill the first buffer (512 bytes) to its last byte before the closing brace. */
    private static List<SerializedString> exactlyFilling() {
        List<SerializedString> names = new ArrayList<>();
        names.add(new SerializedString("four")); // {"four":null = 1 + 11
        for (int i = 0; i < 50; i++) {
            names.add(new SerializedString(String.format("%02d", i))); // ,"00":null = 10 each
        }
        return names;
    }

    private static String jackson(List<SerializedString> names) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = Json.FACTORY.createGenerator(out)) {
            g.writeStartObject();
            FieldSink sink = new GeneratorSink(g);
            for (SerializedString name : names) {
                sink.field(name, (String) null);
            }
            g.writeEndObject();
        }
        return out.toString(StandardCharsets.UTF_8) + "\n";
    }

    @Test
    void aLineThatFillsItsBufferToTheLastByteStillCloses() throws IOException {
        List<SerializedString> names = exactlyFilling();
        AsciiLine line = new AsciiLine();
        line.start();
        for (SerializedString name : names) {
            line.field(name, (String) null);
        }
        String written = new String(line.finish("\n".getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
        assertThat(written).hasSize(512 + 2).isEqualTo(jackson(names));
    }
}
