package io.llmrelay.core.security;

import io.llmrelay.core.config.Secret;

/**
 * The admin routes' key ({@code admin.key_env}), kept as its SHA-256 only. A presented key is hashed
 * and the two digests compared in constant time: equal lengths whatever was presented, and every
 * byte looked at. Immutable and thread-safe; {@link #toString()} names only where the key came from.
 */
public final class AdminKey {

    private final KeyDigest digest;
    private final String source;
    private final DigestEquality equality;

    private AdminKey(KeyDigest digest, String source, DigestEquality equality) {
        this.digest = digest;
        this.source = source;
        this.equality = equality;
    }

    /** The admin key {@code secret} holds; null for none. */
    public static AdminKey of(Secret secret) {
        return of(secret, DigestEquality.CONSTANT_TIME);
    }

    static AdminKey of(Secret secret, DigestEquality equality) {
        return secret == null ? null : new AdminKey(KeyDigest.of(secret.reveal()), secret.source(), equality);
    }

    /** True when {@code presented} is the admin key. */
    public boolean matches(String presented) {
        return presented != null && !presented.isEmpty() && digest.matches(KeyDigest.sha256(presented), equality);
    }

    /** Where the key came from, e.g. {@code env ADMIN_KEY}: safe to show. */
    public String source() {
        return source;
    }

    @Override
    public String toString() {
        return "AdminKey[" + source + "]";
    }
}
