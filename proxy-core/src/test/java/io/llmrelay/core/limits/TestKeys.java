package io.llmrelay.core.limits;

import io.llmrelay.core.config.SecurityConfig.Auth;
import io.llmrelay.core.config.SecurityConfig.ClientKey;
import io.llmrelay.core.config.SecurityConfig.KeyLimits;
import io.llmrelay.core.security.ApiKeys;
import io.llmrelay.core.security.ApiKeys.ApiKey;
import io.llmrelay.core.security.KeyDigest;
import java.util.List;

/** Client keys as a running proxy would resolve them. */
final class TestKeys {

    private TestKeys() {}

    static ApiKey key(String name, KeyLimits limits) {
        ApiKeys keys = ApiKeys.of(new Auth(
                List.of(new ClientKey(name, KeyDigest.of("secret-" + name), List.of("*"), limits, "test")), null,
                "RELAY_API_KEYS"));
        return keys.find("secret-" + name);
    }
}
