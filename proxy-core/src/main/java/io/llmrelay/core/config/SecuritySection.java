package io.llmrelay.core.config;

import io.llmrelay.core.config.SecurityConfig.Admin;
import io.llmrelay.core.config.SecurityConfig.Auth;
import io.llmrelay.core.config.SecurityConfig.ClientKey;
import io.llmrelay.core.config.SecurityConfig.KeyLimits;
import io.llmrelay.core.config.SecurityConfig.Limits;
import io.llmrelay.core.config.SecurityConfig.RateLimit;
import io.llmrelay.core.config.SecurityConfig.RedisDown;
import io.llmrelay.core.security.Cidr;
import io.llmrelay.core.security.KeyDigest;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads {@code auth:}, {@code limits:}, {@code trusted_proxies:} and {@code admin:} into a
 * {@link SecurityConfig}. Keys are hashed as they are read; a key that cannot be used (its variable
 * unset, a digest that is not one, a name given twice) refuses the file: a proxy that was meant to
 * need keys never starts open.
 */
final class SecuritySection {

    static final List<String> AUTH_KEYS = List.of("keys_file", "keys_env");
    static final List<String> LIMITS_KEYS = List.of("global", "per_ip", "per_key", "redis", "redis_down", "request");
    static final List<String> REQUEST_KEYS = List.of("max_header_bytes", "max_headers", "max_uri_bytes", "max_messages",
            "max_images");
    static final List<String> RATE_KEYS = List.of("rps", "burst", "concurrent");
    static final List<String> KEY_RATE_KEYS = List.of("rps", "burst", "concurrent", "tokens_per_minute");
    static final List<String> ADMIN_KEYS = List.of("port", "key_env");
    /** what a key's name may be: it goes into log fields and metric labels as it is */
    static final Pattern KEY_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    static final int MAX_RATE = 10_000_000;
    static final int MAX_TOKENS_PER_MINUTE = 2_000_000_000;

    private SecuritySection() {}

    static SecurityConfig read(ConfigValue auth, ConfigValue limits, ConfigValue trustedProxies, ConfigValue admin,
            ConfigSource source) {
        Limits l = limits == null ? Limits.none() : limits(limits.section(LIMITS_KEYS));
        return new SecurityConfig(auth == null ? Auth.none() : auth(auth.section(AUTH_KEYS), l.perKey(), source),
                l, trustedProxies == null ? List.of() : cidrs(trustedProxies),
                admin == null ? Admin.none() : admin(admin.section(ADMIN_KEYS), source));
    }

    private static Auth auth(ConfigSection s, KeyLimits defaults, ConfigSource source) {
        List<ClientKey> keys = new ArrayList<>();
        ConfigValue fileKey = s.get("keys_file");
        String written = fileKey == null ? null : fileKey.nonBlank();
        Path file = written == null ? null : source.resolve(written);
        if (file != null) {
            keys.addAll(KeysFile.read(fileKey, file, defaults));
        }
        ConfigValue envKey = s.get("keys_env");
        String variable = envKey == null ? null : variable(envKey);
        if (variable != null) {
            keys.addAll(envKeys(envKey, variable, defaults, source));
        }
        if (file == null && variable == null) {
            s.require("keys_file", "auth needs keys_file or keys_env (or leave auth out: no key needed)");
        }
        refuseDuplicates(keys, fileKey != null ? fileKey : envKey);
        return new Auth(keys, file, variable);
    }

    private static String variable(ConfigValue v) {
        String variable = v.nonBlank();
        if (variable != null && !Interpolation.VARIABLE_NAME.matcher(variable).matches()) {
            v.problem("must name an environment variable (letters, digits and _), e.g. RELAY_API_KEYS; the keys "
                    + "themselves go in that variable, never in the file");
            return null;
        }
        return variable;
    }

    /** {@code name=key,name=key}: every model, the {@code per_key} defaults. */
    private static List<ClientKey> envKeys(ConfigValue v, String variable, KeyLimits defaults, ConfigSource source) {
        String value = source.env.get(variable);
        if (value == null || value.isBlank()) {
            v.problem("environment variable " + variable + " is not set; it must hold name=key pairs separated "
                    + "by commas (a proxy meant to need keys does not start without them)");
            return List.of();
        }
        List<ClientKey> keys = new ArrayList<>();
        String[] pairs = value.split(",");
        for (int i = 0; i < pairs.length; i++) {
            String pair = pairs[i].strip();
            int eq = pair.indexOf('=');
            String name = eq < 0 ? "" : pair.substring(0, eq).strip();
            String key = eq < 0 ? "" : pair.substring(eq + 1).strip();
            // the pair is never echoed: it holds a key
            if (eq < 0 || key.isEmpty()) {
                v.problem("entry " + (i + 1) + " of " + variable + " is not name=key");
            } else if (!KEY_NAME.matcher(name).matches()) {
                v.problem("entry " + (i + 1) + " of " + variable + ": " + nameProblem(name));
            } else {
                keys.add(new ClientKey(name, KeyDigest.of(key), List.of("*"), defaults, "env " + variable));
            }
        }
        return keys;
    }

    static String nameProblem(String name) {
        return "a key's name must be 1 to 64 letters, digits, '.', '_' or '-' (it appears in logs and metric "
                + "labels), not '" + (name.length() > 64 ? name.substring(0, 64) + "…" : name) + "'";
    }

