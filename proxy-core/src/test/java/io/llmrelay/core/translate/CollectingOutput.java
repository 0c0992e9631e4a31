package io.llmrelay.core.translate;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A translator output that keeps each written buffer as text and releases it at once. */
final class CollectingOutput implements BodyTranslator.Output {

    final List<String> writes = new ArrayList<>();

    @Override
    public ByteBufAllocator alloc() {
        return ByteBufAllocator.DEFAULT;
    }

    @Override
    public void write(ByteBuf translated) {
        try {
            writes.add(translated.toString(StandardCharsets.UTF_8));
        } finally {
            translated.release();
        }
    }

    /** Everything written, concatenated. */
    String text() {
        return String.join("", writes);
    }

    /** Feeds {@code body[from, to)} to {@code translator} in a pooled buffer, released afterwards. */
    static void feed(BodyTranslator translator, BodyTranslator.Output out, byte[] body, int from, int to) {
        ByteBuf piece = ByteBufAllocator.DEFAULT.buffer(Math.max(1, to - from));
        try {
            piece.writeBytes(body, from, to - from);
            translator.onContent(piece, out);
        } finally {
            piece.release();
        }
    }

    /** Feeds all of {@code body}, cut at the ascending positions {@code cuts}. */
    static void feedCut(BodyTranslator translator, BodyTranslator.Output out, byte[] body, int... cuts) {
        int from = 0;
        for (int cut : cuts) {
            feed(translator, out, body, from, cut);
            from = cut;
        }
        feed(translator, out, body, from, body.length);
    }
}
