package io.llmrelay.core.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.llmrelay.core.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A model name mapping file ({@code models.mapping_file}), in the OpenAI proxy's format: one JSON
 * object from the name clients use to the backend's model id, {@code {"llama3": "meta-llama/Llama-3-8B"}}.
 */
final class MappingFile {

    private MappingFile() {}

    /** The mapping; each problem is reported at its line of the mapping file. */
    static Map<String, String> read(ConfigValue key, Path file) {
        Map<String, String> out = new LinkedHashMap<>();
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            key.problem("cannot read the mapping file " + file + " (" + Reasons.of(e) + ")");
            return out;
        }
        try (JsonParser p = Json.FACTORY.createParser(bytes)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                problem(key, file, p, "must be one JSON object, {\"name clients use\": \"backend's model id\", ...}");
                return out;
            }
            for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (value != JsonToken.VALUE_STRING || p.getText().isBlank()) {
                    problem(key, file, p, "\"" + name + "\" must map to a model id (a non-empty string)");
                    p.skipChildren();
                } else if (name.isBlank()) {
                    problem(key, file, p, "an empty name cannot be mapped");
                } else if (out.putIfAbsent(name, p.getText().trim()) != null) {
                    problem(key, file, p, "\"" + name + "\" is mapped twice");
                }
            }
            if (p.nextToken() != null) {
                problem(key, file, p, "has more after its JSON object");
            }
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            key.source().problems.addIn(file.toString(), Math.max(line, 0), key.path(),
                    "not valid JSON: " + e.getOriginalMessage().lines().findFirst().orElse(""), key.line());
        } catch (IOException e) {
            key.problem("cannot read the mapping file " + file + " (" + Reasons.of(e) + ")");
        }
        return out;
    }

    private static void problem(ConfigValue key, Path file, JsonParser p, String message) {
        int line = p.currentTokenLocation().getLineNr();
        key.source().problems.addIn(file.toString(), line, key.path(), message, key.line());
    }
}