    private static void refuseDuplicates(List<ClientKey> keys, ConfigValue at) {
        Map<String, ClientKey> names = new HashMap<>();
        Map<KeyDigest, ClientKey> digests = new HashMap<>();
        for (ClientKey k : keys) {
            ClientKey before = names.putIfAbsent(k.name(), k);
            if (before != null) {
                at.problem("two keys are named '" + k.name() + "' (" + before.source() + ", " + k.source() + ")");
            }
            before = digests.putIfAbsent(k.digest(), k);
            if (before != null) {
                at.problem("keys '" + before.name() + "' and '" + k.name() + "' are the same key");
            }
        }
    }

    private static Limits limits(ConfigSection s) {
        return new Limits(rate(s.get("global")), rate(s.get("per_ip")), keyLimits(s.get("per_key"), KeyLimits.OFF),
                redis(s.get("redis")), redisDown(s.get("redis_down")), request(s.get("request")));
    }

    private static SecurityConfig.RequestLimits request(ConfigValue v) {
        SecurityConfig.RequestLimits d = SecurityConfig.RequestLimits.defaults();
        if (v == null) {
            return d;
        }
        ConfigSection s = v.section(REQUEST_KEYS);
        return new SecurityConfig.RequestLimits(size(s.get("max_header_bytes"), 1024, d.maxHeaderBytes()),
                s.integer("max_headers", 1, 10_000, d.maxHeaders()),
                size(s.get("max_uri_bytes"), 256, d.maxUriBytes()),
                s.integer("max_messages", 1, 10_000_000, d.maxMessages()),
                s.integer("max_images", 0, 1_000_000, d.maxImages()));
    }

    /** A size such as {@code 32KiB}, at least {@code min} (a proxy must read a normal request), at most 16 MiB. */
    private static int size(ConfigValue v, int min, int fallback) {
        return v == null ? fallback : (int) v.size(min, 16 * 1024 * 1024, fallback);
    }

    private static RateLimit rate(ConfigValue v) {
        if (v == null) {
            return RateLimit.OFF;
        }
        ConfigSection s = v.section(RATE_KEYS);
        return new RateLimit(s.integer("rps", 0, MAX_RATE, 0), s.integer("burst", 0, MAX_RATE, 0),
                s.integer("concurrent", 0, MAX_RATE, 0));
    }

    /** A key's limits: each field given overrides {@code defaults}' (a file's own key limits, or {@code per_key}). */
    static KeyLimits keyLimits(ConfigValue v, KeyLimits defaults) {
        if (v == null) {
            return defaults;
        }
        ConfigSection s = v.section(KEY_RATE_KEYS);
        return new KeyLimits(s.integer("rps", 0, MAX_RATE, defaults.rps()),
                s.integer("burst", 0, MAX_RATE, defaults.burst()),
                s.integer("concurrent", 0, MAX_RATE, defaults.concurrent()),
                s.integer("tokens_per_minute", 0, MAX_TOKENS_PER_MINUTE, defaults.tokensPerMinute()));
    }

    private static URI redis(ConfigValue v) {
        String text = v == null ? null : v.optional();
        if (text == null || text.equals("null")) {
            return null;
        }
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme();
            if (!"redis".equals(scheme) && !"rediss".equals(scheme) || uri.getHost() == null) {
                v.problem("must be redis://host:port (or rediss:// for TLS), not '" + withoutCredentials(text) + "'");
                return null;
            }
            return uri;
        } catch (URISyntaxException e) {
            v.problem("must be redis://host:port, not '" + withoutCredentials(text) + "'");
            return null;
        }
    }

    /** A URL as a message may show it: a password in it ({@code redis://:secret@host}) is cut out. */
    private static String withoutCredentials(String url) {
        int at = url.indexOf('@');
        int scheme = url.indexOf("://");
        return at < 0 ? url : (scheme >= 0 && scheme < at ? url.substring(0, scheme + 3) : "") + "…@" + url.substring(at + 1);
    }

    private static RedisDown redisDown(ConfigValue v) {
        String text = v == null ? null : v.nonBlank();
        if (text == null) {
            return RedisDown.OPEN;
        }
        for (RedisDown d : RedisDown.values()) {
            if (d.id().equals(text)) {
                return d;
            }
        }
        v.problem("must be open or closed, not '" + text + "'");
        return RedisDown.OPEN;
    }

    private static List<Cidr> cidrs(ConfigValue v) {
        List<Cidr> out = new ArrayList<>();
        for (ConfigValue item : v.items()) {
            String text = item.nonBlank();
            if (text == null) {
                continue;
            }
            try {
                out.add(Cidr.parse(text));
            } catch (IllegalArgumentException e) {
                item.problem(e.getMessage());
            }
        }
        return out;
    }

    private static Admin admin(ConfigSection s, ConfigSource source) {
        int port = s.integer("port", 0, 65535, 0);
        ConfigValue keyEnv = s.get("key_env");
        String variable = keyEnv == null ? null : variable(keyEnv);
        Secret key = null;
        if (variable != null) {
            String value = source.env.get(variable);
            if (value == null || value.isBlank()) {
                keyEnv.problem("environment variable " + variable + " is not set; admin routes would be left "
                        + "without their key");
            } else {
                key = Secret.of(value.strip(), "env " + variable);
            }
        }
        return new Admin(port, key);
    }
}
