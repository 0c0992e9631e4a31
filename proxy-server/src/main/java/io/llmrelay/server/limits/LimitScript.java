package io.llmrelay.server.limits;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One of the Lua scripts beside this class (resources), with the SHA-1 digest {@code EVALSHA} names it
 * by. Redis keeps loaded scripts until it restarts; {@link RedisLink} falls back to {@code EVAL}
 * (which loads it again) on {@code NOSCRIPT}.
 */
final class LimitScript {

    /** One check of every limit that applies: {@code check.lua}. */
    static final LimitScript CHECK = load("check.lua");
    /** An answer's tokens charged to its key: {@code charge.lua}. */
    static final LimitScript CHARGE = load("charge.lua");
    /** A request's leases given back: {@code release.lua}. */
    static final LimitScript RELEASE = load("release.lua");
    /** Leases of requests still being answered renewed: {@code renew.lua}. */
    static final LimitScript RENEW = load("renew.lua");

    final String name;
    final String source;
    final String sha1;

    private LimitScript(String name, String source) {
        this.name = name;
        this.source = source;
        this.sha1 = sha1(source);
    }

    private static LimitScript load(String name) {
        try (InputStream in = LimitScript.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("script " + name + " is missing from the jar");
            }
            return new LimitScript(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha1(String source) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
