package io.llmrelay.server.log;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import net.logstash.logback.argument.StructuredArgument;

/**
 * A log argument that writes its fields as plain members (names with strings, numbers or null;
 * never an object through a codec), so its line is the same whichever writer writes it: lines whose
 * structured arguments are all of this kind skip the logstash encoder's provider chain
 * ({@link JsonLineEncoder}), and an access line may skip the logging event too ({@link DirectLines}).
 */
public interface JsonFields extends StructuredArgument {

    void writeFields(FieldSink out) throws IOException;

    @Override
    default void writeTo(JsonGenerator g) throws IOException {
        writeFields(new GeneratorSink(g));
    }
}
