package io.llmrelay.core.registry;

import io.llmrelay.core.api.ModelNames;
import java.util.Locale;

/**
 * The one key a model name is known by, as Ollama resolves names: case does not matter and a name
 * without a tag is the same as its {@code :latest} form ({@link ModelNames#matches}).
 */
final class ModelKeys {

    private ModelKeys() {}

    static String of(String name) {
        return ModelNames.ollamaName(name).toLowerCase(Locale.ROOT);
    }
}
