package io.llmrelay.testing;

import io.llmrelay.core.config.BackendConfig;
import io.llmrelay.core.config.RelayConfig;
import io.llmrelay.core.config.Secret;
import io.llmrelay.core.config.SecurityConfig;
import io.llmrelay.core.config.SensitiveHeaders;
import io.llmrelay.core.security.ApiKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every secret the test suite configures or sends, kept for the scan of the suite's output that proves
 * none of them is ever logged ({@link SecretsScan}; docs/SECURITY.md#secrets): backend keys, admin keys,
 * client keys (from {@code Secret}s, keys files and variables), and every credential header value a test
 * client sends. The test helpers record what passes through them (RelayHarness: its configuration and
 * every request of its client; RawHttp: every request it sends); tests that configure secrets otherwise
 * record them with {@link #key} (as in {@code Secret.of(SeenSecrets.key("..."), source)}) and
 * {@link #keyPairs}.
 *
 * <p>Each one is appended as it is recorded to {@code target/secrets-seen/secrets-<pid>.txt} of the
 * module under test (a line: label and secret, each Base64), so a JVM that dies still leaves them.
 */
public final class SeenSecrets {

    /** Where the records of the module under test go (a test JVM runs in the module's folder). */
    public static final Path DIR = Path.of("target", "secrets-seen");
    static final String SECRETS_PREFIX = "secrets-";
    static final String CANARIES_PREFIX = "canaries-";

    private static final Set<String> RECORDED = ConcurrentHashMap.newKeySet();
    private static final long PID = ProcessHandle.current().pid();

    private SeenSecrets() {}

    /** Records {@code value} as a configured key and returns it (for use where the key is written). */
    public static String key(String value) {
        record("configured in a test", value);
        return value;
    }

    /** A {@code keys_env} value ({@code name=key,name=key}): each key recorded; the value returned. */
    public static String keyPairs(String pairs) {
        for (String pair : pairs.split(",")) {
            int eq = pair.indexOf('=');
            record("keys_env pair", (eq < 0 ? pair : pair.substring(eq + 1)).strip());
        }
        return pairs;
    }

    /** A request header a test client sends: recorded when it may carry a credential. */
    public static void header(String name, String value) {
        if (name == null || value == null || !SensitiveHeaders.isSensitive(name.trim())) {
            return;
        }
        String header = name.trim();
        String v = value.strip();
        int space = v.indexOf(' ');
        if (header.toLowerCase(java.util.Locale.ROOT).endsWith("authorization") && space > 0) {
            record("header " + header, v.substring(space + 1).strip()); // "<scheme> <credential>": the credential
        } else if (!header.toLowerCase(java.util.Locale.ROOT).endsWith("authorization") || space > 0) {
            record("header " + header, v); // (a lone scheme word, "Bearer", is no secret)
        }
    }

    /** The head of a raw HTTP request a test sends (up to its first empty line): its credential headers recorded. */
    public static void requestHead(byte[] request) {
        String text = new String(request, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        String[] lines = (end < 0 ? text : text.substring(0, end)).split("\r\n");
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                header(lines[i].substring(0, colon), lines[i].substring(colon + 1));
            }
        }
    }

    /**
     * The secrets of a configuration a running proxy is given: each backend's key and sensitive headers,
     * the admin key, and the client keys among the values of {@code env} (a client key is kept only as
     * its digest, so the candidates are the variables' values, and their {@code name=key} pairs).
     */
    public static void configuration(RelayConfig config, Map<String, String> env) {
        for (BackendConfig b : config.backends()) {
            if (b.apiKey() != null) {
                record("backend " + b.name() + " key", b.apiKey().reveal());
            }
            b.options().headers().forEach((name, value) -> {
                if (SensitiveHeaders.isSensitive(name)) {
                    record("backend " + b.name() + " header " + name, value);
                }
            });
        }
        security(config.security(), env);
    }

    /** The admin key of {@code security}, and its client keys among the values of {@code env}. */
    public static void security(SecurityConfig security, Map<String, String> env) {
        Secret admin = security.admin().key();
        if (admin != null) {
            record("admin key", admin.reveal());
        }
        ApiKeys keys = ApiKeys.of(security.auth());
        env.forEach((variable, value) -> {
            if (keys.find(value) != null || keys.find(value.strip()) != null) {
                record("client key from env " + variable, value.strip());
            }
            for (String pair : value.split(",")) {
                int eq = pair.indexOf('=');
                String key = eq < 0 ? pair.strip() : pair.substring(eq + 1).strip();
                if (!key.isEmpty() && keys.find(key) != null) {
                    record("client key from env " + variable, key);
                }
            }
        });
    }

    /**
     * A value logged on purpose to prove the scan reads the log lines of the proxy; it must be found
     * ({@link SecretsScan}), unlike a secret.
     */
    public static void canary(String value) {
        append(CANARIES_PREFIX, "canary", value);
    }

    static void record(String label, String value) {
        if (value == null || value.isEmpty() || !RECORDED.add(value)) {
            return;
        }
        append(SECRETS_PREFIX, label, value);
    }

    /** One record as the files hold it: label and value, each Base64 (so any byte may be in them), a tab between. */
    static String line(String label, String value) {
        Base64.Encoder b64 = Base64.getEncoder();
        return b64.encodeToString(label.getBytes(StandardCharsets.UTF_8)) + "\t"
                + b64.encodeToString(value.getBytes(StandardCharsets.UTF_8)) + "\n";
    }

    private static synchronized void append(String prefix, String label, String value) {
        String line = line(label, value);
        try {
            Files.createDirectories(DIR);
            Files.writeString(DIR.resolve(prefix + PID + ".txt"), line, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record a secret for the log scan", e);
        }
    }
}
