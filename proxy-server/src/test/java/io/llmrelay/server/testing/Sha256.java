package io.llmrelay.server.testing;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** A key's {@code key_sha256}, as a keys file writes it: the lowercase hex SHA-256 of its UTF-8 bytes. */
public final class Sha256 {

    private Sha256() {}

    public static String hex(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
