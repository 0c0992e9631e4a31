package io.llmrelay.server.log;

import com.fasterxml.jackson.core.io.SerializedString;
import java.io.IOException;

/**
 * Where a log line's members go, one name and value at a time: a JSON generator, or
 * {@link AsciiLine}, which writes printable ASCII without one. A line is the same whichever writes it.
 */
public interface FieldSink {

    /** A string member; {@code null} is written as JSON {@code null}. */
    void field(SerializedString name, String value) throws IOException;

    void field(SerializedString name, long value) throws IOException;

    /** A string member from {@code length} characters of {@code chars}. */
    void field(SerializedString name, char[] chars, int length) throws IOException;
}
