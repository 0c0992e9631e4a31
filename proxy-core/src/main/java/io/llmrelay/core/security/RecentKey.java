package io.llmrelay.core.security;

/**
 * The last key one connection presented, and the key it was found to be. A client sends the same key
 * with every request on a connection, and hashing it each time was most of what checking it cost.
 *
 * <p>The comparison with the remembered key takes the same time whatever the first difference, like
 * the digest's (a shared gateway's connection may carry several clients' keys one after another).
 * Only a key that was found is remembered, so a guess is always hashed and looked up. A reload builds
 * new {@link ApiKeys}, and what was found in the old set is never reused.
 *
 * <p>One per connection, used on its event loop; not thread-safe.
 */
public final class RecentKey {

    private ApiKeys keys;
    private String presented;
    private ApiKeys.ApiKey found;

    /** {@link ApiKeys#find}, without hashing a key this connection presented last time. */
    public ApiKeys.ApiKey find(ApiKeys keys, String presented) {
        if (keys == this.keys && presented != null && sameKey(presented, this.presented)) {
            return found;
        }
        ApiKeys.ApiKey key = keys.find(presented);
        if (key != null) {
            this.keys = keys;
            this.presented = presented;
            this.found = key;
        }
        return key;
    }

    /** Every character compared, whatever the first difference: the time says nothing but the length. */
    static boolean sameKey(String a, String b) {
        if (b == null || a.length() != b.length()) {
            return false;
        }
        int difference = 0;
        for (int i = 0; i < a.length(); i++) {
            difference |= a.charAt(i) ^ b.charAt(i);
        }
        return difference == 0;
    }
}
