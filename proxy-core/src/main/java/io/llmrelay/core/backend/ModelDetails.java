package io.llmrelay.core.backend;

import java.util.List;
import java.util.Locale;

/**
 * What a server says about a model's files, for Ollama's {@code details}, {@code size} and
 * {@code digest}: llama.cpp reports some in its model list's {@code meta}, LM Studio in its own model
 * API, an Ollama node all of them in {@code /api/tags}. Zero or "" where the server says nothing.
 *
 * @param sizeBytes the model file's size
 * @param format {@code gguf}, {@code safetensors}, {@code mlx}, ...
 * @param quantization e.g. {@code Q4_1}, {@code Q4_K_M}, {@code 4bit}
 * @param parameterCount the number of parameters
 * @param parameterLabel the server's own label for the size (LM Studio's {@code 7B}, Ollama's {@code 8.0B})
 * @param digest an Ollama node's manifest digest (64 hex), kept so the proxy lists the model as the node does
 * @param family the model family as the server names it ({@code llama}, {@code qwen3})
 * @param families every family the server names (Ollama adds a vision projector's, e.g. {@code clip})
 * @param parentModel the model this one was created from, as Ollama reports it
 */
public record ModelDetails(long sizeBytes, String format, String quantization, long parameterCount,
        String parameterLabel, String digest, String family, List<String> families, String parentModel) {

    public static final ModelDetails UNKNOWN = new ModelDetails(0, "", "", 0, "");

    /** What a server that is not an Ollama node can say: no digest, family or parent. */
    public ModelDetails(long sizeBytes, String format, String quantization, long parameterCount, String parameterLabel) {
        this(sizeBytes, format, quantization, parameterCount, parameterLabel, "", "", List.of(), "");
    }

    public ModelDetails {
        format = format == null ? "" : format;
        quantization = quantization == null ? "" : quantization;
        parameterLabel = parameterLabel == null ? "" : parameterLabel;
        digest = digest == null ? "" : digest;
        family = family == null ? "" : family;
        families = families == null ? List.of() : List.copyOf(families);
        parentModel = parentModel == null ? "" : parentModel;
    }

    // equals and hashCode written out: a record's own link through ObjectMethods' method handles on
    // their first call, which at start-up (the first model list compared on the event loop) took
    // about a fifth of the event loop's time before the first answer
    @Override
    public boolean equals(Object o) {
        return o instanceof ModelDetails d && sizeBytes == d.sizeBytes && parameterCount == d.parameterCount
                && format.equals(d.format) && quantization.equals(d.quantization)
                && parameterLabel.equals(d.parameterLabel) && digest.equals(d.digest) && family.equals(d.family)
                && families.equals(d.families) && parentModel.equals(d.parentModel);
    }

    @Override
    public int hashCode() {
        int h = Long.hashCode(sizeBytes);
        h = 31 * h + Long.hashCode(parameterCount);
        h = 31 * h + format.hashCode();
        h = 31 * h + quantization.hashCode();
        h = 31 * h + parameterLabel.hashCode();
        h = 31 * h + digest.hashCode();
        h = 31 * h + family.hashCode();
        h = 31 * h + families.hashCode();
        return 31 * h + parentModel.hashCode();
    }

    /** True when the server gave a digest: these are an Ollama node's own details, worth keeping as they are. */
    public boolean hasDigest() {
        return !digest.isEmpty();
    }

    /**
     * The parameter size as the server labels it, else as Ollama prints a count ({@code 134.52M},
     * {@code 7.6B}, {@code 8B}), or "" when the server gave neither a label nor a count.
     */
    public String parameterSize() {
        if (!parameterLabel.isEmpty()) {
            return parameterLabel; // the server's own words: an Ollama node's must come out unchanged
        }
        return parameterCount > 0 ? humanNumber(parameterCount) : "";
    }

    /** Ollama's {@code format.HumanNumber}: whole numbers bare, else one decimal for B, two for M. */
    static String humanNumber(long n) {
        if (n >= 1_000_000_000L) {
            return scaled(n, 1_000_000_000L, 1, "B");
        }
        if (n >= 1_000_000L) {
            return scaled(n, 1_000_000L, 2, "M");
        }
        if (n >= 1_000L) {
            return Math.round(n / 1_000.0) + "K";
        }
        return Long.toString(n);
    }

    private static String scaled(long n, long unit, int decimals, String suffix) {
        if (n % unit == 0) {
            return (n / unit) + suffix;
        }
        return String.format(Locale.ROOT, "%." + decimals + "f%s", (double) n / unit, suffix);
    }
}
