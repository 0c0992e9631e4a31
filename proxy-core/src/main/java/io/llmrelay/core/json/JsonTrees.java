package io.llmrelay.core.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Map;

/**
 * JSON trees read from a parser and written to a generator directly, without an ObjectMapper: the
 * proxy needs trees on its first requests (a backend's model list, a request body), and initialising
 * ObjectMapper's class reads the JDK's locale data for its default date format, about 0.1 s of CPU in a
 * fresh JVM (docs/BENCHMARKS.md, findings). The trees are the ones Jackson's own tree reader makes with
 * its default settings: ints as int, long or BigInteger nodes by size, other numbers as doubles, a
 * repeated key's last value kept.
 */
final class JsonTrees {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private JsonTrees() {}

    /**
     * The value that starts at the parser's current token, or at its next one when it has none; the
     * parser is left on the value's last token. Null when the input ends before a value starts.
     */
    static JsonNode read(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == null) {
            t = next(p);
            if (t == null) {
                return null;
            }
        }
        return value(p, t);
    }

    private static JsonNode value(JsonParser p, JsonToken t) throws IOException {
        switch (t) {
            case START_OBJECT:
                return object(p);
            case START_ARRAY:
                return array(p);
            case VALUE_STRING:
                return NODES.textNode(p.getText());
            case VALUE_NUMBER_INT:
                switch (p.getNumberType()) {
                    case INT:
                        return NODES.numberNode(p.getIntValue());
                    case LONG:
                        return NODES.numberNode(p.getLongValue());
                    default:
                        return NODES.numberNode(p.getBigIntegerValue());
                }
            case VALUE_NUMBER_FLOAT: // by the type the input has (text has none: a double), as Jackson's reader
                switch (p.getNumberTypeFP()) {
                    case BIG_DECIMAL:
                        return NODES.numberNode(p.getDecimalValue());
                    case FLOAT32:
                        return NODES.numberNode(p.getFloatValue());
                    default:
                        return NODES.numberNode(p.getDoubleValue());
                }
            case VALUE_TRUE:
                return NODES.booleanNode(true);
            case VALUE_FALSE:
                return NODES.booleanNode(false);
            case VALUE_NULL:
                return NODES.nullNode();
            case VALUE_EMBEDDED_OBJECT: // only a TokenBuffer holds these; what a JSON text has is above
                Object embedded = p.getEmbeddedObject();
                return embedded instanceof byte[] bytes ? NODES.binaryNode(bytes) : NODES.pojoNode(embedded);
            default:
                throw new JsonParseException(p, "Unexpected token (" + t + "), expected a JSON value");
        }
    }

    private static ObjectNode object(JsonParser p) throws IOException {
        ObjectNode node = NODES.objectNode();
        for (JsonToken t = next(p); t != JsonToken.END_OBJECT; t = next(p)) {
            if (t != JsonToken.FIELD_NAME) {
                throw new JsonParseException(p, "Unexpected token (" + t + "), expected a field name");
            }
            String name = p.currentName();
            node.replace(name, value(p, valueToken(p)));
        }
        return node;
    }

    private static ArrayNode array(JsonParser p) throws IOException {
        ArrayNode node = NODES.arrayNode();
        for (JsonToken t = valueToken(p); t != JsonToken.END_ARRAY; t = valueToken(p)) {
            node.add(value(p, t));
        }
        return node;
    }

    /** The next token, which must exist: a value, or the end of the container it is in. */
    private static JsonToken valueToken(JsonParser p) throws IOException {
        JsonToken t = next(p);
        if (t == null) {
            throw new JsonParseException(p, "Unexpected end-of-input within a JSON value");
        }
        return t;
    }

    /** A non-blocking parser says NOT_AVAILABLE where its input runs out; a tree is read from whole input. */
    private static JsonToken next(JsonParser p) throws IOException {
        JsonToken t = p.nextToken();
        if (t == JsonToken.NOT_AVAILABLE) {
            throw new JsonParseException(p, "Unexpected end-of-input: the JSON value is incomplete");
        }
        return t;
    }

    /** Writes {@code node} as compact JSON. */
    static void write(JsonNode node, JsonGenerator g) throws IOException {
        switch (node.getNodeType()) {
            case OBJECT:
                g.writeStartObject();
                for (Map.Entry<String, JsonNode> member : node.properties()) {
                    g.writeFieldName(member.getKey());
                    write(member.getValue(), g);
                }
                g.writeEndObject();
                return;
            case ARRAY:
                g.writeStartArray();
                for (JsonNode item : node) {
                    write(item, g);
                }
                g.writeEndArray();
                return;
            case STRING:
                g.writeString(node.textValue());
                return;
            case NUMBER:
                writeNumber(node, g);
                return;
            case BOOLEAN:
                g.writeBoolean(node.booleanValue());
                return;
            case NULL:
            case MISSING:
                g.writeNull();
                return;
            case BINARY:
                g.writeBinary(node.binaryValue());
                return;
            default: // POJO: only ever made from a TokenBuffer's embedded object
                g.writeString(node.asText());
        }
    }

    private static void writeNumber(JsonNode node, JsonGenerator g) throws IOException {
        switch (node.numberType()) {
            case INT:
                g.writeNumber(node.intValue());
                return;
            case LONG:
                g.writeNumber(node.longValue());
                return;
            case BIG_INTEGER:
                g.writeNumber(node.bigIntegerValue());
                return;
            case FLOAT:
                g.writeNumber(node.floatValue());
                return;
            case BIG_DECIMAL:
                g.writeNumber(node.decimalValue());
                return;
            default:
                g.writeNumber(node.doubleValue());
        }
    }
}
