package io.llmrelay.core.backend;

/**
 * What a server says about its models beyond its OpenAI model list (llama.cpp's {@code /props}, LM
 * Studio's model API). It completes the list's entries; name-based guesses are the last resort.
 */
public interface ServerFacts {

    /** Facts that add nothing. */
    ServerFacts NONE = model -> model;

    /** {@code model} with what this server says about it. */
    ModelInfo applyTo(ModelInfo model);
}
