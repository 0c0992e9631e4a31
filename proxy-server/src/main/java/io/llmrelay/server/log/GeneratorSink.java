package io.llmrelay.server.log;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.IOException;

/** Members written with a JSON generator: any text, escaped as Jackson escapes it. */
final class GeneratorSink implements FieldSink {

    private final JsonGenerator g;

    GeneratorSink(JsonGenerator g) {
        this.g = g;
    }

    @Override
    public void field(SerializedString name, String value) throws IOException {
        g.writeFieldName(name);
        g.writeString(value);
    }

    @Override
    public void field(SerializedString name, long value) throws IOException {
        g.writeFieldName(name);
        g.writeNumber(value);
    }

    @Override
    public void field(SerializedString name, char[] chars, int length) throws IOException {
        g.writeFieldName(name);
        g.writeString(chars, 0, length);
    }
}
