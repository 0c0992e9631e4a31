package io.llmrelay.core.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Trees read and written without an ObjectMapper, the same as Jackson's own. */
class JsonTest {

    @Test
    void parseReadsAWholeBodyWithoutConsumingIt() throws IOException {
        ByteBuf body = ByteBufAllocator.DEFAULT.buffer();
        try {
            body.writeCharSequence("{\"a\":[1,\"\u2713\"]}", StandardCharsets.UTF_8);
            assertThat(Json.parse(body)).isEqualTo(new ObjectMapper().readTree("{\"a\":[1,\"\u2713\"]}"));
            assertThat(body.readerIndex()).isZero();
        } finally {
            body.release();
        }
    }

    @Test
    void parseRefusesTrailingContent() {
        ByteBuf body = ByteBufAllocator.DEFAULT.buffer();
        try {
            body.writeCharSequence("{\"a\":1} {\"b\":2}", StandardCharsets.UTF_8);
            assertThatThrownBy(() -> Json.parse(body)).isInstanceOf(JsonParseException.class)
                    .hasMessageContaining("Trailing token (START_OBJECT)");
        } finally {
            body.release();
        }
        assertThatThrownBy(() -> Json.parse("[1] 2")).isInstanceOf(JsonParseException.class);
    }

    @Test
    void parseOfNothingButWhiteSpaceIsTheMissingNode() throws IOException {
        assertThat(Json.parse(" \n\t ").isMissingNode()).isTrue();
        assertThat(Json.parse("").isMissingNode()).isTrue();
    }

    @Test
    void parseRefusesTruncatedAndMalformedJson() {
        for (String bad : new String[] {"{\"a\":", "[1,2", "{\"a\" 1}", "{1:2}", "[1,]x", "nul", "\"open"}) {
            assertThatThrownBy(() -> Json.parse(bad)).as(bad).isInstanceOf(JsonProcessingException.class);
        }
    }

    @Test
    void parseKeepsJacksonsLimits() {
        String deep = "[".repeat(300) + "]".repeat(300);
        assertThatThrownBy(() -> Json.parse(deep)).isInstanceOf(StreamConstraintsException.class);
    }

    /** Whatever Jackson's own tree reader makes of a text, Json.parse makes the same, and writes it back the same. */
    @Test
    void treesAreJacksonsTrees() throws IOException {
        ObjectMapper jackson = new ObjectMapper();
        Random random = new Random(7);
        String[] fixed = {"{\"a\":1,\"a\":2}", "[2147483647,2147483648,-9223372036854775808,9223372036854775808]",
            "[1.5,-0.0,1e300,1E-5,12345678901234567890.5]", "{\"s\":\"caf\u00e9 \\u2713 \\n\\\"\",\"t\":true,\"f\":false,\"n\":null}",
            "{}", "[]", "[[],{},[{}]]", "0", "\"x\"", "null"};
        for (String text : fixed) {
            assertSame(jackson, text);
        }
        for (int i = 0; i < 2_000; i++) {
            assertSame(jackson, randomJson(random, 0));
        }
    }

    private static void assertSame(ObjectMapper jackson, String text) throws IOException {
        JsonNode ours = Json.parse(text);
        JsonNode theirs = jackson.readTree(text);
        assertThat(ours).as(text).isEqualTo(theirs);
        assertThat(Json.write(ours)).as(text).isEqualTo(jackson.writeValueAsString(theirs));
        assertThat(Json.writeBytes(ours)).as(text).isEqualTo(jackson.writeValueAsBytes(theirs));
    }

    private static String randomJson(Random random, int depth) {
        int kind = random.nextInt(depth > 4 ? 6 : 8);
        switch (kind) {
            case 0: return "null";
            case 1: return random.nextBoolean() ? "true" : "false";
            case 2: return Long.toString(random.nextLong() >> random.nextInt(64));
            case 3: return Double.toString(random.nextGaussian() * Math.pow(10, random.nextInt(40) - 20));
            case 4: return "\"" + "ab\\n\\u00e9\u2713\\\"".substring(random.nextInt(5)) + "\"";
            case 5: return "\"\"";
            case 6: {
                StringBuilder s = new StringBuilder("{");
                for (int n = random.nextInt(4), k = 0; k < n; k++) {
                    s.append(k > 0 ? "," : "").append("\"k").append(random.nextInt(3)).append("\":")
                            .append(randomJson(random, depth + 1));
                }
                return s.append('}').toString();
            }
            default: {
                StringBuilder s = new StringBuilder("[");
                for (int n = random.nextInt(4), k = 0; k < n; k++) {
                    s.append(k > 0 ? "," : "").append(randomJson(random, depth + 1));
                }
                return s.append(']').toString();
            }
        }
    }

