package io.llmrelay.core.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.ByteBufOutputStream;
import java.io.IOException;
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

    /** For trees; also the codec of parsers that read a subtree in the middle of a document. */
    public static final ObjectMapper MAPPER = new ObjectMapper(FACTORY);

    /** Whole bodies: one value and nothing after it. */
    private static final ObjectReader WHOLE_BODY = MAPPER.readerFor(JsonNode.class)
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    public static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private Json() {}

    /** Parses a whole body; trailing garbage after the first value is an error. */
    public static JsonNode parse(ByteBuf body) throws IOException {
        if (body.hasArray()) {
            return WHOLE_BODY.readValue(body.array(), body.arrayOffset() + body.readerIndex(), body.readableBytes());
        }
        // direct or composite (an aggregated request): one copy beats reading through a stream
        return WHOLE_BODY.readValue(ByteBufUtil.getBytes(body));
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
        try {
            return MAPPER.writeValueAsString(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
