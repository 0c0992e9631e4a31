package io.llmrelay.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrelay.core.config.SecurityConfig.KeyLimits;
import io.llmrelay.core.security.ApiKeys;
import io.llmrelay.core.security.KeyDigest;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.llmrelay.testing.SeenSecrets;

/** {@code auth:}, {@code limits:}, {@code trusted_proxies:} and {@code admin:} as users write them, and their mistakes. */
class SecuritySectionTest {

    /** sha256("alice-key") */
    private static final String ALICE_SHA = KeyDigestHex.of("alice-key");

    @TempDir
    Path dir;

    private ConfigFile load(String yaml, Map<String, String> env) throws IOException {
        return ConfigFile.load(write("relay.yaml", yaml), env);
    }

    private Path write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }

    private List<String> problems(String yaml, Map<String, String> env) throws IOException {
        try {
            load(yaml, env);
        } catch (ConfigException e) {
            return e.problems().stream().map(p -> Path.of(p.file()).getFileName() + ":" + p.line() + ": " + p.path()
                    + ": " + p.message()).toList();
        }
        throw new AssertionError("expected the file to be refused:\n" + yaml);
    }

    @Test
    void withoutTheSectionsNothingIsRequiredOrLimited() throws IOException {
        SecurityConfig s = load("backends: []\n", Map.of()).security();
        assertThat(s).isEqualTo(SecurityConfig.none());
        assertThat(s.auth().required()).isFalse();
        assertThat(List.of(s.limits().global().off(), s.limits().perIp().off(), s.limits().perKey().off()))
                .containsOnly(true);
    }

    /** off() is equals(OFF) without the record's equals; any one field set turns a limit on. */
    @Test
    void aLimitIsOffOnlyWithEveryFieldZero() {
        assertThat(SecurityConfig.RateLimit.OFF.off()).isTrue();
        assertThat(List.of(new SecurityConfig.RateLimit(1, 0, 0), new SecurityConfig.RateLimit(0, 1, 0),
                new SecurityConfig.RateLimit(0, 0, 1))).noneMatch(SecurityConfig.RateLimit::off);
        assertThat(KeyLimits.OFF.off()).isTrue();
        assertThat(List.of(new KeyLimits(1, 0, 0, 0), new KeyLimits(0, 1, 0, 0), new KeyLimits(0, 0, 1, 0),
                new KeyLimits(0, 0, 0, 1))).noneMatch(KeyLimits::off);
    }

    @Test
    void keyLimitsAreEqualWhenEveryFieldIs() {
        KeyLimits k = new KeyLimits(1, 2, 3, 4);
        assertThat(k).isEqualTo(new KeyLimits(1, 2, 3, 4)).hasSameHashCodeAs(new KeyLimits(1, 2, 3, 4));
        assertThat(List.of(new KeyLimits(9, 2, 3, 4), new KeyLimits(1, 9, 3, 4), new KeyLimits(1, 2, 9, 4),
                new KeyLimits(1, 2, 3, 9))).allSatisfy(other -> assertThat(other).isNotEqualTo(k));
        assertThat(k).isNotEqualTo(null).isNotEqualTo(new SecurityConfig.RateLimit(1, 2, 3));
    }

    @Test
    void keysFromAFileAndFromTheEnvironmentWithLimitsOverriddenFieldByField() throws IOException {
        write("keys.yaml", """
                # the team's keys
                - name: alice
                  key_sha256: %s
                  models: ["qwen3*", "!qwen3:235b"]
                  limits: {rps: 5, tokens_per_minute: 20000}
                - name: ci
                  key_env: CI_KEY
                """.formatted(ALICE_SHA));
        SecurityConfig s = load("""
                auth:
                  keys_file: keys.yaml
                  keys_env: RELAY_API_KEYS
                limits:
                  global: {rps: 1000, burst: 2000}
                  per_ip: {concurrent: 20}
                  per_key: {rps: 10, burst: 20, concurrent: 4, tokens_per_minute: 100000}
                  redis: redis://127.0.0.1:6379
                  redis_down: closed
                trusted_proxies: [10.0.0.0/8, "::1"]
                admin:
                  port: 9100
                  key_env: ADMIN_KEY
                """, Map.of("CI_KEY", SeenSecrets.key("ci-key"), "RELAY_API_KEYS", SeenSecrets.keyPairs("bob=bob-key, carol=carol-key"), "ADMIN_KEY", SeenSecrets.key("adm")))
                .security();
        assertThat(s.auth().required()).isTrue();
        assertThat(s.auth().keys()).extracting(SecurityConfig.ClientKey::name)
                .containsExactly("alice", "ci", "bob", "carol");
        assertThat(s.auth().keys().get(0).limits()).isEqualTo(new KeyLimits(5, 20, 4, 20000));
        assertThat(s.auth().keys().get(0).source()).isEqualTo("keys.yaml:2");
        assertThat(s.auth().keys().get(2).limits()).isEqualTo(new KeyLimits(10, 20, 4, 100000));
        assertThat(s.auth().keys().get(2).source()).isEqualTo("env RELAY_API_KEYS");
        assertThat(s.limits().global()).isEqualTo(new SecurityConfig.RateLimit(1000, 2000, 0));
        assertThat(s.limits().perIp()).isEqualTo(new SecurityConfig.RateLimit(0, 0, 20));
        assertThat(s.limits().redis()).hasToString("redis://127.0.0.1:6379");
        assertThat(s.limits().redisDown()).isEqualTo(SecurityConfig.RedisDown.CLOSED);
        assertThat(s.trustedProxies()).hasSize(2);
        assertThat(s.admin().port()).isEqualTo(9100);
        assertThat(s.admin().key().reveal()).isEqualTo("adm");
        assertThat(s.toString()).doesNotContain("alice-key").doesNotContain("ci-key").doesNotContain("bob-key")
                .doesNotContain("adm\"").doesNotContain(ALICE_SHA);

        ApiKeys keys = ApiKeys.of(s.auth());
        ApiKeys.ApiKey alice = keys.find("alice-key");
        assertThat(alice.name()).isEqualTo("alice");
        assertThat(alice.allows("qwen3:8b")).isTrue();
        assertThat(alice.allows("qwen3:235b")).isFalse();
        assertThat(alice.allows("llama3")).isFalse();
        assertThat(keys.find("carol-key").allows("anything")).isTrue();
        assertThat(keys.find("ci-key").name()).isEqualTo("ci");
        assertThat(keys.find("alice-kez")).isNull();
        assertThat(keys.find("")).isNull();
        assertThat(keys.find(null)).isNull();
    }

    @Test
    void aPlainKeysFileHoldsOneKeyPerLine() throws IOException {
        write("keys.txt", "# one per line\nfirst-key\n\nsecond=key==\n");
        ApiKeys keys = ApiKeys.of(load("auth: {keys_file: keys.txt}\n", Map.of()).security().auth());
        assertThat(keys.find("first-key").name()).isEqualTo("line-2");
        assertThat(keys.find("second=key==").name()).isEqualTo("line-4");
    }

    @Test
    void everyMistakeIsReportedAtItsLineWithoutEchoingAKey() throws IOException {
        write("keys.yaml", """
                - name: alice
                  key_sha256: ABCDEF
                - name: "bad name"
                  key_env: UNSET_VAR
                - key_sha256: %s
                - name: alice
                  key_sha256: %s
                  key_env: X
                - name: dup
                  key_sha256: %s
                  models: []
                  limits: {rps: -1}
                """.formatted(ALICE_SHA, ALICE_SHA, ALICE_SHA));
        List<String> p = problems("""
                auth:
                  keys_file: keys.yaml
                  keys_env: PAIRS
                limits:
                  per_key: {rpm: 5}
                  redis: "http://:hunter2@redis-host"
                  redis_down: maybe
                trusted_proxies: [10.0.0.0/33, example.com]
                admin: {key_env: NOPE}
                """, Map.of("PAIRS", SeenSecrets.keyPairs("x=sk-do-not-echo,broken-no-equals")));
        assertThat(String.join("\n", p)).doesNotContain("sk-do-not-echo").doesNotContain("hunter2")
                .doesNotContain("broken-no-equals");
        assertThat(p).anySatisfy(s -> assertThat(s).startsWith("keys.yaml:2: ").contains("64 lowercase hex"))
                .anySatisfy(s -> assertThat(s).startsWith("keys.yaml:3: ").contains("a key's name must be"))
                .anySatisfy(s -> assertThat(s).startsWith("keys.yaml:4: ").contains("UNSET_VAR is not set"))
                .anySatisfy(s -> assertThat(s).startsWith("keys.yaml:5: ").contains("needs a name"))
                .anySatisfy(s -> assertThat(s).startsWith("keys.yaml:7: ").contains("not both"))
                .anySatisfy(s -> assertThat(s).startsWith("keys.yaml:11: ").contains("no model"))
                .anySatisfy(s -> assertThat(s).startsWith("keys.yaml:12: ").contains("rps"))
                .anySatisfy(s -> assertThat(s).startsWith("relay.yaml:3: auth.keys_env: ").contains("entry 2 of PAIRS"))
                .anySatisfy(s -> assertThat(s).startsWith("relay.yaml:5: limits.per_key.rpm: ").contains("did you mean 'rps'"))
                .anySatisfy(s -> assertThat(s).startsWith("relay.yaml:6: limits.redis: ").contains("'http://…@redis-host'"))
                .anySatisfy(s -> assertThat(s).startsWith("relay.yaml:7: limits.redis_down: ").contains("open or closed"))
                .anySatisfy(s -> assertThat(s).startsWith("relay.yaml:8: ").contains("prefix length"))
                .anySatisfy(s -> assertThat(s).startsWith("relay.yaml:8: ").contains("'example.com' is not an IP address"))
                .anySatisfy(s -> assertThat(s).startsWith("relay.yaml:9: admin.key_env: ").contains("NOPE is not set"));
    }

    @Test
    void aProxyMeantToNeedKeysNeverStartsOpen() throws IOException {
        assertThat(problems("auth: {keys_env: RELAY_API_KEYS}\n", Map.of()))
                .anySatisfy(s -> assertThat(s).contains("RELAY_API_KEYS is not set"));
        write("empty.txt", "# nothing yet\n");
        assertThat(problems("auth: {keys_file: empty.txt}\n", Map.of())).anySatisfy(s -> assertThat(s).contains("has no key"));
        assertThat(problems("auth: {keys_file: missing.yaml}\n", Map.of()))
                .anySatisfy(s -> assertThat(s).contains("cannot read the keys file"));
        assertThat(problems("auth: {}\n", Map.of())).anySatisfy(s -> assertThat(s).contains("keys_file or keys_env"));
    }

    @Test
    void trustedProxiesMatchTheirBlocksAndMappedAddresses() throws Exception {
        SecurityConfig s = load("trusted_proxies: [10.1.0.0/16, \"2001:db8::/32\", 127.0.0.1]\n", Map.of()).security();
        assertThat(s.trustedProxies().get(0).contains(InetAddress.getByName("10.1.200.3"))).isTrue();
        assertThat(s.trustedProxies().get(0).contains(InetAddress.getByName("10.2.0.1"))).isFalse();
        assertThat(s.trustedProxies().get(0).contains(InetAddress.getByName("::ffff:10.1.0.9"))).isTrue();
        assertThat(s.trustedProxies().get(1).contains(InetAddress.getByName("2001:db8:1::5"))).isTrue();
        assertThat(s.trustedProxies().get(1).contains(InetAddress.getByName("2001:db9::5"))).isFalse();
        assertThat(s.trustedProxies().get(2).contains(InetAddress.getByName("127.0.0.1"))).isTrue();
        assertThat(s.trustedProxies().get(2).contains(InetAddress.getByName("127.0.0.2"))).isFalse();
    }

    /** The digest a user computes with {@code printf %s "$KEY" | sha256sum}. */
    private static final class KeyDigestHex {
        static String of(String key) throws RuntimeException {
            try {
                byte[] d = java.security.MessageDigest.getInstance("SHA-256")
                        .digest(key.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                return java.util.HexFormat.of().formatHex(d);
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Test
    void aDigestIsComparedAsADigest() {
        assertThat(KeyDigest.of("alice-key")).isEqualTo(KeyDigest.ofHex(ALICE_SHA));
        assertThat(KeyDigest.of("alice-key").toString()).doesNotContain(ALICE_SHA).startsWith("sha256:");
    }
}
