package io.llmrelay.server.limits;

import io.llmrelay.core.config.SecurityConfig.KeyLimits;
import io.llmrelay.core.config.SecurityConfig.Limits;
import io.llmrelay.core.config.SecurityConfig.RateLimit;
import io.llmrelay.core.limits.Decision;
import io.llmrelay.core.limits.Limit;
import io.llmrelay.core.limits.Permit;
import io.llmrelay.core.limits.Scope;
import io.llmrelay.core.security.ApiKeys.ApiKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One request's {@code check.lua} call: the stages that apply in the order they are checked (the
 * key's, the client address's, the global limits: narrowest first, as the local limiter), three keys
 * and four arguments each, and how the script's reply becomes a {@link Decision}.
 *
 * <p>Redis keys: {@code llm-relay:<subject>:r} (request bucket), {@code :c} (leases), {@code :t}
 * (tokens), with the subject {@code g}, {@code ip:<address>} or {@code key:<name>}. A key's name
 * is letters, digits, {@code . _ -} (the config's rule); an address is its text.
 */
final class CheckCall {

    static final String PREFIX = "llm-relay:";

    /** The arguments of one stage's limits, made once per distinct set of limits. */
    static final class StageArgs {
        private static final ConcurrentHashMap<KeyLimits, StageArgs> CACHE = new ConcurrentHashMap<>();

        final KeyLimits limits;
        final String[] args;

        private StageArgs(KeyLimits limits) {
            this.limits = limits;
            int size = new RateLimit(limits.rps(), limits.burst(), limits.concurrent()).bucketSize();
            this.args = new String[] {
                limits.rps() > 0 ? Double.toString(1_000_000.0 / limits.rps()) : "0",
                Integer.toString(size),
                Integer.toString(limits.concurrent()),
                Integer.toString(limits.tokensPerMinute())};
        }

        static StageArgs of(KeyLimits limits) {
            return CACHE.computeIfAbsent(limits, StageArgs::new);
        }

        static StageArgs of(RateLimit r) {
            return of(new KeyLimits(r.rps(), r.burst(), r.concurrent(), 0));
        }

        boolean active() {
            return limits.rps() > 0 || limits.concurrent() > 0 || limits.tokensPerMinute() > 0;
        }
    }

    final Scope[] scopes;
    final String[] keys;
    final String[] args;
    /** the lease sets this request joins (stages with a concurrency cap) */
    final String[] leaseKeys;
    final String member;
    /** the key's tokens-per-minute bucket, or null */
    final String tokensKey;
    final int tokensPerMinute;
    final String clientIp;
    final ApiKey key;

    private CheckCall(List<Scope> scopes, List<String> keys, List<String> args, List<String> leaseKeys, String member,
            String tokensKey, int tokensPerMinute, String clientIp, ApiKey key) {
        this.scopes = scopes.toArray(Scope[]::new);
        this.keys = keys.toArray(String[]::new);
        this.args = args.toArray(String[]::new);
        this.leaseKeys = leaseKeys.toArray(String[]::new);
        this.member = member;
        this.tokensKey = tokensKey;
        this.tokensPerMinute = tokensPerMinute;
        this.clientIp = clientIp;
        this.key = key;
    }

    /** The call for a request, or null when no limit applies to it. */
    static CheckCall of(Limits limits, String clientIp, ApiKey key, String member, Duration lease) {
        List<Scope> scopes = new ArrayList<>(3);
        List<String> keys = new ArrayList<>(9);
        List<String> args = new ArrayList<>(14);
        List<String> leaseKeys = new ArrayList<>(3);
        args.add(member);
        args.add(Long.toString(lease.toMillis()));
        String tokensKey = null;
        int tpm = 0;
        if (key != null) {
            StageArgs s = StageArgs.of(key.limits());
            if (s.active()) {
                add(Scope.PER_KEY, PREFIX + "key:" + key.name(), s, scopes, keys, args, leaseKeys);
                if (s.limits.tokensPerMinute() > 0) {
                    tokensKey = keys.get(keys.size() - 1);
                    tpm = s.limits.tokensPerMinute();
                }
            }
        }
        StageArgs ip = StageArgs.of(limits.perIp());
        if (clientIp != null && ip.active()) {
            add(Scope.PER_IP, PREFIX + "ip:" + clientIp, ip, scopes, keys, args, leaseKeys);
        }
        StageArgs global = StageArgs.of(limits.global());
        if (global.active()) {
            add(Scope.GLOBAL, PREFIX + "g", global, scopes, keys, args, leaseKeys);
        }
        return scopes.isEmpty() ? null : new CheckCall(scopes, keys, args, leaseKeys, member, tokensKey, tpm, clientIp, key);
    }

    private static void add(Scope scope, String subject, StageArgs s, List<Scope> scopes, List<String> keys,
            List<String> args, List<String> leaseKeys) {
        scopes.add(scope);
        keys.add(subject + ":r");
        keys.add(subject + ":c");
        keys.add(subject + ":t");
        args.addAll(List.of(s.args));
        if (s.limits.concurrent() > 0) {
            leaseKeys.add(subject + ":c");
        }
    }

    /** True when an allowed request holds something (a lease to give back or a key to charge). */
    boolean holdsAnything() {
        return leaseKeys.length > 0 || tokensKey != null;
    }

    /** True when {@code reply} allowed the request. */
    static boolean allowed(List<Object> reply) {
        return number(reply, 0) == 1;
    }

    /** The script's reply as a decision; {@code permit} for an allowed one. */
    Decision decision(List<Object> reply, Permit permit) {
        int stage = (int) number(reply, 1);
        int kind = (int) number(reply, 2);
        Limit limit = null;
        Scope scope = null;
        if (stage >= 1 && stage <= scopes.length) {
            scope = scopes[stage - 1];
            limit = switch (kind) {
                case 1 -> Limit.requests(scope);
                case 2 -> Limit.concurrent(scope);
                case 3 -> Limit.PER_KEY_TOKENS;
                default -> null;
            };
        }
        String keyName = scope == Scope.PER_KEY ? key.name() : null;
        long value = number(reply, 3);
        long remaining = number(reply, 4);
        long reset = number(reply, 5);
        if (allowed(reply)) {
            return limit == null ? Decision.allowed(null, null, 0, 0, 0, permit)
                    : Decision.allowed(limit, keyName, value, remaining, reset, permit);
        }
        if (limit == null) {
            throw new IllegalStateException("check.lua refused without naming a limit: " + reply);
        }
        return Decision.limited(limit, keyName, value, remaining, reset, number(reply, 6));
    }

    private static long number(List<Object> reply, int i) {
        if (reply == null || reply.size() <= i || !(reply.get(i) instanceof Long n)) {
            throw new IllegalStateException("check.lua answered " + reply);
        }
        return n;
    }
}
