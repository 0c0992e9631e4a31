package io.llmrelay.core.json;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;

/** A JSON parser's complaint as a client or an operator may read it: its words, not its internals. */
public final class JsonErrors {

    private JsonErrors() {}

    /**
     * Jackson's message without its {@code [Source: REDACTED ...]} and start-marker details, with the
     * line and column where it stopped when it knows them; any other I/O failure's message as it is.
     */
    public static String describe(IOException e) {
        if (!(e instanceof JsonProcessingException j)) {
            return String.valueOf(e.getMessage());
        }
        String message = j.getOriginalMessage();
        int marker = message.indexOf(" (start marker at ");
        if (marker >= 0) {
            message = message.substring(0, marker);
        }
        JsonLocation at = j.getLocation();
        return at == null || at.getLineNr() < 1 ? message
                : message + " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
    }
}
