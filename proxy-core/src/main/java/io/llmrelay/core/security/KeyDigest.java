package io.llmrelay.core.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The SHA-256 of an API key's UTF-8 bytes: the only form in which the proxy keeps a client key after
 * loading it. Keys files may give the digest itself ({@code key_sha256}, lowercase hex), so the key
 * never has to be written anywhere the proxy reads. Immutable; {@link #toString()} shows a short
 * prefix of the digest only.
 */
public final class KeyDigest {

    private static final HexFormat HEX = HexFormat.of();
    private static final int BYTES = 32;

    private final byte[] digest;

    private KeyDigest(byte[] digest) {
        this.digest = digest;
    }

    /** The digest of {@code key}. */
    public static KeyDigest of(String key) {
        return new KeyDigest(sha256(key));
    }

    /**
     * A digest written as 64 lowercase hex digits.
     *
     * @throws IllegalArgumentException when it is not
     */
    public static KeyDigest ofHex(String hex) {
        if (hex.length() != 2 * BYTES || !hex.equals(hex.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("key_sha256 must be 64 lowercase hex digits (the SHA-256 of the key's "
                    + "UTF-8 bytes, e.g. from: printf %s \"$KEY\" | sha256sum)");
        }
        try {
            return new KeyDigest(HEX.parseHex(hex));
        } catch (IllegalArgumentException e) {
            // not echoed: a digest of a guessable key is as good as the key
            throw new IllegalArgumentException("key_sha256 must be 64 lowercase hex digits (0-9, a-f)");
        }
    }

    /** A digest already computed, for a lookup. */
    static KeyDigest wrap(byte[] digest) {
        return new KeyDigest(digest);
    }

    /** One per thread: looking the algorithm up among the providers costs more than hashing a key. */
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    });

    static byte[] sha256(String key) {
        return SHA256.get().digest(key.getBytes(StandardCharsets.UTF_8)); // digest() resets it for the next key
    }

    /** Compares in constant time: how long it takes says nothing about how much of the digest matched. */
    boolean matches(byte[] other) {
        return matches(other, DigestEquality.CONSTANT_TIME);
    }

    /** Compares with {@code equality} (the stored digest first). */
    boolean matches(byte[] other, DigestEquality equality) {
        return equality.equal(digest, other);
    }

    /** The digest as a map key (its hex): the lookup happens on the digest, never on the key itself. */
    String hex() {
        return HEX.formatHex(digest);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeyDigest d && MessageDigest.isEqual(digest, d.digest);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(digest);
    }

    @Override
    public String toString() {
        return "sha256:" + hex().substring(0, 8) + "…";
    }
}
