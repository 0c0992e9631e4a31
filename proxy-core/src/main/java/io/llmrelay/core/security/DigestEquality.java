package io.llmrelay.core.security;

import java.security.MessageDigest;

/**
 * How a presented key's digest is confirmed against a stored one. {@link #CONSTANT_TIME} is the only
 * one the proxy uses: {@link MessageDigest#isEqual} looks at every byte whatever the first
 * difference, so the time a refusal takes says nothing about how close a guess was. A seam, so a test
 * can see that every match is confirmed through it, on digests, never on keys.
 */
@FunctionalInterface
interface DigestEquality {

    DigestEquality CONSTANT_TIME = MessageDigest::isEqual;

    boolean equal(byte[] stored, byte[] presented);
}
