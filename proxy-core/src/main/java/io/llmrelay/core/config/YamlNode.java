package io.llmrelay.core.config;

import java.util.List;
import java.util.Map;

/**
 * A YAML document as a tree that keeps each node's line, which Jackson's {@code JsonNode} drops and
 * every configuration error needs.
 */
sealed interface YamlNode permits YamlNode.Scalar, YamlNode.Mapping, YamlNode.Sequence {

    /** 1-based line where the node starts. */
    int line();

    /** What the node is, for "must be X, not Y" messages. */
    String kind();

    /** A value as written (numbers and booleans too); null text for YAML's null ({@code ~}, {@code null}, nothing). */
    record Scalar(String text, int line) implements YamlNode {
        @Override
        public String kind() {
            return text == null ? "empty" : "a value";
        }
    }

    /** Keys in the file's order. */
    record Mapping(Map<String, Entry> entries, int line) implements YamlNode {
        @Override
        public String kind() {
            return "a map";
        }
    }

    /** One key of a mapping, with the line the key is on. */
    record Entry(String key, int line, YamlNode value) {}

    record Sequence(List<YamlNode> items, int line) implements YamlNode {
        @Override
        public String kind() {
            return "a list";
        }
    }
}
