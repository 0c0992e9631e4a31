package io.llmrelay.core.config;

import java.util.Locale;
import java.util.Set;

/**
 * Keys a user might write a credential under. A key is never written in the config file (files are
 * shared, committed, printed): such a key is refused with a message that says where a key goes.
 */
final class SecretKeys {

    private static final Set<String> KEY_LIKE = Set.of("apikey", "key", "token", "secret", "password", "bearer",
            "auth", "authorization", "accesstoken", "authtoken", "secretkey", "openaiapikey");

    private SecretKeys() {}

    /** The message for a key-looking key, or null when {@code key} does not look like one. */
    static String hint(String key) {
        String k = key.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
        if (!KEY_LIKE.contains(k)) {
            return null;
        }
        return "unknown key: an API key is never written in the config file; put it in an environment variable "
                + "and name that variable with api_key_env (e.g. api_key_env: VLLM_KEY)";
    }
}
