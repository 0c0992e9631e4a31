package io.llmrelay.core.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads YAML text into a {@link YamlNode} tree with Jackson's streaming parser, keeping the line of
 * every key and value. What YAML allows but a config must not (a key given twice, aliases, a second
 * document) is reported as a problem rather than resolved silently.
 */
final class YamlTreeReader {

    private static final YAMLFactory YAML = new YAMLFactory();

    private final Problems problems;

    private YamlTreeReader(Problems problems) {
        this.problems = problems;
    }

    /** The document's root, or null for an empty document or a syntax error (reported). */
    static YamlNode read(String text, Problems problems) {
        return new YamlTreeReader(problems).document(text);
    }

    private YamlNode document(String text) {
        try (YAMLParser parser = YAML.createParser(text)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                return null;
            }
            YamlNode root = value(parser, first, "");
            if (parser.nextToken() != null) {
                problems.add(line(parser), "", "only one YAML document is read: remove the '---' and what follows, "
                        + "or merge the documents");
            }
            return root;
        } catch (JsonProcessingException e) {
            syntaxError(e);
            return null;
        } catch (IOException e) {
            problems.add(0, "", "cannot read: " + e.getMessage());
            return null;
        }
    }

    private YamlNode value(YAMLParser parser, JsonToken token, String path) throws IOException {
        int line = line(parser);
        if (parser.isCurrentAlias()) {
            problems.add(line, path, "'*" + parser.getText() + "' is a YAML alias, which a config file does not use; "
                    + "write the value out, or quote it if it is text starting with '*' (e.g. a glob: \"*coder*\")");
            return new YamlNode.Scalar(null, line);
        }
        return switch (token) {
            case START_OBJECT -> mapping(parser, path, line);
            case START_ARRAY -> sequence(parser, path, line);
            case VALUE_NULL -> new YamlNode.Scalar(null, line);
            default -> new YamlNode.Scalar(parser.getText(), line);
        };
    }

    private YamlNode mapping(YAMLParser parser, String path, int line) throws IOException {
        Map<String, YamlNode.Entry> entries = new LinkedHashMap<>();
        for (JsonToken t = parser.nextToken(); t == JsonToken.FIELD_NAME; t = parser.nextToken()) {
            String key = parser.currentName();
            int keyLine = line(parser);
            String keyPath = path.isEmpty() ? key : path + "." + key;
            if (parser.isCurrentAlias()) {
                problems.add(keyLine, path, "'*" + key + "' is a YAML alias, which a config file does not use; "
                        + "quote a key that starts with '*' (e.g. a glob: \"*coder*\")");
            }
            YamlNode value = value(parser, parser.nextToken(), keyPath);
            YamlNode.Entry earlier = entries.get(key);
            if (earlier != null) {
                problems.add(keyLine, keyPath, "given twice (first on line " + earlier.line() + "); keep one");
            } else {
                entries.put(key, new YamlNode.Entry(key, keyLine, value));
            }
        }
        return new YamlNode.Mapping(Collections.unmodifiableMap(entries), line);
    }

    private YamlNode sequence(YAMLParser parser, String path, int line) throws IOException {
        List<YamlNode> items = new ArrayList<>();
        for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
            items.add(value(parser, t, path + "[" + items.size() + "]"));
        }
        return new YamlNode.Sequence(List.copyOf(items), line);
    }

    /** SnakeYAML's own message names the problem and where it is; the first of its lines is the one to show. */
    private void syntaxError(JsonProcessingException e) {
        int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
        String message = e.getOriginalMessage();
        if (e.getCause() instanceof org.yaml.snakeyaml.error.MarkedYAMLException marked) {
            if (marked.getProblemMark() != null) {
                line = marked.getProblemMark().getLine() + 1;
            }
            String context = marked.getContext();
            message = (context == null ? "" : context + ": ") + marked.getProblem();
        }
        String hint = message != null && message.contains("alias")
                ? " (YAML reads a '*' at the start of a value as an alias: quote a glob, e.g. \"*coder*\")" : "";
        problems.add(Math.max(line, 1), "", "not valid YAML: " + firstLine(message) + hint);
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "unreadable";
        }
        int nl = text.indexOf('\n');
        return (nl < 0 ? text : text.substring(0, nl)).trim();
    }

    private static int line(YAMLParser parser) {
        return parser.currentTokenLocation().getLineNr();
    }
}
