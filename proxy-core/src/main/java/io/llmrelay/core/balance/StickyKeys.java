package io.llmrelay.core.balance;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrelay.core.translate.ChatMessage;
import java.util.List;

/**
 * The keys {@link BackendGroup#select} pins a conversation by: {@code sticky: header} hashes the
 * {@code X-Session-ID} header, {@code sticky: prefix} the start of the conversation (the system
 * prompt and the first user message, which every later turn repeats), so the backend that holds the
 * conversation's KV cache gets its next turn. Keys are 64-bit hashes, the same in every process;
 * {@link #NONE} (0) means "no key".
 */
public final class StickyKeys {

    /** No key: the strategy chooses. */
    public static final long NONE = 0;

    private static final long HEADER_SEED = 0x5E5510A1D0000001L;
    private static final long SYSTEM_SEED = 0x5157E30000000002L;
    private static final long USER_SEED = 0x05E20000000003L;

    private StickyKeys() {}

    /** The key of an {@code X-Session-ID} value; {@link #NONE} when absent or blank. */
    public static long header(String sessionId) {
        if (sessionId == null || sessionId.isBlank()) {
            return NONE;
        }
        return nonZero(Hash64.chars(sessionId, HEADER_SEED));
    }

    /**
     * The key of a chat: the system messages before the first user message, and that user message's
     * text (images are left out: hashing megabytes of base64 per request would cost more than it
     * pins). {@link #NONE} when the chat has neither.
     */
    public static long prefix(List<ChatMessage> messages) {
        long h = 0;
        boolean any = false;
        for (ChatMessage m : messages) {
            if ("system".equals(m.role())) {
                h = text(m, h ^ SYSTEM_SEED);
                any = true;
            } else if ("user".equals(m.role())) {
                return nonZero(text(m, h ^ USER_SEED));
            }
        }
        return any ? nonZero(h) : NONE;
    }

    /**
     * The key of a prompt with its system prompt (as {@code /api/generate} sends them); the same as
     * {@link #prefix(List)} for a chat of those two messages. {@link #NONE} when both are absent.
     */
    public static long prefix(String system, String firstUserMessage) {
        boolean hasSystem = system != null && !system.isEmpty();
        if (!hasSystem && firstUserMessage == null) {
            return NONE;
        }
        long h = hasSystem ? Hash64.chars(system, SYSTEM_SEED) : 0;
        return firstUserMessage == null ? nonZero(h) : nonZero(Hash64.chars(firstUserMessage, h ^ USER_SEED));
    }

    /** A message's text: its content, then the text of its content parts. */
    private static long text(ChatMessage m, long seed) {
        long h = Hash64.chars(m.content() == null ? "" : m.content(), seed);
        if (m.contentParts() != null) {
            for (JsonNode part : m.contentParts()) {
                JsonNode text = part.get("text");
                if (text != null && text.isTextual()) {
                    h = Hash64.chars(text.textValue(), h);
                }
            }
        }
        return h;
    }

    private static long nonZero(long h) {
        return h == 0 ? 1 : h;
    }
}
