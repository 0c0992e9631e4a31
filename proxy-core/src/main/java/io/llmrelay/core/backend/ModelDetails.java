package io.llmrelay.core.backend;

import java.util.Locale;

/**
 * What a server says about a model's files, for Ollama's {@code details} and {@code size}: llama.cpp
 * reports them in its model list's {@code meta}, LM Studio in its own model API. Zero or "" where
 * the server says nothing.
 *
 * @param sizeBytes the model file's size
 * @param format {@code gguf}, {@code safetensors}, {@code mlx}, ...
 * @param quantization e.g. {@code Q4_1}, {@code Q4_K_M}, {@code 4bit}
 * @param parameterCount the number of parameters
 * @param parameterLabel the server's own label for the size (LM Studio's {@code 7B}), "" when it gives a count or nothing
 */
public record ModelDetails(long sizeBytes, String format, String quantization, long parameterCount,
        String parameterLabel) {

    public static final ModelDetails UNKNOWN = new ModelDetails(0, "", "", 0, "");

    public ModelDetails {
        format = format == null ? "" : format;
        quantization = quantization == null ? "" : quantization;
        parameterLabel = parameterLabel == null ? "" : parameterLabel;
    }

    /**
     * The parameter size as Ollama prints it ({@code 134.52M}, {@code 7.6B}, {@code 8B}), or "" when
     * the server gave neither a count nor a label.
     */
    public String parameterSize() {
        if (parameterCount > 0) {
            return humanNumber(parameterCount);
        }
        return parameterLabel;
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
