package io.llmrelay.core.backend;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The pieces {@code /api/tags} and {@code /api/show} share: the {@code details} object, times, capability lists. */
final class OllamaDetails {

    private OllamaDetails() {}

    /** {@code details} as the node wrote it, with the size and digest its list gives beside it. */
    static ModelDetails read(JsonNode details, long sizeBytes, String digest, String where) {
        if (details == null || details.isNull() || details.isMissingNode()) {
            return new ModelDetails(sizeBytes, "", "", 0, "", digest, "", List.of(), "");
        }
        if (!details.isObject()) {
            throw new IllegalArgumentException(where + ": \"details\" is not a JSON object");
        }
        return new ModelDetails(sizeBytes, text(details, "format"), text(details, "quantization_level"), 0,
                text(details, "parameter_size"), digest, text(details, "family"), texts(details.get("families")),
                text(details, "parent_model"));
    }

    /** A string field, or "" when it is absent or not a string. */
    static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v != null && v.isTextual() ? v.textValue() : "";
    }

    /** A whole positive number, or 0 when it is absent, not a number or not positive. */
    static long positive(JsonNode v) {
        return v != null && v.isNumber() && v.canConvertToLong() && v.asLong() > 0 ? v.asLong() : 0;
    }

    /** An RFC 3339 time as Unix seconds, or 0 when it is absent or unreadable (a listing's time is not worth a failure). */
    static long epochSeconds(JsonNode v) {
        if (v == null || !v.isTextual()) {
            return 0;
        }
        try {
            return OffsetDateTime.parse(v.textValue()).toEpochSecond();
        } catch (DateTimeParseException e) {
            return 0;
        }
    }

    /** The capability labels as the node gives them, in its order; null when it gives none (so they are unknown). */
    static Set<String> capabilities(JsonNode v, String where) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isArray()) {
            throw new IllegalArgumentException(where + ": \"capabilities\" is not an array");
        }
        Set<String> out = new LinkedHashSet<>();
        for (JsonNode c : v) {
            if (c.isTextual() && !c.textValue().isEmpty()) {
                out.add(c.textValue());
            }
        }
        return Collections.unmodifiableSet(out);
    }

    private static List<String> texts(JsonNode v) {
        if (v == null || !v.isArray()) {
            return List.of(); // Ollama writes null when there are none
        }
        List<String> out = new ArrayList<>(v.size());
        for (JsonNode s : v) {
            if (s.isTextual()) {
                out.add(s.textValue());
            }
        }
        return out;
    }
}
