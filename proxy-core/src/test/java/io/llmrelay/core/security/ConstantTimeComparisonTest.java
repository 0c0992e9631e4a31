package io.llmrelay.core.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrelay.core.config.Secret;
import io.llmrelay.core.config.SecurityConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import io.llmrelay.testing.SeenSecrets;

/**
 * Keys are confirmed in constant time: every match of a client key or the admin key is decided by
 * {@link DigestEquality} on two SHA-256 digests (never by a comparison that stops at the first
 * difference), and the one equality the proxy uses is {@link java.security.MessageDigest#isEqual}. The
 * one shortcut, a connection presenting the key it presented last time ({@link RecentKey}), compares
 * the two keys character by character to the end.
 */
class ConstantTimeComparisonTest {

    /** Records every comparison, and answers as told. */
    private static final class Recording implements DigestEquality {
        final List<byte[][]> calls = new ArrayList<>();
        boolean answer = true;

        @Override
        public boolean equal(byte[] stored, byte[] presented) {
            calls.add(new byte[][] {stored.clone(), presented.clone()});
            return answer && CONSTANT_TIME.equal(stored, presented);
        }
    }

    private static SecurityConfig.Auth auth(String name, String key) {
        return new SecurityConfig.Auth(List.of(new SecurityConfig.ClientKey(name, KeyDigest.of(key), List.of("*"),
                SecurityConfig.KeyLimits.OFF, "test")), null, "TEST_KEYS");
    }

    @Test
    void aClientKeyIsConfirmedByTheEqualityOnDigestsAndItsAnswerDecides() {
        Recording equality = new Recording();
        ApiKeys keys = ApiKeys.of(auth("alice", "alice-key"), equality);

        assertThat(keys.find("alice-key").name()).isEqualTo("alice");
        assertThat(equality.calls).hasSize(1);
        byte[][] call = equality.calls.get(0);
        assertThat(call[0]).hasSize(32).isEqualTo(KeyDigest.sha256("alice-key"));
        assertThat(call[1]).hasSize(32).isEqualTo(KeyDigest.sha256("alice-key"));
        assertThat(new String(call[1], StandardCharsets.ISO_8859_1)).doesNotContain("alice-key");

        // the map lookup alone never accepts: when the confirmation says no, the key is refused
        equality.answer = false;
        assertThat(keys.find("alice-key")).isNull();
        assertThat(equality.calls).hasSize(2);
    }

    @Test
    void aConnectionsRecentKeyIsHashedOnceAndAnyOtherKeyIsLookedUpAgain() {
        Recording equality = new Recording();
        ApiKeys keys = ApiKeys.of(auth("alice", "alice-key"), equality);
        RecentKey recent = new RecentKey();

        assertThat(recent.find(keys, "alice-key").name()).isEqualTo("alice");
        assertThat(recent.find(keys, "alice-key").name()).isEqualTo("alice");
        assertThat(equality.calls).hasSize(1); // the second request on the connection was not hashed again

        // another key of the same length, differing in the first or the last character, is no match
        assertThat(recent.find(keys, "blice-key")).isNull();
        assertThat(recent.find(keys, "alice-kez")).isNull();
        assertThat(recent.find(keys, "alice-key2")).isNull();
        // a guess is never remembered: the next request with the real key still matches it
        assertThat(recent.find(keys, "alice-key").name()).isEqualTo("alice");

        // a reload is a new set of keys: what the old one found is not reused
        ApiKeys reloaded = ApiKeys.of(auth("bob", "bob-key"), equality);
        assertThat(recent.find(reloaded, "alice-key")).isNull();
        assertThat(recent.find(reloaded, "bob-key").name()).isEqualTo("bob");

        assertThat(RecentKey.sameKey("abc", "abc")).isTrue();
        assertThat(RecentKey.sameKey("abc", "abd")).isFalse();
        assertThat(RecentKey.sameKey("abc", null)).isFalse();
    }

