package io.llmrelay.core.balance;

/**
 * A fast, seedable 64-bit hash of text and a 64-bit finaliser. Keys pin conversations to backends, so
 * the hash needs good spread and speed, not resistance to attack: a collision only makes two
 * conversations share a backend. It is deterministic across processes, so every relay in front of
 * the same backends pins a conversation to the same one.
 */
final class Hash64 {

    private static final long P1 = 0x9E3779B97F4A7C15L;
    private static final long P2 = 0xC2B2AE3D27D4EB4FL;

    private Hash64() {}

    /**
     * Hashes the UTF-16 units of {@code text} four at a time (one multiply per 8 bytes), then
     * finalises. The length is mixed in, so {@code "a"} and {@code "a\0"} differ.
     */
    static long chars(CharSequence text, long seed) {
        int length = text.length();
        long h = seed ^ (length * P1);
        int i = 0;
        for (; i + 4 <= length; i += 4) {
            long block = text.charAt(i) | (long) text.charAt(i + 1) << 16 | (long) text.charAt(i + 2) << 32
                    | (long) text.charAt(i + 3) << 48;
            h = Long.rotateLeft(h ^ block * P2, 29) * P1;
        }
        long tail = 0;
        for (int shift = 0; i < length; i++, shift += 16) {
            tail |= (long) text.charAt(i) << shift;
        }
        return mix(h ^ tail * P2);
    }

    /** MurmurHash3's 64-bit finaliser: every input bit affects every output bit. */
    static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        h *= 0xC4CEB9FE1A85EC53L;
        h ^= h >>> 33;
        return h;
    }
}
