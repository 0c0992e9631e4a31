package io.llmrelay.core.security;

import io.llmrelay.core.config.SecurityConfig;
import io.llmrelay.core.config.SecurityConfig.ClientKey;
import io.llmrelay.core.registry.NameFilter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The client keys a running proxy accepts, by digest. A presented key is hashed (SHA-256) and looked
 * up by its digest; the match is confirmed by a constant-time comparison, so neither the lookup nor
 * the comparison times anything an attacker chose byte by byte (they choose the key, not its digest).
 * Immutable and thread-safe.
 */
public final class ApiKeys {

    /** One accepted key as requests see it: its name, the models it may use, its limits. */
    public static final class ApiKey {
        private final ClientKey config;
        private final NameFilter models;

        ApiKey(ClientKey config) {
            this.config = config;
            this.models = config.models().contains("*") ? NameFilter.ALL : NameFilter.of(config.models());
        }

        /** What logs, metrics and {@code /internal/status} show: never the key. */
        public String name() {
            return config.name();
        }

        /** True when the key may use {@code model} (as clients name it, or as the catalogue lists it). */
        public boolean allows(String model) {
            return models.keeps(model);
        }

        /** True when the key may use every model. */
        public boolean allowsAll() {
            return models.keepsAll();
        }

        public SecurityConfig.KeyLimits limits() {
            return config.limits();
        }

        public ClientKey config() {
            return config;
        }

        @Override
        public String toString() {
            return "ApiKey[" + config.name() + "]";
        }
    }

    /** No keys: requests need none. */
    public static final ApiKeys NONE = new ApiKeys(List.of(), false, DigestEquality.CONSTANT_TIME);

    private final Map<KeyDigest, ApiKey> byDigest = new HashMap<>();
    private final boolean required;
    private final DigestEquality equality;

    private ApiKeys(List<ClientKey> keys, boolean required, DigestEquality equality) {
        for (ClientKey k : keys) {
            byDigest.put(k.digest(), new ApiKey(k));
        }
        this.required = required;
        this.equality = equality;
    }

    public static ApiKeys of(SecurityConfig.Auth auth) {
        return of(auth, DigestEquality.CONSTANT_TIME);
    }

    /** With another confirmation, for the test that proves every match goes through one. */
    static ApiKeys of(SecurityConfig.Auth auth, DigestEquality equality) {
        return auth.required() ? new ApiKeys(auth.keys(), true, equality) : NONE;
    }

    /** True when requests need a key. */
    public boolean required() {
        return required;
    }

    /** The key {@code presented} is, or null when it is none of them. */
    public ApiKey find(String presented) {
        if (presented == null || presented.isEmpty()) {
            return null;
        }
        byte[] digest = KeyDigest.sha256(presented);
        ApiKey candidate = byDigest.get(KeyDigest.wrap(digest));
        return candidate != null && candidate.config.digest().matches(digest, equality) ? candidate : null;
    }

    /** The accepted keys, for {@code /internal/status} (names and limits only). */
    public List<ApiKey> all() {
        return byDigest.values().stream().sorted(java.util.Comparator.comparing(ApiKey::name)).toList();
    }

    /** How many keys are accepted. */
    public int size() {
        return byDigest.size();
    }
}