    @Test
    void theAdminKeyIsComparedTheSameWay() {
        Recording equality = new Recording();
        AdminKey admin = AdminKey.of(Secret.of(SeenSecrets.key("adm-secret"), "env ADMIN_KEY"), equality);
        assertThat(admin.matches("adm-secret")).isTrue();
        assertThat(admin.matches("adm-secreT")).isFalse();
        assertThat(admin.matches("a")).isFalse(); // a short guess is compared digest to digest, 32 bytes each
        assertThat(equality.calls).hasSize(3).allSatisfy(c -> {
            assertThat(c[0]).hasSize(32);
            assertThat(c[1]).hasSize(32);
        });
        equality.answer = false;
        assertThat(admin.matches("adm-secret")).isFalse();
        assertThat(admin.toString()).isEqualTo("AdminKey[env ADMIN_KEY]");
    }

    @Test
    void theEqualityInUseIsMessageDigestIsEqual() throws IOException {
        // behaviour first: equal digests, and digests that differ in the first or the last byte
        byte[] a = KeyDigest.sha256("x");
        byte[] first = a.clone();
        first[0] ^= 1;
        byte[] last = a.clone();
        last[31] ^= 1;
        assertThat(DigestEquality.CONSTANT_TIME.equal(a, a.clone())).isTrue();
        assertThat(DigestEquality.CONSTANT_TIME.equal(a, first)).isFalse();
        assertThat(DigestEquality.CONSTANT_TIME.equal(a, last)).isFalse();
        // then what it is: the compiled interface refers to MessageDigest.isEqual (a method reference,
        // not a loop that returns at the first difference)
        assertThat(methodsReferenced(DigestEquality.class)).contains("java/security/MessageDigest.isEqual:([B[B)Z");
        // and nothing on the key path compares arrays or keys another way
        for (Class<?> c : List.of(ApiKeys.class, AdminKey.class, KeyDigest.class, RecentKey.class)) {
            assertThat(methodsReferenced(c)).as(c.getSimpleName())
                    .doesNotContain("java/util/Arrays.equals:([B[B)Z", "java/util/Arrays.mismatch:([B[B)I");
        }
        for (Class<?> c : List.of(ApiKeys.class, AdminKey.class, RecentKey.class)) {
            assertThat(methodsReferenced(c)).as(c.getSimpleName())
                    .doesNotContain("java/lang/String.equals:(Ljava/lang/Object;)Z");
        }
    }

    /**
     * The methods a class file refers to ({@code owner.name:descriptor}), read from its constant pool:
     * every call and method reference it makes is there.
     */
    static java.util.Set<String> methodsReferenced(Class<?> c) throws IOException {
        byte[] bytes;
        try (InputStream in = c.getResourceAsStream(c.getSimpleName() + ".class")) {
            bytes = in.readAllBytes();
        }
        java.io.DataInputStream d = new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes));
        d.skipBytes(8); // magic, versions
        int count = d.readUnsignedShort();
        String[] utf8 = new String[count];
        int[][] refs = new int[count][];
        for (int i = 1; i < count; i++) {
            int tag = d.readUnsignedByte();
            switch (tag) {
                case 1 -> utf8[i] = d.readUTF();
                case 7, 8, 16, 19, 20 -> refs[i] = new int[] {tag, d.readUnsignedShort()};
                case 3, 4 -> d.skipBytes(4);
                case 5, 6 -> {
                    d.skipBytes(8);
                    i++; // takes two slots
                }
                case 9, 10, 11, 12, 17, 18 -> refs[i] = new int[] {tag, d.readUnsignedShort(), d.readUnsignedShort()};
                case 15 -> refs[i] = new int[] {tag, d.readUnsignedByte(), d.readUnsignedShort()};
                default -> throw new IOException("unknown constant pool tag " + tag);
            }
        }
        java.util.Set<String> out = new java.util.TreeSet<>();
        for (int[] r : refs) {
            if (r != null && (r[0] == 10 || r[0] == 11)) { // a method of a class or an interface
                String owner = utf8[refs[r[1]][1]];
                int[] nameAndType = refs[r[2]];
                out.add(owner + "." + utf8[nameAndType[1]] + ":" + utf8[nameAndType[2]]);
            }
        }
        return out;
    }
}
