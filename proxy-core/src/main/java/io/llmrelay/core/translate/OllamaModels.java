package io.llmrelay.core.translate;

import com.fasterxml.jackson.core.JsonGenerator;
import io.llmrelay.core.api.ModelNames;
import io.llmrelay.core.api.Rfc3339;
import io.llmrelay.core.backend.ModelDetails;
import io.llmrelay.core.backend.ModelInfo;
import io.llmrelay.core.json.Json;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

/**
 * Ollama's model endpoints ({@code /api/tags}, {@code /api/show}, {@code /api/ps}) written from what
 * backends report. Every field a client requires is present: {@code name} and {@code model} with a
 * tag, RFC 3339 times, an int {@code size}, a 64-hex {@code digest}, all six {@code details}, and
 * {@code model_info} with the real context length where the backend gives one. What an Ollama node
 * said itself (digest, family, families, parent model, parameter size) is written as it said it;
 * only what no backend said is made up from the model's name.
 */
public final class OllamaModels {

    /** A model as a list shows it, with the time to report when the backend gives none. */
    public record Listed(ModelInfo info, Instant fallbackTime) {}

    /** A model kept warm until {@code expiresAt}, for {@code /api/ps}. */
    public record Loaded(ModelInfo info, Instant expiresAt) {}

    private OllamaModels() {}

    public static void tags(List<Listed> models, ZoneOffset offset, ByteBuf out) {
        try (JsonGenerator g = Json.generator(out)) {
            g.writeStartObject();
            g.writeArrayFieldStart("models");
            for (Listed m : models) {
                g.writeStartObject();
                writeIdentity(g, m.info());
                g.writeStringField("modified_at", Rfc3339.withOffset(modified(m), offset));
                g.writeNumberField("size", m.info().details().sizeBytes());
                g.writeStringField("digest", digest(m.info()));
                writeDetails(g, m.info(), m.info().contextLength());
                writeCapabilities(g, m.info());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void show(Listed m, String backendName, ZoneOffset offset, ByteBuf out) {
        ModelInfo info = m.info();
        String arch = architecture(info);
        try (JsonGenerator g = Json.generator(out)) {
            g.writeStartObject();
            g.writeStringField("modelfile", "# Served by llm-relay from backend " + backendName + "\nFROM " + info.id() + "\n");
            writeDetails(g, info, info.contextLength());
            g.writeObjectFieldStart("model_info");
            g.writeStringField("general.architecture", arch);
            g.writeStringField("general.basename", info.id());
            if (info.details().parameterCount() > 0) {
                g.writeNumberField("general.parameter_count", info.details().parameterCount());
            }
            if (info.contextLength() > 0) {
                g.writeNumberField(arch + ".context_length", info.contextLength());
            }
            g.writeEndObject();
            writeCapabilities(g, info);
            g.writeStringField("modified_at", Rfc3339.withOffset(modified(m), offset));
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void ps(List<Loaded> models, ZoneOffset offset, ByteBuf out) {
        try (JsonGenerator g = Json.generator(out)) {
            g.writeStartObject();
            g.writeArrayFieldStart("models");
            for (Loaded m : models) {
                g.writeStartObject();
                writeIdentity(g, m.info());
                g.writeNumberField("size", m.info().details().sizeBytes());
                g.writeStringField("digest", digest(m.info()));
                long usable = m.info().usableContextLength(); // what a request can use, not what the model was trained on
                writeDetails(g, m.info(), usable);
                g.writeStringField("expires_at", Rfc3339.withOffset(m.expiresAt(), offset));
                g.writeNumberField("size_vram", 0);
                if (usable > 0) {
                    g.writeNumberField("context_length", usable);
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeIdentity(JsonGenerator g, ModelInfo info) throws IOException {
        String name = ModelNames.ollamaName(info.id());
        g.writeStringField("name", name);
        g.writeStringField("model", name);
    }

    private static void writeDetails(JsonGenerator g, ModelInfo info, long contextLength) throws IOException {
        ModelDetails details = info.details();
        String family = family(info);
        String parameters = details.parameterSize();
        g.writeObjectFieldStart("details");
        g.writeStringField("parent_model", details.parentModel());
        g.writeStringField("format", details.format());
        g.writeStringField("family", family);
        g.writeArrayFieldStart("families");
        if (!details.families().isEmpty()) {
            for (String f : details.families()) {
                g.writeString(f);
            }
        } else if (!family.isEmpty()) {
            g.writeString(family);
        }
        g.writeEndArray();
        g.writeStringField("parameter_size", parameters.isEmpty() ? ModelNames.parameterSize(info.id()) : parameters);
        g.writeStringField("quantization_level", info.details().quantization());
        if (contextLength > 0) {
            g.writeNumberField("context_length", contextLength);
        }
        g.writeEndObject();
    }

    private static void writeCapabilities(JsonGenerator g, ModelInfo info) throws IOException {
        g.writeArrayFieldStart("capabilities");
        for (String cap : info.capabilities()) {
            g.writeString(cap);
        }
        g.writeEndArray();
    }

    /** The {@code general.architecture} key; clients read {@code <arch>.context_length} under it. */
    static String architecture(ModelInfo info) {
        String family = family(info);
        return family.isEmpty() ? "llm" : family;
    }

    /** The family the backend named (an Ollama node's is its architecture), else one guessed from the id. */
    private static String family(ModelInfo info) {
        String named = info.details().family();
        return named.isEmpty() ? ModelNames.family(info.id()) : named;
    }

    /** The node's own digest where it gave one, else a stable one made from the id. */
    private static String digest(ModelInfo info) {
        return info.details().hasDigest() ? info.details().digest() : ModelNames.digest(info.id());
    }

    private static Instant modified(Listed m) {
        return m.info().created() > 0 ? Instant.ofEpochSecond(m.info().created()) : m.fallbackTime();
    }
}
