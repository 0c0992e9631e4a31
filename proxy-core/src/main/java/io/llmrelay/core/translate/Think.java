package io.llmrelay.core.translate;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrelay.core.api.RelayException;
import java.util.Locale;

/** Ollama's {@code think}: on, off, or an effort level ({@code low}, {@code medium}, {@code high}, {@code max}). */
public record Think(boolean enabled, String level) {

    /** The value asked for, or null when unset (the backend's default applies). */
    public static Think parse(JsonNode value) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (value.isBoolean()) {
            return new Think(value.booleanValue(), null);
        }
        if (value.isTextual()) {
            String s = value.asText().trim().toLowerCase(Locale.ROOT);
            switch (s) {
                case "true": return new Think(true, null);
                case "false": case "none": return new Think(false, null);
                case "low": case "medium": case "high": case "max": return new Think(true, s);
                default: break;
            }
        }
        throw RelayException.badRequest("invalid think value " + value
                + " (expected true, false, \"low\", \"medium\", \"high\" or \"max\")");
    }
}
