package io.llmrelay.core.translate;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.llmrelay.core.api.Clocks;
import io.llmrelay.core.api.ExchangeTimes;
import io.llmrelay.core.api.RelayException;
import io.llmrelay.core.json.Json;
import io.netty.buffer.ByteBuf;
import java.io.IOException;

/**
 * An OpenAI {@code /v1/embeddings} answer as Ollama's {@code /api/embed} (vectors L2-normalised, in
 * input order, with durations and the prompt token count) or legacy {@code /api/embeddings} (one
 * vector, as the backend gave it). The backend body is parsed as it arrives, never held raw.
 */
public final class EmbeddingsTranslator extends WholeJsonAnswer {

    private static final long MAX_BODY = 256L * 1024 * 1024;

    private final EmbedRequest request;
    private final ExchangeTimes times;
    private final Clocks clocks;
    private long promptTokens = -1;

    public EmbeddingsTranslator(EmbedRequest request, ExchangeTimes times, Clocks clocks) {
        super(MAX_BODY, "backend sent an unreadable embeddings response");
        this.request = request;
        this.times = times;
        this.clocks = clocks;
    }

    @Override
    public long promptTokens() {
        return promptTokens;
    }

    @Override
    void answer(JsonNode body, Output out) {
        double[][] vectors = vectors(body);
        JsonNode usage = body.path("usage").path("prompt_tokens");
        promptTokens = usage.canConvertToLong() ? usage.asLong() : -1;
        ByteBuf whole = out.alloc().buffer(64 + vectors.length * (vectors.length == 0 ? 0 : vectors[0].length) * 12);
        try (JsonGenerator g = Json.generator(whole)) {
            g.writeStartObject();
            if (request.legacy()) {
                g.writeFieldName("embedding");
                writeVector(g, vectors[0], false);
            } else {
                g.writeStringField("model", request.model());
                g.writeArrayFieldStart("embeddings");
                for (double[] v : vectors) {
                    writeVector(g, v, true);
                }
                g.writeEndArray();
                long now = clocks.nanoTime();
                g.writeNumberField("total_duration", now - times.start);
                g.writeNumberField("load_duration", times.upstreamSent == 0 ? 0 : times.upstreamSent - times.start);
                g.writeNumberField("prompt_eval_count", Math.max(promptTokens, 0));
            }
            g.writeEndObject();
        } catch (IOException e) {
            whole.release();
            throw new RelayException(500, "could not write embeddings: " + e.getMessage());
        }
        out.write(whole);
    }

    /** The vectors ordered by {@code index}; a count that differs from the inputs is a backend error. */
    private double[][] vectors(JsonNode body) {
        JsonNode data = body.get("data");
        if (data == null || !data.isArray()) {
            throw new RelayException(502, "backend embeddings response has no \"data\" array");
        }
        int expected = request.inputs().size();
        if (data.size() != expected) {
            throw new RelayException(502, "backend returned " + data.size() + " embeddings for " + expected + " inputs");
        }
        double[][] out = new double[expected][];
        for (int i = 0; i < data.size(); i++) {
            JsonNode item = data.get(i);
            int index = item.path("index").asInt(i);
            JsonNode embedding = item.get("embedding");
            if (index < 0 || index >= expected || out[index] != null || embedding == null || !embedding.isArray()) {
                throw new RelayException(502, "backend embeddings response has a malformed item at " + i);
            }
            double[] v = new double[embedding.size()];
            for (int j = 0; j < v.length; j++) {
                v[j] = embedding.get(j).asDouble();
            }
            out[index] = v;
        }
        return out;
    }

    private static void writeVector(JsonGenerator g, double[] v, boolean normalise) throws IOException {
        double scale = 1;
        if (normalise) {
            double sum = 0;
            for (double x : v) {
                sum += x * x;
            }
            scale = sum > 0 ? 1 / Math.sqrt(sum) : 1;
        }
        g.writeStartArray();
        for (double x : v) {
            if (normalise) {
                g.writeNumber((float) (x * scale)); // Ollama's vectors are float32
            } else {
                g.writeNumber(x);
            }
        }
        g.writeEndArray();
    }
}
