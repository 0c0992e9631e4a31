package io.llmrelay.core.translate;

import java.time.Duration;
import java.util.List;

/**
 * An Ollama {@code /api/embed} or legacy {@code /api/embeddings} request.
 *
 * @param model as sent, echoed back
 * @param inputs the texts to embed, in order; empty means "load only"
 * @param dimensions requested vector size, or null
 * @param legacy true for {@code /api/embeddings}: one vector, not normalised
 */
public record EmbedRequest(String model, List<String> inputs, Integer dimensions, Duration keepAlive, boolean legacy) {
}
