package io.llmrelay.bench.soak;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Draws a soak's requests from a seeded generator: the same seed gives the same requests in the
 * same order (which connection sends each, and when, depends on the answers). Kinds are drawn
 * evenly; chat kinds use the chat models, embedding kinds the embedding models; a share of the
 * requests is abandoned by its client at a random point.
 *
 * <p>Not thread-safe: one client loop draws from it.
 */
final class RequestMix {

    private static final String[] WORDS = {"amber", "basalt", "cedar", "delta", "ember", "fjord", "granite", "harbor",
        "iris", "juniper", "kelp", "lichen", "meadow", "nimbus", "orchid", "pebble"};
    private static final RequestKind[] KINDS = RequestKind.values();

    private final SplittableRandom random;
    private final List<String> chatModels;
    private final List<String> embeddingModels;
    private final double disconnectRate;
    private final int maxTokens;
    private long next;

    /** @param maxTokens each reply's cap in tokens; 0: the whole reply */
    RequestMix(long seed, List<String> chatModels, List<String> embeddingModels, double disconnectRate, int maxTokens) {
        if (chatModels.isEmpty() || embeddingModels.isEmpty()) {
            throw new IllegalArgumentException("the mix needs a chat model and an embedding model");
        }
        this.random = new SplittableRandom(seed);
        this.chatModels = List.copyOf(chatModels);
        this.embeddingModels = List.copyOf(embeddingModels);
        this.disconnectRate = disconnectRate;
        this.maxTokens = maxTokens;
    }

    /** The next request; {@code abandonable} false: its client reads it to the end whatever the rate says. */
    SoakRequest next(boolean abandonable) {
        RequestKind kind = KINDS[random.nextInt(KINDS.length)];
        List<String> models = kind.embedding() ? embeddingModels : chatModels;
        String model = models.get(random.nextInt(models.size()));
        long number = next++;
        String prompt = "soak request " + number + " " + WORDS[random.nextInt(WORDS.length)] + " "
                + WORDS[random.nextInt(WORDS.length)];
        SoakRequest.Disconnect disconnect = null;
        if (random.nextDouble() < disconnectRate && abandonable) {
            // mostly a few pieces into the body (mid-stream); sometimes on a timer, which may fall
            // before the head (the proxy still waiting on a backend, or between two attempts)
            disconnect = random.nextInt(4) == 0 ? SoakRequest.Disconnect.afterMillis(random.nextInt(100))
                    : SoakRequest.Disconnect.afterPieces(random.nextInt(7));
        }
        return new SoakRequest(number, kind, model, prompt, kind.embedding() ? 0 : maxTokens, disconnect);
    }

    long drawn() {
        return next;
    }
}
