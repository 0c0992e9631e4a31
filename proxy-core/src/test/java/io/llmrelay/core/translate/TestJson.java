package io.llmrelay.core.translate;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrelay.core.json.Json;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/** JSON written with single quotes for readability ({@code \\'} stays an escaped double quote). */
final class TestJson {

    private TestJson() {}

    static String q(String singleQuoted) {
        return singleQuoted.replace('\'', '"');
    }

    static JsonNode json(String singleQuoted) {
        return parse(q(singleQuoted));
    }

    static JsonNode parse(String text) {
        try {
            return Json.mapper().readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs {@code writer} on a fresh buffer and returns what it wrote as text; the buffer is released. */
    static String written(Consumer<ByteBuf> writer) {
        ByteBuf out = ByteBufAllocator.DEFAULT.buffer();
        try {
            writer.accept(out);
            return out.toString(StandardCharsets.UTF_8);
        } finally {
            out.release();
        }
    }
}