    @Test
    void readTreeReadsAValueInTheMiddleOfADocumentAndLeavesTheParserOnItsEnd() throws IOException {
        try (JsonParser p = Json.FACTORY.createParser("{\"x\":{\"y\":[1,2]},\"z\":3}")) {
            p.nextToken();
            p.nextToken();
            p.nextToken(); // the START_OBJECT of x's value
            assertThat(Json.readTree(p)).isEqualTo(Json.parse("{\"y\":[1,2]}"));
            assertThat(p.currentToken()).isEqualTo(JsonToken.END_OBJECT);
            assertThat(p.nextToken()).isEqualTo(JsonToken.FIELD_NAME);
        }
    }

    @Test
    void readTreeFromANonBlockingParserNeedsTheWholeValue() throws IOException {
        byte[] half = "{\"a\":[1,".getBytes(StandardCharsets.UTF_8);
        try (JsonParser p = Json.FACTORY.createNonBlockingByteArrayParser()) {
            ((ByteArrayFeeder) p.getNonBlockingInputFeeder()).feedInput(half, 0, half.length);
            assertThatThrownBy(() -> Json.readTree(p)).isInstanceOf(JsonParseException.class)
                    .hasMessageContaining("incomplete");
        }
        byte[] whole = "{\"a\":[1,2]}".getBytes(StandardCharsets.UTF_8);
        try (JsonParser p = Json.FACTORY.createNonBlockingByteArrayParser()) {
            ((ByteArrayFeeder) p.getNonBlockingInputFeeder()).feedInput(whole, 0, whole.length);
            assertThat(Json.readTree(p)).isEqualTo(Json.parse("{\"a\":[1,2]}"));
        }
    }

    @Test
    void generatorAppendsUtf8ToTheBuffer() throws IOException {
        ByteBuf out = ByteBufAllocator.DEFAULT.buffer();
        try {
            out.writeByte('>');
            try (JsonGenerator g = Json.generator(out)) {
                g.writeStartObject();
                g.writeStringField("k", "caf\u00e9");
                g.writeEndObject();
            }
            assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(">{\"k\":\"caf\u00e9\"}");
        } finally {
            out.release();
        }
    }

    @Test
    void writeIsCompact() throws IOException {
        assertThat(Json.write(Json.parse("{ \"a\" : [ 1 , 2.5 , null ] , \"b\" : { } }")))
                .isEqualTo("{\"a\":[1,2.5,null],\"b\":{}}");
    }

    /** A mapper makes itself its factory's codec: the tools' mapper must not change what FACTORY's parsers do. */
    @Test
    void theToolsMapperLeavesTheFactoryWithoutACodec() throws IOException {
        assertThat(Json.mapper().readTree("[1]")).isEqualTo(Json.parse("[1]"));
        assertThat(Json.FACTORY.getCodec()).isNull();
        ByteBuf out = ByteBufAllocator.DEFAULT.buffer();
        try (JsonGenerator g = Json.generator(out)) {
            g.writeStartArray();
            Json.writeTree(g, Json.parse("{\"a\":[true]}"));
            Json.writeTree(g, null);
            g.writeEndArray();
        } finally {
            assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("[{\"a\":[true]},null]");
            out.release();
        }
    }

    @Test
    void quoteMakesTheLiteralATextNodeWritesAs() throws IOException {
        for (String text : new String[] {"", "plain", "q\"b\\s/", "caf\u00e9 \u2713 \ud83d\ude00", "\n\t\u0001\u001f"}) {
            assertThat(Json.quote(text)).isEqualTo(new ObjectMapper().writeValueAsString(text));
            assertThat(Json.parse(Json.quote(text)).textValue()).isEqualTo(text);
        }
        assertThat(Json.quote(null)).isEqualTo("null");
    }

    @Test
    void writeTakesTreesBuiltInCode() {
        ObjectNode node = Json.NODES.objectNode();
        node.put("f", 1.5f).put("d", new BigDecimal("1.50")).put("b", new BigInteger("123456789012345678901"))
                .put("bytes", new byte[] {1, 2, 3}).put("short", (short) 7).putNull("n");
        node.set("missing", MissingNode.getInstance());
        assertThat(Json.write(node)).isEqualTo("{\"f\":1.5,\"d\":1.50,\"b\":123456789012345678901,"
                + "\"bytes\":\"AQID\",\"short\":7,\"n\":null,\"missing\":null}");
    }
}
