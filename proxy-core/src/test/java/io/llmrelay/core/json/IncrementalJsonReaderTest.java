package io.llmrelay.core.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IncrementalJsonReaderTest {

    private static final String DOC = "{\"object\":\"list\",\"data\":[{\"id\":\"Qwen/Qwen3-8B\",\"created\":1751919739,"
            + "\"max_model_len\":32768,\"ratio\":0.125,\"neg\":-3.5e-7,\"big\":123456789012345678901234567890,"
            + "\"ok\":true,\"none\":null,\"text\":\"caf\u00e9 \u2713 \ud83d\ude00 \\\"q\\\" \\u00e9\\n\","
            + "\"nested\":{\"a\":[[],{},[1,[2,[3]]]]}}],\"empty\":\"\"}  \n";

    @Test
    void readsAWholeBody() throws IOException {
        assertThat(read(bytes(DOC), 1 << 20)).isEqualTo(Json.mapper().readTree(DOC));
    }

    @Test
    void sameValueWhereverTheBodyIsCut() throws IOException {
        byte[] all = bytes(DOC);
        JsonNode expected = Json.mapper().readTree(DOC);
        for (int cut = 0; cut <= all.length; cut++) {
            assertThat(read(all, 1 << 20, cut)).as("cut at %d", cut).isEqualTo(expected);
        }
    }

    @Test
    void sameValueOneByteAtATime() throws IOException {
        byte[] all = bytes(DOC);
        int[] cuts = new int[all.length - 1];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = i + 1;
        }
        assertThat(read(all, 1 << 20, cuts)).isEqualTo(Json.mapper().readTree(DOC));
    }

    @ParameterizedTest
    @ValueSource(strings = {"42", "-1.5", "\"s\"", "true", "null", "[]", "{}", " [1, 2] "})
    void readsAnyRootValue(String text) throws IOException {
        assertThat(read(bytes(text), 100)).isEqualTo(Json.mapper().readTree(text));
    }

    @Test
    void leavesTheFedBufferAlone() throws IOException {
        IncrementalJsonReader reader = new IncrementalJsonReader(100);
        ByteBuf piece = ByteBufAllocator.DEFAULT.directBuffer();
        try {
            piece.writeBytes(bytes("xx{\"a\":1}"));
            piece.readerIndex(2);
            reader.feed(piece);
            assertThat(piece.readerIndex()).isEqualTo(2);
            assertThat(piece.refCnt()).isEqualTo(1);
        } finally {
            piece.release();
        }
        assertThat(reader.finish()).isEqualTo(Json.mapper().readTree("{\"a\":1}"));
    }

    @Test
    void readsCompositeBuffers() throws IOException {
        IncrementalJsonReader reader = new IncrementalJsonReader(100);
        CompositeByteBuf composite = ByteBufAllocator.DEFAULT.compositeBuffer();
        try {
            composite.addComponent(true, Unpooled.copiedBuffer("{\"a\":[1,", StandardCharsets.UTF_8));
            composite.addComponent(true, ByteBufAllocator.DEFAULT.directBuffer().writeBytes(bytes("2],\"b\":\"x")));
            composite.addComponent(true, Unpooled.copiedBuffer("y\"}", StandardCharsets.UTF_8));
            assertThat(composite.nioBufferCount()).isGreaterThan(1);
            reader.feed(composite);
        } finally {
            composite.release();
        }
        assertThat(reader.finish()).isEqualTo(Json.mapper().readTree("{\"a\":[1,2],\"b\":\"xy\"}"));
    }

    @Test
    void anEmptyBodyFails() {
        assertThatThrownBy(() -> read(new byte[0], 100)).isInstanceOf(IOException.class).hasMessage("empty JSON body");
        assertThatThrownBy(() -> new IncrementalJsonReader(100).finish()).isInstanceOf(IOException.class)
                .hasMessage("empty JSON body");
    }

    @Test
    void aBlankBodyFails() {
        assertThatThrownBy(() -> read(bytes("  \n"), 100)).isInstanceOf(IOException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"a\":[1,2", "{\"a\":", "{\"a\":\"tex", "[", "{\"a\":1,", "tru"})
    void aTruncatedBodyFails(String text) {
        assertThatThrownBy(() -> read(bytes(text), 100)).isInstanceOf(IOException.class);
    }

    @Test
    void contentAfterTheValueFails() {
        assertThatThrownBy(() -> read(bytes("{\"a\":1} {\"b\":2}"), 100)).isInstanceOf(IOException.class)
                .hasMessage("unexpected content after the JSON value");
        assertThatThrownBy(() -> read(bytes("[1]2"), 100)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> read(bytes("{\"a\":1} x"), 100)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> read(bytes("{\"a\":1}}"), 100)).isInstanceOf(IOException.class);
    }

    @Test
    void contentAfterTheValueFailsEvenInALaterPiece() {
        byte[] all = bytes("{\"a\":1}\n{\"b\":2}");
        assertThatThrownBy(() -> read(all, 100, 8)).isInstanceOf(IOException.class)
                .hasMessage("unexpected content after the JSON value");
    }

    @Test
    void aBodyAtTheLimitIsRead() throws IOException {
        assertThat(read(bytes("[1,2,3,4]"), 9)).isEqualTo(Json.mapper().readTree("[1,2,3,4]"));
    }

    @Test
    void aBodyOverTheLimitFails() {
        assertThatThrownBy(() -> read(bytes("[1,2,3,4,5]"), 10)).isInstanceOf(IOException.class)
                .hasMessage("JSON body larger than 10 bytes");
    }

    @Test
    void theLimitCountsEveryPiece() {
        byte[] all = bytes("[1,2,3,4,5]");
        IncrementalJsonReader reader = new IncrementalJsonReader(10);
        assertThatThrownBy(() -> {
            feed(reader, all, 0, 6);
            feed(reader, all, 6, all.length);
        }).isInstanceOf(IOException.class).hasMessage("JSON body larger than 10 bytes");
    }

    // --- helpers

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static JsonNode read(byte[] all, long max, int... cuts) throws IOException {
        IncrementalJsonReader reader = new IncrementalJsonReader(max);
        int from = 0;
        for (int cut : cuts) {
            feed(reader, all, from, cut);
            from = cut;
        }
        feed(reader, all, from, all.length);
        return reader.finish();
    }

    private static void feed(IncrementalJsonReader reader, byte[] all, int from, int to) throws IOException {
        ByteBuf piece = ByteBufAllocator.DEFAULT.buffer(Math.max(1, to - from));
        try {
            piece.writeBytes(all, from, to - from);
            reader.feed(piece);
        } finally {
            piece.release();
        }
    }
}
