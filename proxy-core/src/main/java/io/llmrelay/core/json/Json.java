package io.llmrelay.core.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.ByteBufOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * The one JSON factory of the process. Factories are thread-safe and expensive to build; parsers and
 * generators made from them are cheap and per use.
 */
public final class Json {

    /** Limits that stop a hostile body or backend from making a parser buffer unbounded input. */
    private static final StreamReadConstraints LIMITS = StreamReadConstraints.builder()
            .maxStringLength(256 * 1024 * 1024) // base64 images travel as one string
            .maxNumberLength(1_000)
            .maxNestingDepth(256)
            .build();

    public static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(LIMITS)
            .build();

    public static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private Json() {}

    /**
     * An ObjectMapper with {@link #FACTORY}'s limits, for tools (the bench, tests); made on first use. The proxy
     * reads and writes its trees with {@link #parse}, {@link #readTree} and {@link #write} instead (see
     * {@link JsonTrees} for why).
     */
    public static ObjectMapper mapper() {
        return MapperHolder.MAPPER;
    }

    private static final class MapperHolder {
        // its own factory: a mapper makes itself its factory's codec, and FACTORY's parsers and
        // generators must behave the same whether or not a tool has asked for a mapper
        static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder().streamReadConstraints(LIMITS).build());
    }

    /**
     * Parses a whole body without consuming it: one value, and nothing but white space after it.
     * Never null: a body of nothing but white space is a {@link MissingNode}.
     */
    public static JsonNode parse(ByteBuf body) throws IOException {
        if (body.hasArray()) {
            return whole(FACTORY.createParser(body.array(), body.arrayOffset() + body.readerIndex(),
                    body.readableBytes()));
        }
        // direct or composite (an aggregated request): one copy beats reading through a stream
        return whole(FACTORY.createParser(ByteBufUtil.getBytes(body)));
    }

    /** {@link #parse(ByteBuf)} for text. */
    public static JsonNode parse(String text) throws IOException {
        return whole(FACTORY.createParser(text));
    }

    private static JsonNode whole(JsonParser p) throws IOException {
        try (p) {
            JsonNode value = JsonTrees.read(p);
            if (value == null) {
                return MissingNode.getInstance();
            }
            JsonToken after = p.nextToken();
            if (after != null) {
                throw new JsonParseException(p, "Trailing token (" + after + ") found after the JSON value");
            }
            return value;
        }
    }

    /**
     * The value at the parser's current token (or its next, when it has none), which is left on the
     * value's last token; null when the input ends first. Reads from a non-blocking parser too, as long
     * as the whole value has been fed.
     */
    public static JsonNode readTree(JsonParser p) throws IOException {
        return JsonTrees.read(p);
    }

    /** Opens a generator that appends UTF-8 to {@code out}; closing it flushes into the buffer. */
    public static JsonGenerator generator(ByteBuf out) {
        try {
            return FACTORY.createGenerator((java.io.OutputStream) new ByteBufOutputStream(out));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Compact serialisation of a tree into a new string (for small values such as tool arguments). */
    public static String write(JsonNode node) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            JsonTrees.write(node, g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** Writes a tree where the generator is (null as JSON null); FACTORY's generators have no codec for writeTree. */
    public static void writeTree(JsonGenerator g, JsonNode node) throws IOException {
        if (node == null) {
            g.writeNull();
        } else {
            JsonTrees.write(node, g);
        }
    }

    /**
     * {@code text} as a JSON string literal, quotes included, or {@code null} for null (what a TextNode's
     * toString gives, which would start an ObjectMapper).
     */
    public static String quote(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(text.length() + 2).append('"');
        JsonStringEncoder.getInstance().quoteAsString(text, out);
        return out.append('"').toString();
    }

    /** {@link #write} as UTF-8. */
    public static byte[] writeBytes(JsonNode node) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            JsonTrees.write(node, g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
