package io.llmrelay.core.config;

import io.llmrelay.core.security.Cidr;
import io.llmrelay.core.security.KeyDigest;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Who may use the proxy and how much: {@code auth:} (client keys), {@code limits:} (rate limits),
 * {@code trusted_proxies:} and {@code admin:}. Read by {@link ConfigFile}; without those sections,
 * {@link #none()}: no key needed, no limit, admin routes from loopback only.
 *
 * @param trustedProxies the peers whose {@code X-Forwarded-For} names the client; empty: none
 */
public record SecurityConfig(Auth auth, Limits limits, List<Cidr> trustedProxies, Admin admin) {

    public SecurityConfig {
        trustedProxies = List.copyOf(trustedProxies);
    }

    public static SecurityConfig none() {
        return new SecurityConfig(Auth.none(), Limits.none(), List.of(), Admin.none());
    }

    /**
     * Client keys ({@code auth:}). With a {@code keys_file} or {@code keys_env}, every route but
     * {@code /}, {@code /api/version} and {@code /health*} needs one of {@link #keys()}.
     *
     * @param keysFile where the keys file was read from; null: none
     * @param keysEnv the variable {@code name=key,...} pairs were read from; null: none
     */
    public record Auth(List<ClientKey> keys, Path keysFile, String keysEnv) {

        public Auth {
            keys = List.copyOf(keys);
        }

        public static Auth none() {
            return new Auth(List.of(), null, null);
        }

        /** True when requests need a key. */
        public boolean required() {
            return keysFile != null || keysEnv != null;
        }
    }

    /**
     * One client key, kept as its digest only.
     *
     * @param name what logs, metrics and {@code /internal/status} show; never the key
     * @param models globs over model names the key may use; {@code ["*"]} for every model
     * @param limits the {@code per_key} defaults overridden field by field by the key's own
     * @param source where it came from, e.g. {@code keys.yaml:12} or {@code env RELAY_API_KEYS}
     */
    public record ClientKey(String name, KeyDigest digest, List<String> models, KeyLimits limits, String source) {

        public ClientKey {
            models = List.copyOf(models);
        }

        @Override
        public String toString() {
            return "ClientKey[" + name + " from " + source + "]";
        }
    }

    /**
     * A token bucket and a concurrency cap; 0 turns each off.
     *
     * @param rps requests per second, sustained
     * @param burst requests allowed at once above the rate; 0: one second's worth ({@code rps})
     * @param concurrent requests being answered at once
     */
    public record RateLimit(int rps, int burst, int concurrent) {

        public static final RateLimit OFF = new RateLimit(0, 0, 0);

        /** Nothing limited (without a record's {@code equals}, whose first call builds method handles). */
        public boolean off() {
            return rps == 0 && burst == 0 && concurrent == 0;
        }

        /** The bucket's size: {@code burst}, or one second's worth of requests (at least 1). */
        public int bucketSize() {
            return burst > 0 ? burst : Math.max(1, rps);
        }
    }

    /**
     * A key's limits: {@link RateLimit}'s three, and tokens per minute (prompt plus completion, as the
     * backend reports them, charged when the answer ends; 0: off).
     */
    public record KeyLimits(int rps, int burst, int concurrent, int tokensPerMinute) {

        public static final KeyLimits OFF = new KeyLimits(0, 0, 0, 0);

        /** Nothing limited. */
        public boolean off() {
            return rps == 0 && burst == 0 && concurrent == 0 && tokensPerMinute == 0;
        }

        public RateLimit requests() {
            return new RateLimit(rps, burst, concurrent);
        }

        // written out: shared limits look each key's arguments up by its limits on the event loop
        // (CheckCall), and a record's own equals and hashCode link through method handles on their
        // first call, tens of milliseconds of that loop on the first request
        @Override
        public boolean equals(Object o) {
            return o instanceof KeyLimits k && rps == k.rps && burst == k.burst && concurrent == k.concurrent
                    && tokensPerMinute == k.tokensPerMinute;
        }

        @Override
        public int hashCode() {
            return ((rps * 31 + burst) * 31 + concurrent) * 31 + tokensPerMinute;
        }
    }

    /**
     * {@code limits:}.
     *
     * @param perKey every key's defaults (a key's own {@code limits} override them field by field)
     * @param redis where replicas share their buckets; null: each process limits alone
     * @param request how large and how many parts a request may have ({@code limits.request})
     */
    public record Limits(RateLimit global, RateLimit perIp, KeyLimits perKey, URI redis, RedisDown redisDown,
            RequestLimits request) {

        /** Rate limits with the default request limits. */
        public Limits(RateLimit global, RateLimit perIp, KeyLimits perKey, URI redis, RedisDown redisDown) {
            this(global, perIp, perKey, redis, redisDown, RequestLimits.defaults());
        }

        public static Limits none() {
            return new Limits(RateLimit.OFF, RateLimit.OFF, KeyLimits.OFF, null, RedisDown.OPEN);
        }
    }

    /**
     * What one request may hold ({@code limits.request}); beyond each, a 4xx in the caller's shape
     * before anything is sent to a backend. The body's own size is {@code server.max_request_size}.
     *
     * @param maxHeaderBytes all header lines together (431)
     * @param maxHeaders header lines (431)
     * @param maxUriBytes the request line's target (414)
     * @param maxMessages a chat's messages (400)
     * @param maxImages images in all of a request's messages (400)
     */
    public record RequestLimits(int maxHeaderBytes, int maxHeaders, int maxUriBytes, int maxMessages, int maxImages) {

        public static RequestLimits defaults() {
            return new RequestLimits(32 * 1024, 100, 8 * 1024, 10_000, 100);
        }
    }

    /** What a limit check does while Redis cannot be reached. */
    public enum RedisDown {
        /** limit in this process alone until Redis is back (never delay or refuse for Redis' sake) */
        OPEN,
        /** refuse what needs a shared limit (503) until Redis is back */
        CLOSED;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * {@code admin:}: where {@code /metrics} and {@code /internal/*} are served and who may call them.
     *
     * @param port a separate port for them; 0: the main port
     * @param key the key they then need ({@code key_env}); null: none, but only loopback peers may call them
     */
    public record Admin(int port, Secret key) {

        public static Admin none() {
            return new Admin(0, null);
        }
    }
}
