package io.llmrelay.core.config;

import java.util.Locale;
import java.util.Set;

/**
 * Which configured request headers carry credentials ({@code Authorization}, {@code X-Api-Key},
 * {@code X-Auth-Token}...): the config file takes their values only from the environment, and what
 * prints a configuration shows that they are set but not their values.
 */
public final class SensitiveHeaders {

    /** What a redacted value is shown as. */
    public static final String REDACTED = "(redacted)";

    /** Words of a header name ({@code X-Api-Key} → x, api, key) that mark a credential. */
    private static final Set<String> SENSITIVE_WORDS = Set.of("authorization", "auth", "key", "apikey", "token",
            "secret", "password", "passwd", "cookie", "credential", "credentials", "signature", "session");

    private SensitiveHeaders() {}

    /** True when a header of this name may carry a credential. */
    public static boolean isSensitive(String name) {
        for (String word : name.toLowerCase(Locale.ROOT).split("[-_.]")) {
            if (SENSITIVE_WORDS.contains(word)) {
                return true;
            }
        }
        return false;
    }

    /** The value as it may be shown: itself, or {@link #REDACTED} for a sensitive header. */
    public static String displayValue(String name, String value) {
        return isSensitive(name) ? REDACTED : value;
    }
}
