package io.llmrelay.core.translate;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrelay.core.api.RelayException;
import io.llmrelay.core.json.IncrementalJsonReader;
import io.llmrelay.core.json.JsonErrors;
import io.netty.buffer.ByteBuf;
import java.io.IOException;

/**
 * A backend answer that is one JSON body (embeddings, a tokenizer's count), parsed as it arrives
 * within the process's memory budget, never held raw, and rewritten whole once it has ended.
 */
abstract class WholeJsonAnswer implements BodyTranslator {

    private final IncrementalJsonReader reader;
    private final String unreadable;

    /** @param unreadable what a 502 says when the body is not JSON, before the parser's own words */
    WholeJsonAnswer(long maxBody, String unreadable) {
        this.reader = new IncrementalJsonReader(maxBody);
        this.unreadable = unreadable;
    }

    /** Writes the client's answer from the backend's whole body. */
    abstract void answer(JsonNode body, Output out);

    @Override
    public final String contentType() {
        return ContentTypes.JSON;
    }

    @Override
    public final boolean streaming() {
        return false;
    }

    @Override
    public final void onContent(ByteBuf piece, Output out) {
        try {
            reader.feed(piece);
        } catch (IOException e) {
            throw unreadable(e);
        }
    }

    @Override
    public final void onEnd(Output out) {
        JsonNode body;
        try {
            body = reader.finish();
        } catch (IOException e) {
            throw unreadable(e);
        }
        answer(body, out);
    }

    /** Gives back what the whole body held of the process's budget, however the answer ended. */
    @Override
    public final void close() {
        reader.release();
    }

    private RelayException unreadable(IOException e) {
        return new RelayException(502, unreadable + ": " + JsonErrors.describe(e));
    }
}
